-- 0005 (PostgreSQL form of 0005_grassroots.sql: deferrable foreign keys): the assistants' grassroots work: disputes and their mediation
-- sessions and follow-up visits, public-security information reports,
-- visits / publicity / help-and-education activities, and key persons
-- (帮扶帮教对象) with their contact intervals. Categories are reference data
-- loaded from ref/ by `cunjing init`.

CREATE TABLE dispute_categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    subtypes TEXT NOT NULL DEFAULT ''
);

CREATE TABLE intel_categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    default_urgency TEXT NOT NULL DEFAULT 'normal',
    route_to TEXT NOT NULL DEFAULT ''
);

CREATE TABLE key_person_categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    followup_days INTEGER NOT NULL
);

CREATE TABLE disputes (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    category TEXT NOT NULL REFERENCES dispute_categories (code) DEFERRABLE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    village_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    hamlet_id TEXT REFERENCES areas (id) DEFERRABLE,
    parties TEXT NOT NULL,           -- JSON; ID numbers and phones sealed inside
    risk_level TEXT NOT NULL CHECK (risk_level IN ('low', 'medium', 'high')),
    status TEXT NOT NULL CHECK (status IN ('open', 'mediating', 'resolved', 'unresolved',
                                           'referred')),
    occurred_at BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    agreement TEXT,
    witnesses TEXT,                  -- JSON array of names
    referred_to TEXT,
    closed_at BIGINT,
    followup_due_at BIGINT,
    followup_notified INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX disputes_village ON disputes (village_id, created_at);
CREATE INDEX disputes_reported ON disputes (reported_at);
CREATE INDEX disputes_followup ON disputes (followup_notified, followup_due_at);

CREATE TABLE dispute_events (
    id TEXT PRIMARY KEY,
    dispute_id TEXT NOT NULL REFERENCES disputes (id) DEFERRABLE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- create, session, close, followup
    at BIGINT NOT NULL,              -- when it happened (held_at, follow-up time)
    actor_name TEXT NOT NULL,
    role TEXT NOT NULL,
    data TEXT NOT NULL,              -- JSON of the session, closing or follow-up
    from_status TEXT,
    to_status TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (dispute_id, seq)
);

CREATE TABLE intel_reports (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    category TEXT NOT NULL REFERENCES intel_categories (code) DEFERRABLE,
    content TEXT NOT NULL,
    village_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    occurred_at BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    location TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'valid', 'invalid')),
    assessed_by TEXT REFERENCES users (id) DEFERRABLE,
    assessed_at BIGINT,
    note TEXT,
    created_by TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    created_at BIGINT NOT NULL
);
CREATE INDEX intel_reports_village ON intel_reports (village_id, created_at);
CREATE INDEX intel_reports_reported ON intel_reports (reported_at);

CREATE TABLE key_persons (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    category TEXT NOT NULL REFERENCES key_person_categories (code) DEFERRABLE,
    name TEXT NOT NULL,
    id_sealed TEXT,
    id_masked TEXT,
    id_hmac TEXT,
    village_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    notes TEXT NOT NULL DEFAULT '',
    last_contact_at BIGINT,
    next_due_at BIGINT NOT NULL,
    due_notified INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX key_persons_village ON key_persons (village_id, created_at);
CREATE INDEX key_persons_due ON key_persons (due_notified, next_due_at);

CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'publicity', 'help_education')),
    village_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    held_at BIGINT NOT NULL,
    topic TEXT NOT NULL,
    people_count INTEGER NOT NULL DEFAULT 0,
    key_person_id TEXT REFERENCES key_persons (id) DEFERRABLE,
    notes TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    created_at BIGINT NOT NULL
);
CREATE INDEX activities_village ON activities (village_id, held_at);
CREATE INDEX activities_held ON activities (kind, held_at);
