-- 0003: the live event stream (GET /api/v1/events). An event names the
-- object it is about and its audience: one user, or the users whose scope
-- lies under an area (down: a bulletin to a township reaches its villages'
-- assistants) or holds an area (up: a high-risk dispute in a village reaches
-- the officers whose scope holds it), optionally limited to roles. Ids only
-- grow; a client reconnecting with Last-Event-ID gets what it missed.

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    user_id TEXT,
    area_path TEXT,
    direction TEXT NOT NULL DEFAULT '',
    roles INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);
CREATE INDEX events_at ON events (at);
