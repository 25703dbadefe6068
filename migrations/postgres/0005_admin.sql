-- Admin console: identity, deactivation with restore, invitation lifecycle, second factor,
-- pending e-mail changes, indexes for a fast list of 100,000 accounts.

ALTER TABLE users ADD COLUMN job_title TEXT;
ALTER TABLE users ADD COLUMN status_before_deactivation TEXT;
ALTER TABLE users ADD COLUMN invited_at BIGINT;
ALTER TABLE users ADD COLUMN invitation_reminders BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at BIGINT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN pending_email TEXT;
-- Folded names (lower case, no accents) for prefix search through an index.
ALTER TABLE users ADD COLUMN last_name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN first_name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
-- Byte-wise order, so prefix searches are index range scans.
ALTER TABLE users ALTER COLUMN email_key TYPE TEXT COLLATE "C";

CREATE INDEX users_list ON users(last_name_key, first_name_key, id);
CREATE INDEX users_first_name ON users(first_name_key, id);
CREATE INDEX users_status_list ON users(status, last_name_key, first_name_key, id);
CREATE INDEX users_kind_list ON users(kind, last_name_key, first_name_key, id);
CREATE INDEX users_invitations ON users(status, invited_at);

-- Single-use recovery codes of the second factor (keyed hashes).
CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- A session waiting for the second factor is not a full session.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';

CREATE INDEX users_admins ON users(last_name_key, first_name_key, id) WHERE is_admin = 1;
CREATE INDEX professional_access_profile ON professional_access(profile, user_id);

-- Existing accounts get their folded keys (lower case; accents are folded by the
-- application for new and edited accounts).
UPDATE users SET last_name_key = lower(last_name), first_name_key = lower(first_name);
