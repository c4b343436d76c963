-- 0002: household-registration pre-acceptance: business types and their
-- materials (reference data, editable by admin), applications with their
-- history, attachments (kept in the database so every instance and every
-- backup has them), the assistants' inbox and the text-message outbox.
-- Business tables carry county_id, the district they belong to, so that a
-- national deployment can shard by county (docs/deploy.md).

CREATE TABLE household_types (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    approver_level TEXT NOT NULL CHECK (approver_level IN ('station', 'county', 'city')),
    approval_chain TEXT NOT NULL,    -- '>'-separated: assistant>station_window>...
    promised_days INTEGER NOT NULL CHECK (promised_days >= 0),
    days_unit TEXT NOT NULL CHECK (days_unit IN ('working_days', 'calendar_days')),
    assistant_preaccept TEXT NOT NULL,
    days_basis TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);

CREATE TABLE household_materials (
    type_code TEXT NOT NULL REFERENCES household_types (code),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    required INTEGER NOT NULL,
    on_site INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (type_code, kind)
);

CREATE TABLE household_applications (
    id TEXT PRIMARY KEY,
    county_id TEXT NOT NULL REFERENCES areas (id),
    number TEXT NOT NULL UNIQUE,
    business_type TEXT NOT NULL REFERENCES household_types (code),
    village_id TEXT NOT NULL REFERENCES areas (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'approved',
                                           'completed', 'returned', 'rejected')),
    applicant_name TEXT NOT NULL,
    applicant_id_sealed TEXT NOT NULL, -- the ID number, encrypted with the data key
    applicant_id_hmac TEXT NOT NULL,   -- keyed hash, to find the same person without decrypting
    applicant_id_masked TEXT NOT NULL, -- 450109********1234
    applicant_id_last4 TEXT NOT NULL,
    applicant_phone_sealed TEXT,
    applicant_phone_masked TEXT,
    details TEXT NOT NULL,             -- JSON object
    created_by TEXT NOT NULL REFERENCES users (id),
    first_submitted_at BIGINT,
    submitted_at BIGINT,               -- the last submission (a resubmission restarts the clock)
    due_at BIGINT,
    accepted_at BIGINT,
    approved_at BIGINT,
    completed_at BIGINT,
    closed_at BIGINT,                  -- completed or rejected
    last_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX household_applications_village ON household_applications (village_id, created_at);
CREATE INDEX household_applications_status ON household_applications (status, due_at);
CREATE INDEX household_applications_person ON household_applications (applicant_id_hmac, business_type);

CREATE TABLE household_history (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES household_applications (id),
    seq INTEGER NOT NULL,
    at BIGINT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    actor_name TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT,
    UNIQUE (application_id, seq)
);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    owner_type TEXT NOT NULL,          -- 'household', 'dispute', ...
    owner_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    thumb BLOB,
    thumb_type TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_type, owner_id);

CREATE TABLE inbox (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX inbox_user ON inbox (user_id, created_at);

CREATE TABLE sms_outbox (
    id TEXT PRIMARY KEY,
    phone_sealed TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    body TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX sms_outbox_pending ON sms_outbox (sent_at, created_at);

