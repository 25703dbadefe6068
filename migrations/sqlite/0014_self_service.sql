-- Self-service (help, front desk, a person's own data).
-- Messages written to support from /aide. A signed-out writer confirms their address from a
-- link before the message reaches support ('unconfirmed' until then; purged when stale).
CREATE TABLE support_messages (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    lang TEXT NOT NULL,
    status TEXT NOT NULL,               -- unconfirmed | open | closed
    confirm_token_hash TEXT UNIQUE,
    confirm_expires_at INTEGER,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    closed_at INTEGER,
    closed_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX support_messages_status ON support_messages(status, created_at);
CREATE INDEX support_messages_user ON support_messages(user_id);

-- Support's answers, e-mailed to the writer.
CREATE TABLE support_replies (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES support_messages(id) ON DELETE CASCADE,
    agent_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX support_replies_message ON support_replies(message_id);

-- A deleted account keeps its row, emptied of every personal field, so that audit lines
-- keep pointing at a pseudonymous id.
ALTER TABLE users ADD COLUMN deleted_at INTEGER;

-- Which mails an account got, kept after delivery without the address in clear (a hash of
-- the lower-cased address): support sees what was sent and what bounced.
ALTER TABLE outbox ADD COLUMN recipient_key TEXT;
CREATE INDEX outbox_recipient_key ON outbox(recipient_key);
