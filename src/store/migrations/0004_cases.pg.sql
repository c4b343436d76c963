-- 0004 (PostgreSQL form of 0004_cases.sql: deferrable foreign keys): cases, case bulletins (协查) and the leads assistants send back, and
-- joint patrols (四加巡逻): teams, their members and patrol logs.

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    kind TEXT NOT NULL CHECK (kind IN ('criminal', 'public_security')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    village_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    occurred_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    solved INTEGER,
    closed_at BIGINT,
    created_by TEXT REFERENCES users (id) DEFERRABLE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_village ON cases (village_id, occurred_at);
CREATE INDEX cases_closed ON cases (status, closed_at);

CREATE TABLE case_credits (
    case_id TEXT NOT NULL REFERENCES cases (id) DEFERRABLE,
    user_id TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    PRIMARY KEY (case_id, user_id)
);

CREATE TABLE bulletins (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    case_id TEXT REFERENCES cases (id) DEFERRABLE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    created_at BIGINT NOT NULL
);
CREATE INDEX bulletins_created ON bulletins (created_at);

CREATE TABLE bulletin_areas (
    bulletin_id TEXT NOT NULL REFERENCES bulletins (id) DEFERRABLE,
    area_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    PRIMARY KEY (bulletin_id, area_id)
);

CREATE TABLE leads (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    bulletin_id TEXT NOT NULL REFERENCES bulletins (id) DEFERRABLE,
    author_id TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    village_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    content TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'useful', 'not_useful')),
    assessed_by TEXT REFERENCES users (id) DEFERRABLE,
    assessed_at BIGINT,
    note TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX leads_bulletin ON leads (bulletin_id, created_at);
CREATE INDEX leads_author ON leads (author_id, created_at);

CREATE TABLE patrol_teams (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    name TEXT NOT NULL,
    station_id TEXT NOT NULL REFERENCES units (id) DEFERRABLE,
    created_by TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    created_at BIGINT NOT NULL
);

CREATE TABLE patrol_members (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES patrol_teams (id) DEFERRABLE,
    position INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('police', 'assistant', 'village_staff', 'volunteer')),
    user_id TEXT REFERENCES users (id) DEFERRABLE,
    name TEXT NOT NULL,
    phone_masked TEXT,
    phone_sealed TEXT
);
CREATE INDEX patrol_members_team ON patrol_members (team_id);
CREATE INDEX patrol_members_user ON patrol_members (user_id);

CREATE TABLE patrols (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    team_id TEXT NOT NULL REFERENCES patrol_teams (id) DEFERRABLE,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL,
    findings TEXT NOT NULL,      -- JSON array of {kind, description, action}
    present TEXT NOT NULL,       -- JSON array of member ids
    track TEXT,                  -- GeoJSON LineString
    created_by TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    created_at BIGINT NOT NULL
);
CREATE INDEX patrols_team ON patrols (team_id, started_at);

CREATE TABLE patrol_areas (
    patrol_id TEXT NOT NULL REFERENCES patrols (id) DEFERRABLE,
    area_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    PRIMARY KEY (patrol_id, area_id)
);
CREATE INDEX patrol_areas_area ON patrol_areas (area_id);
