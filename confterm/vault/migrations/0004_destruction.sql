-- Appraisal (鉴定), destruction registers (销毁清册), supervised sessions (监销), media
-- sanitisation blocks (NIST SP 800-88 style) and the permanent tombstones of destroyed
-- records. Builds on 0002_catalogue (records, clients, holds).
--
-- Contract (read by reports, restore, the TUI):
--  * Every table here is kept permanently: appraisal opinions, registers and sessions are
--    archives themselves (REFERENCE.md §1). Triggers refuse deletes of registers, sessions
--    and tombstones, and any change to a tombstone.
--  * A destroyed record keeps its catalogue row (state 'destroyed', content purged) and
--    gains one tombstone row with the statutory register fields, the register and session
--    references and a salted SHA-256 digest of the purged content. A record cannot reach
--    state 'destroyed' without its tombstone (trigger), nor leave it.
--  * destruction_register_items.open = 1 while the item's register is live; a record is on
--    at most one open register (unique partial index).
--  * Moments are UTC text as in audit_events; calendar days are 'YYYY-MM-DD'.
--  * Signatures are Ed25519 over `payload` (canonical JSON), with the public key kept so a
--    signature stays checkable after the person's key is replaced.

CREATE TABLE destruction_appraisals(
    id         INTEGER PRIMARY KEY,
    number     TEXT UNIQUE,                 -- 'JD-2026-001', given when issued
    status     TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'cancelled')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    opinion    TEXT NOT NULL DEFAULT '',
    issued_by  TEXT,
    issued_at  TEXT,
    payload    TEXT,
    signature  BLOB,
    public_key BLOB,
    audit_seq  INTEGER,
    CHECK ((status = 'issued') = (number IS NOT NULL AND signature IS NOT NULL))
);
CREATE INDEX destruction_appraisals_by_status ON destruction_appraisals(status, id);

CREATE TABLE destruction_appraisal_items(
    appraisal_id INTEGER NOT NULL REFERENCES destruction_appraisals(id),
    record_id    INTEGER NOT NULL REFERENCES records(id),
    position     INTEGER NOT NULL,
    decision     TEXT CHECK (decision IN ('destroy', 'extend', 'unresolved')),
    extend_years INTEGER CHECK (extend_years IS NULL OR extend_years BETWEEN 1 AND 200),
    reason       TEXT NOT NULL DEFAULT '',
    registered   INTEGER NOT NULL DEFAULT 0 CHECK (registered IN (0, 1)),
    PRIMARY KEY (appraisal_id, record_id),
    CHECK (decision IS NULL OR decision = 'destroy' OR length(reason) > 0),
    CHECK (extend_years IS NULL OR decision = 'extend')
) WITHOUT ROWID;
CREATE INDEX destruction_appraisal_items_by_record
    ON destruction_appraisal_items(record_id, appraisal_id);

CREATE TABLE destruction_registers(
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,     -- 'XH-2026-001'
    appraisal_id  INTEGER NOT NULL REFERENCES destruction_appraisals(id),
    status        TEXT NOT NULL DEFAULT 'signing'
                  CHECK (status IN ('signing', 'signed', 'rejected', 'in_session', 'completed',
                                    'cancelled')),
    legal_basis   TEXT NOT NULL CHECK (length(legal_basis) > 0),
    electronic    INTEGER NOT NULL DEFAULT 0 CHECK (electronic IN (0, 1)),
    prepared_by   TEXT NOT NULL,
    prepared_at   TEXT NOT NULL,
    payload       TEXT NOT NULL,            -- canonical JSON of items and totals
    digest        TEXT NOT NULL,            -- SHA-256 hex of payload: what signatories sign
    signature     BLOB NOT NULL,            -- the preparer's
    public_key    BLOB NOT NULL,
    closed_at     TEXT,
    close_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX destruction_registers_by_status ON destruction_registers(status, id);

CREATE TABLE destruction_register_items(
    register_id     INTEGER NOT NULL REFERENCES destruction_registers(id),
    record_id       INTEGER NOT NULL REFERENCES records(id),
    position        INTEGER NOT NULL,
    archive_no      TEXT NOT NULL,
    title           TEXT NOT NULL,
    volume_no       TEXT NOT NULL,
    books           INTEGER NOT NULL,
    start_year      INTEGER,
    end_year        INTEGER,
    fiscal_year     INTEGER NOT NULL,
    category        TEXT NOT NULL,
    required_period TEXT NOT NULL,          -- 应保管期限 as printed ("30 年")
    retention_end   TEXT NOT NULL,
    medium          TEXT NOT NULL,
    barcode         TEXT NOT NULL DEFAULT '',  -- container (box) barcode
    location        TEXT NOT NULL DEFAULT '',
    client_name     TEXT NOT NULL,
    client_code     TEXT NOT NULL,
    deregistered_on TEXT,
    legal_basis     TEXT NOT NULL,
    open            INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1)),
    PRIMARY KEY (register_id, record_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX destruction_register_items_one_open
    ON destruction_register_items(record_id) WHERE open = 1;
CREATE UNIQUE INDEX destruction_register_items_by_position
    ON destruction_register_items(register_id, position);
CREATE INDEX destruction_register_items_by_archive_no
    ON destruction_register_items(register_id, archive_no);
CREATE INDEX destruction_register_items_by_barcode
    ON destruction_register_items(register_id, barcode);

-- Opinions of the configured signatories (REFERENCE.md §4), one per slot.
CREATE TABLE destruction_signoffs(
    register_id INTEGER NOT NULL REFERENCES destruction_registers(id),
    slot        TEXT NOT NULL CHECK (slot IN ('head_of_unit', 'head_of_archives',
                                              'head_of_accounting', 'archives_clerk',
                                              'accounting_clerk')),
    position    INTEGER NOT NULL,
    person      TEXT NOT NULL,
    decision    TEXT CHECK (decision IN ('approve', 'reject')),
    opinion     TEXT NOT NULL DEFAULT '',
    signed_at   TEXT,
    payload     TEXT,
    signature   BLOB,
    public_key  BLOB,
    audit_seq   INTEGER,
    PRIMARY KEY (register_id, slot),
    CHECK ((decision IS NULL) = (signature IS NULL))
) WITHOUT ROWID;

CREATE TABLE destruction_sessions(
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,   -- 'JX-2026-001'
    register_id        INTEGER NOT NULL REFERENCES destruction_registers(id),
    executor           TEXT NOT NULL,
    method             TEXT NOT NULL CHECK (length(method) > 0),
    place              TEXT NOT NULL CHECK (length(place) > 0),
    electronic         INTEGER NOT NULL DEFAULT 0 CHECK (electronic IN (0, 1)),
    status             TEXT NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'paused', 'purged', 'completed', 'aborted')),
    started_at         TEXT NOT NULL,
    paused_at          TEXT,
    pause_reason       TEXT NOT NULL DEFAULT '',
    purged_at          TEXT,
    completed_at       TEXT,
    closed_reason      TEXT NOT NULL DEFAULT '',
    completion_payload TEXT,
    signature          BLOB,                  -- the executor's, over completion_payload
    public_key         BLOB,
    verification       TEXT,                  -- JSON: what the verification step found
    verified_ok        INTEGER CHECK (verified_ok IN (0, 1))
);
CREATE UNIQUE INDEX destruction_sessions_one_live ON destruction_sessions(register_id)
    WHERE status IN ('open', 'paused', 'purged');
CREATE INDEX destruction_sessions_by_status ON destruction_sessions(status, id);

-- Each time a witness proves presence: at start, at every resume, and to sign completion.
CREATE TABLE destruction_witnessing(
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES destruction_sessions(id),
    person      TEXT NOT NULL,
    it_function INTEGER NOT NULL DEFAULT 0 CHECK (it_function IN (0, 1)),
    event       TEXT NOT NULL CHECK (event IN ('start', 'resume', 'complete')),
    round       INTEGER NOT NULL,           -- 1 at start, +1 at each resume
    at          TEXT NOT NULL,
    payload     TEXT NOT NULL,
    signature   BLOB NOT NULL,
    public_key  BLOB NOT NULL,
    audit_seq   INTEGER NOT NULL
);
CREATE INDEX destruction_witnessing_by_session ON destruction_witnessing(session_id, id);

CREATE TABLE destruction_session_items(
    session_id   INTEGER NOT NULL REFERENCES destruction_sessions(id),
    record_id    INTEGER NOT NULL REFERENCES records(id),
    position     INTEGER NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'checked', 'excluded', 'blocked')),
    checked_at   TEXT,
    checked_by   TEXT,
    scanned      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',   -- exclusion or blocking reason
    PRIMARY KEY (session_id, record_id),
    CHECK (state <> 'checked' OR checked_at IS NOT NULL),
    CHECK (state NOT IN ('excluded', 'blocked') OR length(note) > 0)
) WITHOUT ROWID;
CREATE INDEX destruction_session_items_by_state
    ON destruction_session_items(session_id, state, position);

-- Every scan or typed number, including the ones that matched nothing.
CREATE TABLE destruction_scans(
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES destruction_sessions(id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    input      TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('checked', 'unknown', 'duplicate', 'excluded',
                                                'blocked', 'ambiguous')),
    record_id  INTEGER
);
CREATE INDEX destruction_scans_by_session ON destruction_scans(session_id, id);

-- Electronic media sanitised or destroyed in a session (NIST SP 800-88 certificate).
CREATE TABLE destruction_media(
    id                   INTEGER PRIMARY KEY,
    session_id           INTEGER NOT NULL REFERENCES destruction_sessions(id),
    performer_name       TEXT NOT NULL CHECK (length(performer_name) > 0),
    performer_title      TEXT NOT NULL DEFAULT '',
    performer_org        TEXT NOT NULL DEFAULT '',
    performer_location   TEXT NOT NULL DEFAULT '',
    performer_phone      TEXT NOT NULL DEFAULT '',
    make                 TEXT NOT NULL DEFAULT '',
    model                TEXT NOT NULL DEFAULT '',
    serial               TEXT NOT NULL CHECK (length(serial) > 0),
    property_no          TEXT NOT NULL DEFAULT '',
    media_type           TEXT NOT NULL CHECK (length(media_type) > 0),
    source               TEXT NOT NULL DEFAULT '',
    classification       TEXT NOT NULL DEFAULT '',
    backed_up            TEXT NOT NULL CHECK (backed_up IN ('yes', 'no', 'unknown')),
    backup_location      TEXT NOT NULL DEFAULT '',
    method               TEXT NOT NULL CHECK (method IN ('clear', 'purge', 'destroy')),
    technique            TEXT NOT NULL CHECK (length(technique) > 0),
    tool                 TEXT NOT NULL DEFAULT '',
    verification         TEXT NOT NULL CHECK (verification IN ('full', 'sampled')),
    post_classification  TEXT NOT NULL DEFAULT '',
    notes                TEXT NOT NULL DEFAULT '',
    destination          TEXT NOT NULL CHECK (destination IN ('reuse', 'recycling',
                                                              'manufacturer', 'other')),
    destination_detail   TEXT NOT NULL DEFAULT '',
    recorded_by          TEXT NOT NULL,
    recorded_at          TEXT NOT NULL,
    payload              TEXT NOT NULL,
    performer_signature  BLOB,                -- when the performer is the recording person
    performer_key        BLOB,
    validator            TEXT,
    validator_title      TEXT NOT NULL DEFAULT '',
    validator_org        TEXT NOT NULL DEFAULT '',
    validated_at         TEXT,
    validator_signature  BLOB,
    validator_key        BLOB,
    CHECK ((validator IS NULL) = (validator_signature IS NULL))
);
CREATE INDEX destruction_media_by_session ON destruction_media(session_id, id);

CREATE TABLE destruction_tombstones(
    record_id       INTEGER PRIMARY KEY,   -- the catalogue row stays, state 'destroyed'
    archive_no      TEXT NOT NULL,
    title           TEXT NOT NULL,
    volume_no       TEXT NOT NULL,
    books           INTEGER NOT NULL,
    start_year      INTEGER,
    end_year        INTEGER,
    fiscal_year     INTEGER NOT NULL,
    category        TEXT NOT NULL,
    required_period TEXT NOT NULL,
    retained_years  INTEGER NOT NULL,       -- 已保管期限 in full years
    destroyed_on    TEXT NOT NULL,          -- 销毁时间 (local day)
    destroyed_at    TEXT NOT NULL,          -- UTC moment of the purge
    medium          TEXT NOT NULL,
    barcode         TEXT NOT NULL DEFAULT '',
    client_name     TEXT NOT NULL,
    client_code     TEXT NOT NULL,
    deregistered_on TEXT,
    legal_basis     TEXT NOT NULL,
    appraisal_no    TEXT NOT NULL,
    register_id     INTEGER,                -- NULL only when re-applied by a restore
    register_no     TEXT NOT NULL,
    session_id      INTEGER,
    session_no      TEXT NOT NULL,
    method          TEXT NOT NULL,
    place           TEXT NOT NULL,
    executor        TEXT NOT NULL,
    witnesses       TEXT NOT NULL,          -- names, '、'-joined
    purged_fields   TEXT NOT NULL,          -- JSON list of what was purged
    content_salt    BLOB NOT NULL,
    content_digest  TEXT NOT NULL,          -- SHA-256(salt || canonical purged content)
    audit_seq       INTEGER NOT NULL,
    reapplied       INTEGER NOT NULL DEFAULT 0 CHECK (reapplied IN (0, 1))
);
CREATE INDEX destruction_tombstones_by_session ON destruction_tombstones(session_id);
CREATE INDEX destruction_tombstones_by_archive_no ON destruction_tombstones(archive_no);
CREATE INDEX destruction_tombstones_by_seq ON destruction_tombstones(audit_seq);

-- ---- permanence and the last line of defence -------------------------------------------

CREATE TRIGGER destruction_tombstones_no_delete BEFORE DELETE ON destruction_tombstones BEGIN
    SELECT RAISE(ABORT, 'confterm:tombstones_are_kept');
END;
CREATE TRIGGER destruction_tombstones_no_update BEFORE UPDATE ON destruction_tombstones BEGIN
    SELECT RAISE(ABORT, 'confterm:tombstones_are_kept');
END;
CREATE TRIGGER destruction_registers_no_delete BEFORE DELETE ON destruction_registers BEGIN
    SELECT RAISE(ABORT, 'confterm:registers_are_kept');
END;
CREATE TRIGGER destruction_sessions_no_delete BEFORE DELETE ON destruction_sessions BEGIN
    SELECT RAISE(ABORT, 'confterm:sessions_are_kept');
END;
CREATE TRIGGER destruction_appraisals_no_delete BEFORE DELETE ON destruction_appraisals BEGIN
    SELECT RAISE(ABORT, 'confterm:appraisals_are_kept');
END;

-- A record reaches 'destroyed' only with its tombstone, and never leaves that state.
CREATE TRIGGER records_destroyed_needs_tombstone BEFORE UPDATE OF state ON records
WHEN NEW.state = 'destroyed' AND OLD.state <> 'destroyed' BEGIN
    SELECT RAISE(ABORT, 'confterm:destroyed_without_tombstone')
    WHERE NOT EXISTS (SELECT 1 FROM destruction_tombstones WHERE record_id = NEW.id);
END;
CREATE TRIGGER records_destroyed_is_final BEFORE UPDATE OF state ON records
WHEN OLD.state = 'destroyed' AND NEW.state <> 'destroyed' BEGIN
    SELECT RAISE(ABORT, 'confterm:destroyed_is_final');
END;
