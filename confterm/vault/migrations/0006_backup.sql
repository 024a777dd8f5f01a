-- Backup register: every backup written, on which medium, where that medium is kept, and
-- when it was last verified. Destruction certificates read it to name the media that still
-- carry copies of a destroyed record (those with head_seq at or after the record's events).
CREATE TABLE backup_register(
    id          INTEGER PRIMARY KEY,
    backup_id   TEXT NOT NULL UNIQUE,      -- random id, also in the backup's manifest
    label       TEXT NOT NULL,             -- medium label (written on the disk itself)
    kept_at     TEXT NOT NULL,             -- where the medium is kept ('' if not given)
    location    TEXT NOT NULL,             -- the directory written at the time
    created_at  TEXT NOT NULL,             -- UTC
    created_by  TEXT NOT NULL,
    head_seq    INTEGER NOT NULL,          -- audit events contained in the backup
    head_hash   BLOB NOT NULL,
    size_bytes  INTEGER NOT NULL,
    verified_at TEXT,                      -- UTC of the last successful verification
    verified_by TEXT,
    retired_at  TEXT                       -- medium wiped or destroyed (NULL: still exists)
);
CREATE INDEX backup_by_head ON backup_register(head_seq);
CREATE INDEX backup_by_verified ON backup_register(verified_at);
