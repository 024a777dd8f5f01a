-- Catalogue: clients (deregistered companies), retention rules, classification levels,
-- locations, records, labels, legal holds, saved queries, the search index and the
-- maintained counters. Contract (read by access, destruction, reports, the TUI):
--
--  * Calendar days a person chose or the law computes are local 'YYYY-MM-DD' text;
--    moments (created_at, released_at ...) are UTC text as in audit_events.
--  * records.retention_end is MAINTAINED by the catalogue services (confterm.vault.catalogue)
--    from confterm.vault.retention: the first day the record may be appraised for
--    destruction. '9999-12-31' means "no end" (permanent, or a fixed-asset card not yet
--    scrapped), so the column sorts and pages without NULLs.
--  * records.hold_count is MAINTAINED by triggers from hold_records/holds: the number of
--    active legal holds covering the record. 0 = not held. Never write it directly.
--  * A record can never enter destruction (state 'in_destruction' or 'destroyed') while
--    hold_count > 0 or unresolved = 1: triggers refuse it with 'confterm:record_on_hold' /
--    'confterm:record_unresolved'.
--  * Eligible for disposal = state 'active' AND unresolved = 0 AND hold_count = 0 AND
--    retention_end <= today (partial index records_eligible).
--  * Counters: catalogue_counters(key, n) kept by triggers: 'records', 'state:<state>',
--    'level:<code>', 'category:<code>', 'held', 'unresolved'; clients.record_count and
--    locations.record_count likewise. Never count(*) the records table for a browser.
--  * Columns holding personal information are prefixed pi_ and listed in
--    personal_info_fields (PIPL art. 47: shown masked; revealing is audited).
--  * record_search is a contentless FTS5 index (rowid = records.id) fed by the services
--    with confterm.vault.search_terms tokens of title, archive number, client name, code.
--  * version counters (records, clients, locations) serve optimistic concurrency: an
--    update names the version it read and is refused if the row changed meanwhile.

CREATE TABLE personal_info_fields(
    table_name  TEXT NOT NULL,
    column_name TEXT NOT NULL,
    PRIMARY KEY (table_name, column_name)
) WITHOUT ROWID;

CREATE TABLE clients(
    id                      INTEGER PRIMARY KEY,
    name                    TEXT NOT NULL CHECK (length(name) > 0),
    credit_code             TEXT NOT NULL UNIQUE CHECK (length(credit_code) = 18),
    deregistered_on         TEXT,
    pi_legal_representative TEXT NOT NULL DEFAULT '',
    pi_liquidation_contact  TEXT NOT NULL DEFAULT '',
    custody_agreement       TEXT NOT NULL DEFAULT '',
    notes                   TEXT NOT NULL DEFAULT '',
    record_count            INTEGER NOT NULL DEFAULT 0,   -- maintained by triggers
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    version                 INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX clients_by_name ON clients(name, id);
INSERT INTO personal_info_fields VALUES ('clients', 'pi_legal_representative'),
                                        ('clients', 'pi_liquidation_contact');

-- One row per record category: the period (NULL years = permanent), what it counts from,
-- spellings accepted on import, and texts for categories added by an administrator (empty:
-- the message catalogue's catalogue.category.<code> / catalogue.basis.<code>). Columns are
-- those of retention_rules.RetentionRule.to_row(); seeded from DEFAULT_RULES (a test keeps
-- them equal). Edited or added by an administrator (audited). The longest applicable
-- period wins: extensions (records.extension_years, record_extensions) compete with it.
CREATE TABLE retention_rules(
    category     TEXT PRIMARY KEY,
    years        INTEGER CHECK (years IS NULL OR years BETWEEN 1 AND 200),
    counted_from TEXT NOT NULL DEFAULT 'fiscal_year_end'
                 CHECK (counted_from IN ('fiscal_year_end', 'scrapped')),
    firm_rule    INTEGER NOT NULL DEFAULT 0 CHECK (firm_rule IN (0, 1)),
    aliases      TEXT NOT NULL DEFAULT '',
    name_zh      TEXT NOT NULL DEFAULT '',
    name_en      TEXT NOT NULL DEFAULT '',
    basis_zh     TEXT NOT NULL DEFAULT '',
    basis_en     TEXT NOT NULL DEFAULT '',
    sort         INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT,
    updated_by   TEXT,
    version      INTEGER NOT NULL DEFAULT 1
);
INSERT INTO retention_rules(sort, category, years, counted_from, firm_rule, aliases) VALUES
    (10, 'voucher', 30, 'fiscal_year_end', 0, '原始凭证|记账凭证|凭证|会计凭证'),
    (20, 'ledger', 30, 'fiscal_year_end', 0, '总账|明细账|日记账|现金日记账|银行存款日记账|账簿|其他辅助性账簿|辅助账簿'),
    (30, 'fixed_asset_card', 5, 'scrapped', 0, '固定资产卡片|资产卡片'),
    (40, 'periodic_report', 10, 'fiscal_year_end', 0, '月度财务会计报告|季度财务会计报告|半年度财务会计报告|月报|季报|半年报|财务报表'),
    (50, 'annual_report', NULL, 'fiscal_year_end', 0, '年度财务会计报告|年报|年度财务报告'),
    (60, 'bank_reconciliation', 10, 'fiscal_year_end', 0, '银行存款余额调节表|余额调节表'),
    (70, 'bank_statement', 10, 'fiscal_year_end', 0, '银行对账单|对账单'),
    (80, 'tax_return', 10, 'fiscal_year_end', 0, '纳税申报表|申报表'),
    (90, 'handover_register', 30, 'fiscal_year_end', 0, '会计档案移交清册|移交清册'),
    (100, 'custody_register', NULL, 'fiscal_year_end', 0, '会计档案保管清册|保管清册'),
    (110, 'destruction_register', NULL, 'fiscal_year_end', 0, '会计档案销毁清册|销毁清册'),
    (120, 'appraisal_opinion', NULL, 'fiscal_year_end', 0, '会计档案鉴定意见书|鉴定意见书'),
    (130, 'tax_book', 10, 'fiscal_year_end', 0, '涉税账簿|涉税资料'),
    (140, 'tax_payment_certificate', 10, 'fiscal_year_end', 0, '完税凭证|税收缴款书'),
    (150, 'invoice_stub', 5, 'fiscal_year_end', 0, '发票存根联|发票登记簿|发票存根'),
    (160, 'id_copy', 10, 'fiscal_year_end', 1, '身份证复印件|身份证件复印件|身份证明'),
    (170, 'contract', 30, 'fiscal_year_end', 1, '合同|协议|委托合同');

CREATE TABLE classification_levels(
    code    TEXT PRIMARY KEY,
    rank    INTEGER NOT NULL UNIQUE,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO classification_levels(code, rank, name_zh, name_en, builtin) VALUES
    ('public', 10, '公开', 'Public', 1),
    ('internal', 20, '内部', 'Internal', 1),
    ('confidential', 30, '敏感', 'Confidential', 1),
    ('secret', 40, '机密', 'Secret', 1);

-- room -> cabinet | safe -> shelf -> box. `path` is the display path ("档案室A / 柜03 /
-- 第2层 / 盒0012"), kept by the services. capacity (boxes) counts records.
CREATE TABLE locations(
    id           INTEGER PRIMARY KEY,
    parent_id    INTEGER REFERENCES locations(id),
    kind         TEXT NOT NULL CHECK (kind IN ('room', 'cabinet', 'safe', 'shelf', 'box')),
    name         TEXT NOT NULL CHECK (length(name) > 0),
    barcode      TEXT UNIQUE,
    capacity     INTEGER CHECK (capacity IS NULL OR capacity >= 0),
    record_count INTEGER NOT NULL DEFAULT 0,   -- records directly here; maintained
    path         TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    CHECK ((kind = 'room') = (parent_id IS NULL))
);
CREATE UNIQUE INDEX locations_unique_name ON locations(coalesce(parent_id, 0), name);
CREATE INDEX locations_by_path ON locations(path);

CREATE TABLE records(
    id                INTEGER PRIMARY KEY,
    archive_no        TEXT NOT NULL UNIQUE CHECK (length(archive_no) > 0),
    title             TEXT NOT NULL CHECK (length(title) > 0),
    client_id         INTEGER NOT NULL REFERENCES clients(id),
    category          TEXT NOT NULL REFERENCES retention_rules(category),
    volume_no         TEXT NOT NULL DEFAULT '',
    books             INTEGER NOT NULL DEFAULT 1 CHECK (books >= 0),
    start_year        INTEGER,
    end_year          INTEGER,
    fiscal_year       INTEGER NOT NULL,
    medium            TEXT NOT NULL DEFAULT 'paper'
                      CHECK (medium IN ('paper', 'electronic', 'both')),
    pages             INTEGER CHECK (pages IS NULL OR pages >= 0),
    level             TEXT NOT NULL REFERENCES classification_levels(code),
    location_id       INTEGER REFERENCES locations(id),
    personal_info     INTEGER NOT NULL DEFAULT 0 CHECK (personal_info IN (0, 1)),
    unresolved        INTEGER NOT NULL DEFAULT 0 CHECK (unresolved IN (0, 1)),
    unresolved_reason TEXT NOT NULL DEFAULT '',
    extension_years   INTEGER CHECK (extension_years IS NULL OR extension_years > 0),
    extension_reason  TEXT NOT NULL DEFAULT '',
    scrapped_year     INTEGER,
    archived_on       TEXT,                       -- 归档日期, 'YYYY-MM-DD'
    notes             TEXT NOT NULL DEFAULT '',
    retention_end     TEXT NOT NULL DEFAULT '9999-12-31',
    state             TEXT NOT NULL DEFAULT 'active'
                      CHECK (state IN ('active', 'in_destruction', 'destroyed')),
    hold_count        INTEGER NOT NULL DEFAULT 0,
    reviewed_at       TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    CHECK (start_year IS NULL OR end_year IS NULL OR end_year >= start_year),
    CHECK (unresolved = 0 OR length(unresolved_reason) > 0),
    CHECK (extension_years IS NULL OR length(extension_reason) > 0)
);
-- Sort orders of the browser (keyset pagination: each ends in a unique column).
CREATE INDEX records_by_title ON records(title, id);
CREATE INDEX records_by_client ON records(client_id, archive_no);
CREATE INDEX records_by_fiscal_year ON records(fiscal_year, archive_no);
CREATE INDEX records_by_year_title ON records(fiscal_year, title, id);
CREATE INDEX records_by_retention_end ON records(retention_end, id);
-- Filters and queues.
CREATE INDEX records_by_category ON records(category, archive_no);
CREATE INDEX records_by_level ON records(level, archive_no);
CREATE INDEX records_gone ON records(state) WHERE state <> 'active';
CREATE INDEX records_by_location ON records(location_id, archive_no);
CREATE INDEX records_by_reviewed ON records(reviewed_at, id) WHERE state = 'active';
CREATE INDEX records_held ON records(id) WHERE hold_count > 0;
CREATE INDEX records_unresolved ON records(id) WHERE unresolved = 1;
CREATE INDEX records_eligible ON records(retention_end, id)
    WHERE state = 'active' AND unresolved = 0 AND hold_count = 0;

-- Longer periods set at appraisal (鉴定) or later; the record's own cataloguing extension
-- is records.extension_years. years NULL = keep permanently; counted_from NULL = from the
-- record's own start, else from that day. After adding a row, call
-- catalogue.retention_sync.refresh(conn, [record_id]) in the same transaction.
CREATE TABLE record_extensions(
    id           INTEGER PRIMARY KEY,
    record_id    INTEGER NOT NULL REFERENCES records(id),
    years        INTEGER CHECK (years IS NULL OR years > 0),
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    source       TEXT NOT NULL DEFAULT 'appraisal' CHECK (source IN ('record', 'appraisal')),
    counted_from TEXT,
    reference    TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX record_extensions_by_record ON record_extensions(record_id);

CREATE TABLE labels(
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) > 0)
);
CREATE TABLE record_labels(
    record_id INTEGER NOT NULL REFERENCES records(id),
    label_id  INTEGER NOT NULL REFERENCES labels(id),
    PRIMARY KEY (record_id, label_id)
) WITHOUT ROWID;
CREATE INDEX record_labels_by_label ON record_labels(label_id, record_id);

-- A named browser query (filters as canonical JSON, see catalogue.browse.Filters).
CREATE TABLE saved_queries(
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    filters    TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Legal holds (冻结). scope 'client': every record of the client, including records
-- catalogued later (a trigger adds them); 'records': the chosen records; 'query': the
-- records matching `query` (filters JSON copied from the saved query at creation), and
-- records catalogued later that match it (added by the catalogue services).
CREATE TABLE holds(
    id             INTEGER PRIMARY KEY,
    reason         TEXT NOT NULL CHECK (length(reason) > 0),
    owner          TEXT NOT NULL CHECK (length(owner) > 0),
    reference      TEXT NOT NULL DEFAULT '',
    scope          TEXT NOT NULL CHECK (scope IN ('client', 'records', 'query')),
    client_id      INTEGER REFERENCES clients(id),
    query_id       INTEGER REFERENCES saved_queries(id),
    query          TEXT,
    started_at     TEXT NOT NULL,
    started_by     TEXT NOT NULL,
    released_at    TEXT,
    released_by    TEXT,
    release_reason TEXT,
    CHECK (scope <> 'client' OR client_id IS NOT NULL),
    CHECK (scope <> 'query' OR query IS NOT NULL),
    CHECK ((released_at IS NULL) = (released_by IS NULL)),
    CHECK (released_at IS NULL OR length(release_reason) > 0)
);
CREATE INDEX holds_active_by_client ON holds(client_id) WHERE released_at IS NULL;
CREATE INDEX holds_active ON holds(id) WHERE released_at IS NULL;

CREATE TABLE hold_records(
    hold_id   INTEGER NOT NULL REFERENCES holds(id),
    record_id INTEGER NOT NULL REFERENCES records(id),
    PRIMARY KEY (hold_id, record_id)
) WITHOUT ROWID;
CREATE INDEX hold_records_by_record ON hold_records(record_id, hold_id);

-- Search index: contentless (the text lives in records/clients), rows deletable.
-- Tokens are produced in Python (search_terms.index_tokens) and separated by spaces.
CREATE VIRTUAL TABLE record_search USING fts5(
    terms, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0',
    detail = 'full'
);

CREATE TABLE catalogue_counters(
    key TEXT PRIMARY KEY,
    n   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO catalogue_counters(key, n) VALUES ('records', 0), ('held', 0), ('unresolved', 0),
    ('state:active', 0), ('state:in_destruction', 0), ('state:destroyed', 0);

-- ---- counters -------------------------------------------------------------------------

CREATE TRIGGER records_count_insert AFTER INSERT ON records BEGIN
    INSERT INTO catalogue_counters(key, n) VALUES ('records', 1), ('state:' || NEW.state, 1),
        ('level:' || NEW.level, 1), ('category:' || NEW.category, 1),
        ('unresolved', NEW.unresolved), ('held', NEW.hold_count > 0)
        ON CONFLICT(key) DO UPDATE SET n = n + excluded.n;
    UPDATE clients SET record_count = record_count + 1 WHERE id = NEW.client_id;
    UPDATE locations SET record_count = record_count + 1 WHERE id = NEW.location_id;
    INSERT INTO hold_records(hold_id, record_id)
        SELECT id, NEW.id FROM holds
        WHERE scope = 'client' AND client_id = NEW.client_id AND released_at IS NULL;
END;

CREATE TRIGGER records_count_delete AFTER DELETE ON records BEGIN
    INSERT INTO catalogue_counters(key, n) VALUES ('records', -1), ('state:' || OLD.state, -1),
        ('level:' || OLD.level, -1), ('category:' || OLD.category, -1),
        ('unresolved', -OLD.unresolved), ('held', -(OLD.hold_count > 0))
        ON CONFLICT(key) DO UPDATE SET n = n + excluded.n;
    UPDATE clients SET record_count = record_count - 1 WHERE id = OLD.client_id;
    UPDATE locations SET record_count = record_count - 1 WHERE id = OLD.location_id;
END;

CREATE TRIGGER records_count_state AFTER UPDATE OF state ON records
WHEN OLD.state <> NEW.state BEGIN
    INSERT INTO catalogue_counters(key, n) VALUES ('state:' || OLD.state, -1),
        ('state:' || NEW.state, 1) ON CONFLICT(key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER records_count_level AFTER UPDATE OF level ON records
WHEN OLD.level <> NEW.level BEGIN
    INSERT INTO catalogue_counters(key, n) VALUES ('level:' || OLD.level, -1),
        ('level:' || NEW.level, 1) ON CONFLICT(key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER records_count_category AFTER UPDATE OF category ON records
WHEN OLD.category <> NEW.category BEGIN
    INSERT INTO catalogue_counters(key, n) VALUES ('category:' || OLD.category, -1),
        ('category:' || NEW.category, 1) ON CONFLICT(key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER records_count_flags AFTER UPDATE OF unresolved, hold_count ON records
WHEN OLD.unresolved <> NEW.unresolved OR (OLD.hold_count > 0) <> (NEW.hold_count > 0) BEGIN
    INSERT INTO catalogue_counters(key, n) VALUES ('unresolved', NEW.unresolved - OLD.unresolved),
        ('held', (NEW.hold_count > 0) - (OLD.hold_count > 0))
        ON CONFLICT(key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER records_count_client AFTER UPDATE OF client_id ON records
WHEN OLD.client_id <> NEW.client_id BEGIN
    UPDATE clients SET record_count = record_count - 1 WHERE id = OLD.client_id;
    UPDATE clients SET record_count = record_count + 1 WHERE id = NEW.client_id;
    INSERT OR IGNORE INTO hold_records(hold_id, record_id)
        SELECT id, NEW.id FROM holds
        WHERE scope = 'client' AND client_id = NEW.client_id AND released_at IS NULL;
END;

CREATE TRIGGER records_count_location AFTER UPDATE OF location_id ON records
WHEN OLD.location_id IS NOT NEW.location_id BEGIN
    UPDATE locations SET record_count = record_count - 1 WHERE id = OLD.location_id;
    UPDATE locations SET record_count = record_count + 1 WHERE id = NEW.location_id;
END;

-- ---- guards ---------------------------------------------------------------------------

CREATE TRIGGER records_capacity_insert BEFORE INSERT ON records
WHEN NEW.location_id IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'confterm:location_full') FROM locations
    WHERE id = NEW.location_id AND capacity IS NOT NULL AND record_count >= capacity;
END;

CREATE TRIGGER records_capacity_move BEFORE UPDATE OF location_id ON records
WHEN NEW.location_id IS NOT NULL AND OLD.location_id IS NOT NEW.location_id BEGIN
    SELECT RAISE(ABORT, 'confterm:location_full') FROM locations
    WHERE id = NEW.location_id AND capacity IS NOT NULL AND record_count >= capacity;
END;

CREATE TRIGGER records_no_destruction_when_held BEFORE UPDATE OF state ON records
WHEN NEW.state IN ('in_destruction', 'destroyed') AND OLD.state <> NEW.state BEGIN
    SELECT RAISE(ABORT, 'confterm:record_on_hold') WHERE NEW.hold_count > 0;
    SELECT RAISE(ABORT, 'confterm:record_unresolved') WHERE NEW.unresolved = 1;
END;

CREATE TRIGGER records_hold_count_guard BEFORE UPDATE OF hold_count ON records
WHEN NEW.hold_count < 0 BEGIN
    SELECT RAISE(ABORT, 'confterm:hold_count_negative');
END;

-- ---- holds ----------------------------------------------------------------------------

CREATE TRIGGER hold_records_count AFTER INSERT ON hold_records
WHEN (SELECT released_at FROM holds WHERE id = NEW.hold_id) IS NULL BEGIN
    UPDATE records SET hold_count = hold_count + 1 WHERE id = NEW.record_id;
END;

CREATE TRIGGER hold_records_keep BEFORE DELETE ON hold_records BEGIN
    SELECT RAISE(ABORT, 'confterm:hold_records_are_kept');
END;

CREATE TRIGGER holds_release AFTER UPDATE OF released_at ON holds
WHEN OLD.released_at IS NULL AND NEW.released_at IS NOT NULL BEGIN
    UPDATE records SET hold_count = hold_count - 1
    WHERE id IN (SELECT record_id FROM hold_records WHERE hold_id = NEW.id);
END;

CREATE TRIGGER holds_no_unrelease BEFORE UPDATE OF released_at ON holds
WHEN OLD.released_at IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'confterm:hold_already_released');
END;

CREATE TRIGGER holds_no_delete BEFORE DELETE ON holds BEGIN
    SELECT RAISE(ABORT, 'confterm:holds_are_kept');
END;
