-- Core: settings, people and their roles, the audit chain and its checkpoints.
CREATE TABLE settings(
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE people(
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    roles       TEXT NOT NULL,          -- comma-separated, sorted
    public_key  BLOB NOT NULL,          -- Ed25519, raw 32 bytes
    lang        TEXT,
    created_at  TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE audit_events(
    seq         INTEGER PRIMARY KEY,
    ts          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    details     TEXT NOT NULL,
    prev_hash   BLOB NOT NULL,
    hash        BLOB NOT NULL
);
CREATE INDEX audit_by_actor ON audit_events(actor, seq);
CREATE INDEX audit_by_action ON audit_events(action, seq);
CREATE INDEX audit_by_object ON audit_events(object_type, object_id, seq);

CREATE TABLE audit_checkpoints(
    seq        INTEGER PRIMARY KEY,
    hash       BLOB NOT NULL,
    signature  BLOB NOT NULL,
    created_at TEXT NOT NULL,
    actor      TEXT NOT NULL,
    purpose    TEXT NOT NULL
);
