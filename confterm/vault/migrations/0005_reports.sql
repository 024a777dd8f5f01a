-- Reports: the vault's own PDF-signing authority, every report issued, and every print and
-- save of one. Owned by confterm.vault.reporting.
--
-- Contract:
--  * report_pki holds one row: the vault CA and its report-signing certificate (PEM), and
--    their private keys sealed with AES-256-GCM under a key derived from the data key
--    (confterm.vault.reporting.pki_store). Created on first use, audited.
--  * issued_reports: one row per produced report (a reprint is a new row: new checkpoint,
--    new digest). `code_key` is the 16-character body of the printed short code, which is
--    what a typed or scanned short code is looked up by. `manifest` is the canonical JSON
--    of exactly the data shown, except that values listed in `withheld` (the recovery key
--    of a recovery sheet, which the vault must never hold) are replaced by a marker.
--  * report_deliveries: every save to a file and every print (or failed print), with its
--    purpose and the audit event written in the same transaction.
--  * Nothing here is deleted: a register of what left the vault on paper is an archive.

CREATE TABLE report_pki(
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    ca_cert      BLOB NOT NULL,
    ca_key       BLOB NOT NULL,     -- sealed
    signing_cert BLOB NOT NULL,
    signing_key  BLOB NOT NULL,     -- sealed
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);

CREATE TABLE issued_reports(
    id            INTEGER PRIMARY KEY,
    report_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    lang          TEXT NOT NULL,
    title         TEXT NOT NULL,
    digest        BLOB NOT NULL UNIQUE CHECK (length(digest) = 32),
    short_code    TEXT NOT NULL,
    code_key      TEXT NOT NULL CHECK (length(code_key) = 16),
    manifest      TEXT NOT NULL,
    withheld      TEXT NOT NULL DEFAULT '[]',   -- JSON list of withheld value names
    signatures    TEXT NOT NULL,                -- JSON [{public_key, signature}] (hex)
    checkpoint    TEXT NOT NULL,
    generated_by  TEXT NOT NULL,
    generated_at  TEXT NOT NULL,
    purpose       TEXT NOT NULL CHECK (length(purpose) > 0),
    pages         INTEGER NOT NULL,
    row_count     INTEGER NOT NULL,
    pdf_sha256    BLOB NOT NULL,
    missing_glyphs TEXT NOT NULL DEFAULT '',
    audit_seq     INTEGER NOT NULL
);
CREATE INDEX issued_reports_by_code ON issued_reports(code_key);
CREATE INDEX issued_reports_by_report ON issued_reports(report_id, id);

CREATE TABLE report_deliveries(
    id         INTEGER PRIMARY KEY,
    issued_id  INTEGER NOT NULL REFERENCES issued_reports(id),
    kind       TEXT NOT NULL CHECK (kind IN ('save', 'print', 'print_failed')),
    target     TEXT NOT NULL,     -- file path, or printer name
    copies     INTEGER,
    job_id     TEXT,
    detail     TEXT NOT NULL DEFAULT '',
    purpose    TEXT NOT NULL CHECK (length(purpose) > 0),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    audit_seq  INTEGER NOT NULL
);
CREATE INDEX report_deliveries_by_issued ON report_deliveries(issued_id, id);

CREATE TRIGGER issued_reports_keep BEFORE DELETE ON issued_reports
BEGIN
    SELECT RAISE(ABORT, 'confterm:issued_report_kept');
END;

CREATE TRIGGER report_deliveries_keep BEFORE DELETE ON report_deliveries
BEGIN
    SELECT RAISE(ABORT, 'confterm:report_delivery_kept');
END;
