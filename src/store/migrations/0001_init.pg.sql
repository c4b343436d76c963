-- 0001: the foundation schema: reference tree, units, users, sessions,
-- login throttling, idempotency keys and the chained audit log.
-- Times are Unix seconds (UTC) in BIGINT; booleans are INTEGER 0/1; ids are
-- opaque random strings. Written in the SQL that SQLite and PostgreSQL share;
-- This is the PostgreSQL form of 0001_init.sql: the same tables; the
-- append-only rule of audit_log is a trigger function, and foreign keys are
-- DEFERRABLE so that `cunjing migrate-db` can load rows in any order
-- (SET CONSTRAINTS ALL DEFERRED inside its one transaction).

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE areas (
    id TEXT PRIMARY KEY,
    code TEXT UNIQUE,                -- 12-digit NBS code; NULL for natural villages
    level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'town', 'community',
                                         'village', 'natural_village')),
    name TEXT NOT NULL,
    short_name TEXT,
    parent_id TEXT REFERENCES areas (id) DEFERRABLE,
    path TEXT NOT NULL UNIQUE,       -- '/' || ancestor ids || '/' || id || '/'
    depth INTEGER NOT NULL,
    urban_rural_code TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (parent_id, name)
);
CREATE INDEX areas_parent ON areas (parent_id);

CREATE TABLE units (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('bureau', 'station', 'brigade')),
    created_at BIGINT NOT NULL
);

CREATE TABLE unit_areas (
    unit_id TEXT NOT NULL REFERENCES units (id) DEFERRABLE,
    area_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    PRIMARY KEY (unit_id, area_id)
);
CREATE INDEX unit_areas_area ON unit_areas (area_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('assistant', 'officer', 'clerk', 'reviewer',
                                       'station_chief', 'bureau', 'township', 'admin',
                                       'auditor')),
    unit_id TEXT REFERENCES units (id) DEFERRABLE,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,                -- sealed with the data key (base64)
    totp_pending TEXT,               -- sealed secret awaiting confirmation
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE user_areas (
    user_id TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    area_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    PRIMARY KEY (user_id, area_id)
);
CREATE INDEX user_areas_area ON user_areas (area_id);

CREATE TABLE assistants (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE REFERENCES users (id) DEFERRABLE,
    village_id TEXT NOT NULL REFERENCES areas (id) DEFERRABLE,
    employer_id TEXT REFERENCES areas (id) DEFERRABLE,
    phone TEXT,
    contract_start TEXT,
    contract_end TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX assistants_village ON assistants (village_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,     -- SHA-256 of the bearer token; the token is never stored
    user_id TEXT NOT NULL REFERENCES users (id) DEFERRABLE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username, at);

CREATE TABLE login_locks (
    username TEXT PRIMARY KEY,
    until_at BIGINT NOT NULL
);

CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    client_ref TEXT NOT NULL,
    object_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, client_ref)
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id TEXT,
    user_name TEXT,
    role TEXT,
    ip TEXT,
    action TEXT NOT NULL,
    object TEXT,
    result TEXT NOT NULL,
    request_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_name, at);

-- The chain's head: the last seq and hash, keyed, so that a cut tail shows.
-- base_seq/base_hash: where the chain in the table starts (after archiving).
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    mac TEXT NOT NULL,
    base_seq BIGINT NOT NULL,
    base_hash TEXT NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
