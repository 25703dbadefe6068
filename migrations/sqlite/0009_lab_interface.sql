-- The lab system's interface: machine tokens, sealed health documents, reports with their
-- versions, invoices, and who wants which notices.

-- Bearer tokens of the lab information system; only a keyed hash is stored.
CREATE TABLE lab_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

-- A health document (PDF), sealed with its own key; that key is sealed under the server key
-- named by key_id. The sealed bytes live in document_blobs or in a directory (storage).
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    storage TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    sealed_key TEXT NOT NULL,
    key_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX documents_key_id ON documents(key_id);

-- Sealed bytes of documents kept in the database, in parts of 1 MiB: a 20 MB document never
-- goes through the driver in one piece.
CREATE TABLE document_blobs (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    part INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (document_id, part)
);

-- Reports now come from the lab system: prescriber, title, withdrawal; one row per version.
ALTER TABLE reports ADD COLUMN title TEXT;
ALTER TABLE reports ADD COLUMN structure_id INTEGER REFERENCES structures(id);
ALTER TABLE reports ADD COLUMN site_id INTEGER REFERENCES sites(id);
ALTER TABLE reports ADD COLUMN withdrawn_at INTEGER;
ALTER TABLE reports ADD COLUMN updated_at INTEGER;
CREATE UNIQUE INDEX reports_reference ON reports(reference);
CREATE INDEX reports_prescriber ON reports(structure_id, site_id, available_at);

CREATE TABLE report_versions (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    sampled_on TEXT NOT NULL,
    title TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    body_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (report_id, version)
);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    structure_id INTEGER NOT NULL REFERENCES structures(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    body_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    withdrawn_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX invoices_structure ON invoices(structure_id, site_id, created_at);

-- Notices: a patient may turn off "new report" e-mails; a professional receives them one by
-- one or as a daily digest (the default).
ALTER TABLE users ADD COLUMN report_emails INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN notice_mode TEXT NOT NULL DEFAULT 'digest';

-- What waits for a professional's next daily digest.
CREATE TABLE digest_items (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX digest_items_user ON digest_items(user_id, created_at);
CREATE INDEX digest_items_item ON digest_items(kind, item_id);

-- A mail about a document names it, so that withdrawing the document cancels unsent mails.
ALTER TABLE outbox ADD COLUMN about TEXT;
CREATE INDEX outbox_about ON outbox(about) WHERE about IS NOT NULL;
