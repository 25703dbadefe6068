-- Patient onboarding: e-mail verification and reset links, patient records, activation
-- codes (stored as keyed hashes only), records linked to accounts, reports' availability.

ALTER TABLE users ADD COLUMN birth_date TEXT;
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
ALTER TABLE users ADD COLUMN terms_accepted_at INTEGER;

-- Single-use links sent by e-mail (verification, password reset, invitations).
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX email_tokens_user ON email_tokens(user_id, purpose);

-- The lab's identity of a patient.
CREATE TABLE patient_records (
    id INTEGER PRIMARY KEY,
    lab_reference TEXT NOT NULL UNIQUE,
    last_name TEXT NOT NULL,
    birth_name TEXT,
    first_names TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    nir TEXT,
    created_at INTEGER NOT NULL
);

-- One activation code per record, printed on its reports; only its keyed hash is stored.
CREATE TABLE activation_codes (
    code_hash TEXT PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES patient_records(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    used_at INTEGER,
    used_by_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX activation_codes_record ON activation_codes(record_id);

-- A record linked to an account: one profile. status: linked | lab_review | rejected.
CREATE TABLE record_links (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    record_id INTEGER NOT NULL REFERENCES patient_records(id) ON DELETE CASCADE,
    relation TEXT NOT NULL,
    status TEXT NOT NULL,
    typed_last_name TEXT,
    typed_first_name TEXT,
    created_at INTEGER NOT NULL,
    reviewed_at INTEGER,
    reviewed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (user_id, record_id)
);
CREATE INDEX record_links_status ON record_links(status, created_at);

-- Reports of a record and whether they are complete (announced by the lab system).
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES patient_records(id) ON DELETE CASCADE,
    reference TEXT NOT NULL,
    status TEXT NOT NULL,
    sampled_on TEXT,
    available_at INTEGER NOT NULL,
    UNIQUE (record_id, reference)
);
