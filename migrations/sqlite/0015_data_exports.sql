-- Exports of a person's data too large to build during the request (many reports): queued,
-- built by the scheduler, sealed like any health document, announced by e-mail (a link to
-- the signed-in page, never to the file), downloaded by POST, deleted when they expire.
-- One per person: a new request replaces the previous one.
CREATE TABLE data_exports (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,               -- pending | building | ready
    lease_until INTEGER,
    document_id INTEGER REFERENCES documents(id),
    requested_at INTEGER NOT NULL,
    ready_at INTEGER,
    expires_at INTEGER
);
CREATE INDEX data_exports_status ON data_exports(status, requested_at);
CREATE INDEX data_exports_expiry ON data_exports(expires_at);
