-- Shared (organisation) accounts: a structure's secretariat reached through its members'
-- own accounts. The account itself is a `users` row of kind 'shared' (no password: it never
-- signs in); its establishment, members and pending invitations live here. A request for
-- one goes through access_requests like any other (kind 'shared').

CREATE TABLE shared_accounts (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL UNIQUE REFERENCES access_requests(id) ON DELETE CASCADE,
    user_id INTEGER UNIQUE REFERENCES users(id) ON DELETE SET NULL,
    structure_id INTEGER NOT NULL REFERENCES structures(id),
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    description TEXT NOT NULL,
    identifier_kind TEXT NOT NULL,
    identifier TEXT NOT NULL,
    company_name TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    departement TEXT NOT NULL,
    service TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL,
    phone2 TEXT,
    responsible_last_name TEXT NOT NULL,
    responsible_first_name TEXT NOT NULL,
    responsible_profession TEXT NOT NULL,
    responsible_rpps TEXT,
    paperless INTEGER NOT NULL,
    in_directory INTEGER NOT NULL,
    email_token_hash TEXT,
    email_token_expires_at INTEGER,
    email_verified_at INTEGER,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX shared_accounts_structure ON shared_accounts(structure_id);
CREATE INDEX shared_accounts_token ON shared_accounts(email_token_hash);

-- Who reaches a shared account: exactly one responsible, managers who add and remove
-- members, and members.
CREATE TABLE shared_members (
    shared_id INTEGER NOT NULL REFERENCES shared_accounts(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    added_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (shared_id, user_id)
);
CREATE UNIQUE INDEX shared_members_one_responsible ON shared_members(shared_id) WHERE role = 'responsible';
CREATE INDEX shared_members_user ON shared_members(user_id);

-- Invitations by address (the member confirms from their own account); kept whatever the
-- address, so the page that adds a member reveals nothing.
CREATE TABLE shared_invitations (
    id INTEGER PRIMARY KEY,
    shared_id INTEGER NOT NULL REFERENCES shared_accounts(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    answered_at INTEGER,
    answer TEXT
);
CREATE UNIQUE INDEX shared_invitations_open ON shared_invitations(shared_id, email_key) WHERE answered_at IS NULL;
CREATE INDEX shared_invitations_address ON shared_invitations(email_key);

ALTER TABLE access_requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'individual';
ALTER TABLE access_requests ADD COLUMN created_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX access_requests_kind ON access_requests(kind, state, created_at);

-- The shared account a session acts for, and when its person last confirmed a code e-mailed
-- to them (creating a shared account).
ALTER TABLE sessions ADD COLUMN acting_for INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE sessions ADD COLUMN step_up_at INTEGER;

-- "Member X for shared account Y".
ALTER TABLE audit_log ADD COLUMN acting_for INTEGER;
ALTER TABLE document_accesses ADD COLUMN member_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
