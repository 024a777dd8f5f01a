"""Writing many records fast, inside one transaction the caller owns (import, demo, bench).

The per-record service (records.create) runs several statements and an audit event per
record, about 1 ms each: fine for a person typing, far too slow for a 100,000-row file.
Here rows are buffered and written with ``executemany`` in batches: records (explicit ids,
so labels and search documents need no read-back), their labels, and their search
documents; retention ends come from a memoised :class:`retention_sync.Calculator`, client
search tokens are computed once per client. The insert triggers are suspended while
writing; their effects (counters, clients' and boxes' record counts, client holds, the
over-full box refusal) are applied once at :meth:`BulkWriter.finish` from counts kept in
Python as rows are buffered, so the maintained columns are exactly those of the
per-record path without six more passes over a million new rows.

A large batch drops the records' secondary indexes before writing and recreates them at
the end (sorting once is far cheaper than a million random index inserts). Indexes that
the new rows extend only at their end, or that hold almost no new row (partial indexes
of held, unresolved, destroyed records), are kept: recreating one reads the whole table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from confterm.errors import ConflictError
from confterm.vault.access.model import Label
from confterm.vault.catalogue import labels as labels_mod
from confterm.vault.catalogue import retention_sync, search_index
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.store import Connection

ROW_COLUMNS = ("archive_no", "title", "category", "volume_no", "books", "start_year",
               "end_year", "fiscal_year", "medium", "pages", "level", "personal_info",
               "unresolved", "unresolved_reason", "extension_years", "extension_reason",
               "scrapped_year", "archived_on", "notes", "retention_end")
"""The columns a file's row alone decides (:func:`row_values`): an import's reading
process computes them, so the vault side only puts the ids before and the times after."""
ARCHIVE_NO = ROW_COLUMNS.index("archive_no")  # its position in row_values
INSERT_COLUMNS = ("id", "client_id", "location_id", *ROW_COLUMNS,
                  "reviewed_at", "created_at", "updated_at")
_INSERT = (f"INSERT INTO records({', '.join(INSERT_COLUMNS)})"
           f" VALUES ({', '.join('?' * len(INSERT_COLUMNS))})")


SUSPENDED_TRIGGERS = ("records_count_insert", "records_capacity_insert")
REBUILD_AFTER = 50_000


def records_now(conn: Connection) -> int:
    """The maintained record count (a counter the triggers keep, not a scan)."""
    return int(conn.execute("SELECT coalesce(max(n), 0) FROM catalogue_counters"
                            " WHERE key = 'records'").fetchone()[0])


def rebuilds_indexes(rows: int, existing: int) -> bool:
    """Whether writing ``rows`` new records into a table of ``existing`` is worth dropping
    the secondary indexes and making them again at the end."""
    return rows >= max(REBUILD_AFTER, existing)
_KEPT_INDEXES = (
    "sqlite_autoindex_records_1",  # archive_no UNIQUE: checks duplicates
    "records_by_reviewed",  # (reviewed_at = now, id): new rows are appended at its end
    "records_gone", "records_held", "records_unresolved",  # partial: few new rows enter
)

_UPSERT_COUNTER = ("INSERT INTO catalogue_counters(key, n) VALUES (?, ?)"
                   " ON CONFLICT(key) DO UPDATE SET n = n + excluded.n")
_CLIENT_HOLDS = """
INSERT OR IGNORE INTO hold_records(hold_id, record_id)
SELECT h.id, r.id FROM records r JOIN holds h ON h.client_id = r.client_id
WHERE r.id BETWEEN :a AND :b AND h.scope = 'client' AND h.released_at IS NULL"""
_OVERFULL = ("SELECT path, capacity, record_count FROM locations WHERE capacity IS NOT NULL"
             " AND record_count > capacity AND id IN ({marks}) LIMIT 1")
# Column positions in a buffered row (INSERT_COLUMNS).
_CLIENT, _CATEGORY, _LEVEL, _LOCATION, _UNRESOLVED = (
    INSERT_COLUMNS.index(c) for c in ("client_id", "category", "level", "location_id",
                                      "unresolved"))


def row_values(row: CatalogueRow, retention_end: str) -> tuple[Any, ...]:
    """A validated file row's values in ``ROW_COLUMNS`` order."""
    return (row.archive_no, row.title, row.category, row.volume_no, row.books, row.start_year,
            row.end_year, row.fiscal_year, row.medium, row.pages, row.level,
            int(row.personal_info), int(row.unresolved), row.unresolved_reason,
            row.extension_years, row.extension_reason, row.scrapped_year,
            row.archived_on.isoformat() if row.archived_on else None, row.notes,
            retention_end)


class BulkWriter:
    """Buffers cleaned record values and writes them in batches of ``batch`` rows."""

    def __init__(self, conn: Connection, now: str, batch: int = 5000,
                 expected: int = 0) -> None:
        """``expected``: about how many rows will come (0: unknown); when that many would
        be worth recreating the indexes for, they are dropped before the first write."""
        self.conn = conn
        self.expected = expected
        self.now = now
        self.batch = batch
        self.calc = retention_sync.Calculator(retention_sync.load_rules(conn))
        self.client_tokens = search_index.ClientTokens(conn)
        self.first_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM records"
                                         ).fetchone()[0])
        self.next_id = self.first_id
        self._rows: list[tuple[Any, ...]] = []
        self._docs: list[tuple[int, str]] = []
        self._labels: list[tuple[int, int]] = []
        self._label_ids: dict[str, int] = {}
        self._triggers: list[str] = []
        self._indexes: list[str] = []
        self._hash: int | None = None  # record_search's hashsize before this bulk insert
        self.existing = records_now(conn)
        self._clients_seen: set[int] = set()
        self._counts: Counter[str] = Counter()
        self._per_client: Counter[int] = Counter()
        self._per_location: Counter[int] = Counter()
        self.written = 0

    def _suspend_triggers(self) -> None:
        marks = ", ".join("?" * len(SUSPENDED_TRIGGERS))
        self._triggers = [r[0] for r in self.conn.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
            SUSPENDED_TRIGGERS)]
        for name in SUSPENDED_TRIGGERS:
            self.conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        self._hash = search_index.set_hash(self.conn, search_index.BULK_HASH_BYTES)
        if rebuilds_indexes(self.expected, self.existing):
            self._drop_indexes()

    def finish(self) -> None:
        """Write what is buffered, apply the suspended triggers' effects, restore them.

        Raises ConflictError (and the caller's transaction must roll back) if a location
        would hold more than its capacity.
        """
        self.flush()
        self._recreate_indexes()
        if self._hash is not None:
            search_index.set_hash(self.conn, self._hash)
            self._hash = None
        self._check_references()
        if not self._triggers:
            return
        span = {"a": self.first_id, "b": self.last_id}
        counts = self._counts
        counts["state:active"] = counts["records"]
        self.conn.executemany(_UPSERT_COUNTER, list(counts.items()))
        self.conn.executemany("UPDATE clients SET record_count = record_count + ?"
                              " WHERE id = ?", [(n, i) for i, n in self._per_client.items()])
        self.conn.executemany("UPDATE locations SET record_count = record_count + ?"
                              " WHERE id = ?", [(n, i) for i, n in self._per_location.items()])
        self.conn.execute(_CLIENT_HOLDS, span)
        full = None
        places = list(self._per_location)
        for start in range(0, len(places), 500):
            part = places[start:start + 500]
            full = full or self.conn.execute(
                _OVERFULL.format(marks=", ".join("?" * len(part))), part).fetchone()
        for sql in self._triggers:
            self.conn.execute(sql)
        self._triggers = []
        if full is not None:
            raise ConflictError("records.box_full", box=full[0], capacity=full[1],
                                used=full[2], adding=0)

    def _check_references(self) -> None:
        """Every client, location, category and level the new records name exists.

        Why here: a large import writes with ``PRAGMA foreign_keys`` off (four parent
        lookups per row were 2.6 s of a 1,000,000-row import). Each new row's references
        are among the values counted as it was buffered, so looking those few up once
        checks the same thing. Raises ConflictError; the caller's transaction rolls back.
        """
        counts = self._counts
        checks: tuple[tuple[str, str, str, list[Any]], ...] = (
            ("clients", "id", "client", list(self._per_client)),
            ("locations", "id", "location", list(self._per_location)),
            ("retention_rules", "category", "category",
             [k.split(":", 1)[1] for k in counts if k.startswith("category:")]),
            ("classification_levels", "code", "level",
             [k.split(":", 1)[1] for k in counts if k.startswith("level:")]))
        for table, column, what, keys in checks:
            for start in range(0, len(keys), 500):
                part = keys[start:start + 500]
                found = {r[0] for r in self.conn.execute(
                    f"SELECT {column} FROM {table} WHERE {column} IN"
                    f" ({', '.join('?' * len(part))})", part)}
                missing = [k for k in part if k not in found]
                if missing:
                    raise ConflictError("records.bulk_reference_missing",
                                        what=Label(f"records.reference.{what}"),
                                        value=str(missing[0]))

    def add(self, v: dict[str, Any], labels: Iterable[str] = (), tokens: str | None = None) -> int:
        """Queue one record (values as record_input.clean returns them); returns its id.

        ``tokens``: search_index.record_part(title, archive_no), when already computed
        (the import's reader process does that work in parallel).
        """
        if not self._triggers and self.next_id == self.first_id:
            self._suspend_triggers()
        rid = self.next_id
        self.next_id += 1
        end = self.calc.end(v["category"], v["fiscal_year"], v.get("end_year"),
                            v.get("scrapped_year"), v.get("extension_years"),
                            v.get("extension_reason", ""))
        now = self.now
        self._rows.append((
            rid, v["client_id"], v.get("location_id"), v["archive_no"], v["title"],
            v["category"], v.get("volume_no", ""), v.get("books", 1), v.get("start_year"),
            v.get("end_year"), v["fiscal_year"], v.get("medium", "paper"), v.get("pages"),
            v["level"], int(bool(v.get("personal_info"))), int(bool(v.get("unresolved"))),
            v.get("unresolved_reason", ""), v.get("extension_years"),
            v.get("extension_reason", ""), v.get("scrapped_year"), v.get("archived_on"),
            v.get("notes", ""), end, now, now, now))
        self.client_tokens.ensure(v["client_id"])
        self._docs.append((rid, tokens if tokens is not None else
                           search_index.record_part(v["title"], v["archive_no"])))
        self._add_labels(rid, labels)
        if len(self._rows) >= self.batch:
            self.flush()
        return rid

    def add_row(self, labels: tuple[str, ...], client_id: int, location_id: int | None,
                values: tuple[Any, ...], tokens: str) -> None:
        """The import's fast path: a validated row's :func:`row_values` and search tokens
        (search_index.record_part), computed by the reading process, and its labels."""
        if not self._triggers and self.next_id == self.first_id:
            self._suspend_triggers()
        rid = self.next_id
        self.next_id += 1
        now = self.now
        self._rows.append((rid, client_id, location_id, *values, now, now, now))
        if client_id not in self._clients_seen:
            self._clients_seen.add(client_id)
            self.client_tokens.ensure(client_id)
        self._docs.append((rid, tokens))
        if labels:
            self._add_labels(rid, labels)
        if len(self._rows) >= self.batch:
            self.flush()

    def _add_labels(self, rid: int, names: Iterable[str]) -> None:
        for name in names:
            label_id = self._label_ids.get(name)
            if label_id is None:
                made = labels_mod.ensure(self.conn, [name])
                if not made:
                    continue
                label_id = self._label_ids[name] = next(iter(made.values()))
            self._labels.append((rid, label_id))

    def _drop_indexes(self) -> None:
        rows = self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                                 " AND tbl_name = 'records' AND sql IS NOT NULL").fetchall()
        self._indexes = [sql for name, sql in rows if name not in _KEPT_INDEXES]
        for name, _sql in rows:
            if name not in _KEPT_INDEXES:
                self.conn.execute(f'DROP INDEX "{name}"')

    def _recreate_indexes(self) -> None:
        for sql in self._indexes:
            self.conn.execute(sql)
        self._indexes = []

    def _count(self, rows: list[tuple[Any, ...]]) -> None:
        """What the suspended insert trigger would have counted, applied at finish."""
        counts = self._counts
        counts["records"] += len(rows)
        counts["unresolved"] += sum(r[_UNRESOLVED] for r in rows)
        counts.update("level:" + r[_LEVEL] for r in rows)
        counts.update("category:" + r[_CATEGORY] for r in rows)
        self._per_client.update(r[_CLIENT] for r in rows)
        self._per_location.update(r[_LOCATION] for r in rows if r[_LOCATION] is not None)

    def flush(self) -> None:
        if self._rows:
            self.conn.executemany(_INSERT, self._rows)
            self._count(self._rows)
            self.written += len(self._rows)
            if not self._indexes and rebuilds_indexes(self.written, self.existing):
                self._drop_indexes()
        if self._labels:
            self.conn.executemany("INSERT OR IGNORE INTO record_labels(record_id, label_id)"
                                  " VALUES (?, ?)", self._labels)
        if self._docs:
            search_index.insert_new(self.conn, self._docs)
        self._rows, self._docs, self._labels = [], [], []

    @property
    def last_id(self) -> int:
        return self.next_id - 1
