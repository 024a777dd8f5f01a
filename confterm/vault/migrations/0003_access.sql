-- Access requests (查阅 consultation, 复制 copy, 借出 loan, 导出 export), their signed
-- decisions, fulfilment (consultations, loans), the access-event log tied to requests, and
-- change control for controlled catalogue fields. Builds on 0002_catalogue (records).
-- Dates a person chose (wanted period, expiry, due date) are local calendar days
-- 'YYYY-MM-DD'; moments are UTC text as in audit_events.

CREATE TABLE access_requests(
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('consultation', 'copy', 'loan', 'export')),
    requester_name TEXT NOT NULL CHECK (length(requester_name) > 0),
    requester_org  TEXT NOT NULL DEFAULT '',
    id_doc_type    TEXT NOT NULL,
    id_doc_number  TEXT NOT NULL,           -- kept for the file; shown only as id_doc_masked
    id_doc_masked  TEXT NOT NULL,
    relation       TEXT NOT NULL,
    purpose        TEXT NOT NULL CHECK (length(purpose) > 0),
    legal_basis    TEXT NOT NULL CHECK (length(legal_basis) > 0),
    wanted_from    TEXT NOT NULL,
    wanted_to      TEXT NOT NULL CHECK (wanted_to >= wanted_from),
    source_query   TEXT,                    -- the saved query the records came from, if any
    registered_by  TEXT NOT NULL,
    registered_at  TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'partial', 'denied', 'closed')),
    expires_on     TEXT,                    -- last day of use, set by the decision
    closed_at      TEXT
);
CREATE INDEX access_requests_by_status ON access_requests(status, id);
CREATE INDEX access_requests_by_requester ON access_requests(requester_name, id);
CREATE INDEX access_requests_by_registered ON access_requests(registered_at);

CREATE TABLE access_request_records(
    request_id INTEGER NOT NULL REFERENCES access_requests(id),
    record_id  INTEGER NOT NULL REFERENCES records(id),
    granted    INTEGER NOT NULL DEFAULT 0 CHECK (granted IN (0, 1)),
    PRIMARY KEY (request_id, record_id)
) WITHOUT ROWID;
CREATE INDEX access_request_records_by_record ON access_request_records(record_id, request_id);

-- One decision per request, signed by the approver's Ed25519 key over `payload`
-- (canonical JSON). The public key is kept so the signature stays checkable after a
-- passphrase reset replaces the person's key.
CREATE TABLE access_decisions(
    request_id      INTEGER PRIMARY KEY REFERENCES access_requests(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('approve', 'deny', 'partial')),
    approver        TEXT NOT NULL,
    decided_at      TEXT NOT NULL,
    expires_on      TEXT,
    conditions      TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL,
    signature       BLOB NOT NULL,
    public_key      BLOB NOT NULL,
    key_fingerprint TEXT NOT NULL,
    audit_seq       INTEGER NOT NULL
);

CREATE TABLE access_consultations(
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES access_requests(id),
    opened_at  TEXT NOT NULL,
    opened_by  TEXT NOT NULL,
    closed_at  TEXT,
    closed_by  TEXT
);
CREATE UNIQUE INDEX access_consultations_one_open ON access_consultations(request_id)
    WHERE closed_at IS NULL;

CREATE TABLE access_loans(
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES access_requests(id),
    record_id   INTEGER NOT NULL REFERENCES records(id),
    lent_at     TEXT NOT NULL,
    lent_by     TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    books_out   INTEGER NOT NULL CHECK (books_out > 0),
    pages_out   INTEGER CHECK (pages_out IS NULL OR pages_out >= 0),
    returned_at TEXT,
    received_by TEXT,
    books_back  INTEGER,
    pages_back  INTEGER,
    complete    INTEGER CHECK (complete IN (0, 1)),
    return_note TEXT NOT NULL DEFAULT ''
);
-- A record is out on at most one loan at a time.
CREATE UNIQUE INDEX access_loans_one_out ON access_loans(record_id) WHERE returned_at IS NULL;
CREATE INDEX access_loans_open_by_due ON access_loans(due_on) WHERE returned_at IS NULL;
CREATE INDEX access_loans_by_request ON access_loans(request_id);

-- Every act done under a request: reveal, print, export of content; consultation opened
-- and closed; copies made; loans out and back. The register (查阅登记簿) reads this.
CREATE TABLE access_events(
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES access_requests(id),
    record_id  INTEGER REFERENCES records(id),
    act        TEXT NOT NULL CHECK (act IN ('reveal', 'print', 'export', 'consult_open',
                                            'consult_close', 'copy', 'loan_out',
                                            'loan_return')),
    quantity   INTEGER,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    audit_seq  INTEGER NOT NULL
);
CREATE INDEX access_events_by_request ON access_events(request_id, id);
CREATE INDEX access_events_by_record ON access_events(record_id, id);
CREATE INDEX access_events_by_at ON access_events(at);

-- Change control. A controlled edit is a proposal (status pending) that a person other
-- than the proposer accepts or rejects; an uncontrolled edit is applied at once and kept
-- here as status 'direct' so a record's history reads from one table. `fields` is JSON
-- {field: {"before": old, "after": new}}; `base_version` is the record version edited.
CREATE TABLE record_changes(
    id              INTEGER PRIMARY KEY,
    record_id       INTEGER NOT NULL REFERENCES records(id),
    fields          TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (length(reason) > 0),
    base_version    INTEGER NOT NULL,
    proposed_by     TEXT NOT NULL,
    proposed_at     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'accepted', 'rejected', 'conflict', 'direct')),
    decided_by      TEXT,
    decided_at      TEXT,
    decision_note   TEXT NOT NULL DEFAULT '',
    signature       BLOB,
    key_fingerprint TEXT,
    audit_seq       INTEGER,                -- the event that proposed (or applied) it
    decision_seq    INTEGER                 -- the event that decided it
);
CREATE INDEX record_changes_by_record ON record_changes(record_id, id);
CREATE INDEX record_changes_by_status ON record_changes(status, id);
