-- Running Sésame for real: when an account was last used (inactive accounts are deleted
-- after three years, warned 30 days before), and provisional access codes reminded once
-- before they expire.

ALTER TABLE users ADD COLUMN last_active_at BIGINT;
ALTER TABLE users ADD COLUMN inactivity_warned_at BIGINT;
UPDATE users SET last_active_at = updated_at;
CREATE INDEX users_last_active ON users(last_active_at);

ALTER TABLE access_codes ADD COLUMN reminded_at BIGINT;
CREATE INDEX access_codes_expiry ON access_codes(expires_at) WHERE used_at IS NULL;

CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX outbox_sent ON outbox(sent_at);
