-- Security hardening: progressive delays stored with their counter; sessions with their
-- own lifetimes (remembered or not), a device summary, when the password was last given,
-- and a public handle to end them from a list; activation codes replaced for good; codes
-- e-mailed for sign-in (and later for other one-time confirmations).

ALTER TABLE rate_limits ADD COLUMN blocked_until INTEGER NOT NULL DEFAULT 0;

-- Sessions opened under the old lifetimes (8 h idle, 7 days) end with this upgrade.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN remember INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN authenticated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN handle TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_handle ON sessions(user_id, handle);

-- A code replaced by a new one (lost, or used by someone else) never works again, even
-- if the link it made is later refused.
ALTER TABLE activation_codes ADD COLUMN replaced_at INTEGER;

-- Single-use codes e-mailed to an account: the sign-in second factor ('sign_in').
CREATE TABLE one_time_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX one_time_codes_user ON one_time_codes(user_id, purpose);

-- Unverified sign-ups are purged after 7 days.
CREATE INDEX users_unverified ON users(status, created_at);
