-- Professional access: structures and their sites, the roll-out calendar, professionals'
-- rights and site scope, approver delegations, and access requests with their sites.

CREATE TABLE structures (
    id INTEGER PRIMARY KEY,
    correspondent_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    postcode TEXT NOT NULL,
    departement TEXT NOT NULL,
    migrated_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (structure_id, name)
);
CREATE INDEX sites_structure ON sites(structure_id);

-- Sign-up opens per département on this date (AAAA-MM-JJ).
CREATE TABLE rollout (
    departement TEXT PRIMARY KEY,
    opens_on TEXT NOT NULL
);

-- A professional account's structure, profile, rights and scope.
CREATE TABLE professional_access (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    structure_id INTEGER NOT NULL REFERENCES structures(id),
    profile TEXT NOT NULL,
    results INTEGER NOT NULL,
    invoices INTEGER NOT NULL,
    all_sites INTEGER NOT NULL,
    phone TEXT,
    updated_at INTEGER NOT NULL
);
CREATE INDEX professional_access_structure ON professional_access(structure_id, profile);

-- Sites of a professional whose scope is a subset.
CREATE TABLE professional_sites (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, site_id)
);

-- Users support designated as approvers of a structure.
CREATE TABLE approver_delegations (
    id INTEGER PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    granted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    granted_at INTEGER NOT NULL,
    revoked_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    revoked_at INTEGER
);
CREATE UNIQUE INDEX approver_delegations_active ON approver_delegations(structure_id, user_id) WHERE revoked_at IS NULL;

CREATE TABLE access_requests (
    id INTEGER PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structures(id),
    profile TEXT NOT NULL,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    phone TEXT NOT NULL,
    results INTEGER NOT NULL,
    invoices INTEGER NOT NULL,
    all_sites INTEGER NOT NULL,
    approver_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    state TEXT NOT NULL,
    refusal_reason TEXT,
    decided_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    lang TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX access_requests_state ON access_requests(state, structure_id, created_at);
-- One open request per address: the database refuses a second one, even concurrently.
CREATE UNIQUE INDEX access_requests_open_email ON access_requests(email_key)
    WHERE state IN ('pending_approver', 'pending_support', 'validated');

CREATE TABLE access_request_sites (
    request_id INTEGER NOT NULL REFERENCES access_requests(id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    PRIMARY KEY (request_id, site_id)
);
