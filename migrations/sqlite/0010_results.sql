-- Results: every opening or download of a health document, by whom and which version.

CREATE TABLE document_accesses (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    item_kind TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX document_accesses_item ON document_accesses(item_kind, item_id, at);
CREATE INDEX document_accesses_user ON document_accesses(user_id, item_kind, item_id);
