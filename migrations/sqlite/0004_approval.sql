-- Approval, support validation and first login: what was asked (to show the approver's
-- changes), provisional access codes (keyed hashes only), support agents' invitations.

ALTER TABLE access_requests ADD COLUMN asked TEXT NOT NULL DEFAULT '{}';
ALTER TABLE access_requests ADD COLUMN approved_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE access_requests ADD COLUMN approved_at INTEGER;

-- Single-use provisional access codes, valid 7 days.
CREATE TABLE access_codes (
    code_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    request_id INTEGER REFERENCES access_requests(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX access_codes_user ON access_codes(user_id);
