"""Reading the audit trail page by page, newest first, at any size.

A screen never asks for "all events": it asks for the rows it can show. Without a filter,
event ``seq`` runs 1..head with no gaps (the chain guarantees it), so row ``i`` of the
newest-first list is simply ``seq = head - i`` and any window is one range query on the
primary key, wherever the scrollbar is dragged. With a filter the list is read forward in
keyset pages (``seq < last seen``), which costs the same on page 1 and page 20,000; OFFSET
paging would slow down with depth (FINDINGS.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from confterm.vault.store import Connection

_COLUMNS = "seq, ts, actor, action, object_type, object_id, details"
_HIGHEST = "\U0010ffff"


@dataclass(frozen=True)
class AuditRow:
    seq: int
    ts: str  # UTC, as stored: 2026-11-27T03:01:32.123456Z
    actor: str
    action: str
    object_type: str
    object_id: str
    details: str  # canonical JSON
    archive_no: str = ""  # a record event's record, as a person knows it (not stored)

    @property
    def object_text(self) -> str:
        """``record:57 PZ-2011-00008-001``: the stored object, and the record's number."""
        text = f"{self.object_type}:{self.object_id}"
        return f"{text} {self.archive_no}" if self.archive_no else text


@dataclass(frozen=True)
class AuditFilter:
    """Who, what (an action or an action prefix such as ``person.``) and which local days."""

    actor: str | None = None
    action: str | None = None
    date_from: date | None = None  # inclusive, local calendar day
    date_to: date | None = None  # inclusive, local calendar day
    actions: tuple[str, ...] | None = None  # exactly these actions (one named in words)

    @property
    def empty(self) -> bool:
        return not (self.actor or self.action or self.date_from or self.date_to
                    or self.actions is not None)


def _utc_text(day: date, tz: tzinfo | None) -> str:
    """Start of a local calendar day as a stored-format UTC timestamp."""
    local = datetime.combine(day, time.min).replace(tzinfo=tz) if tz else \
        datetime.combine(day, time.min).astimezone()
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def head_seq(conn: Connection) -> int:
    row = conn.execute("SELECT max(seq) FROM audit_events").fetchone()
    return int(row[0] or 0)


def window(conn: Connection, high: int, low: int) -> list[AuditRow]:
    """Unfiltered rows with ``low <= seq <= high``, newest first: one primary-key range."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM audit_events WHERE seq BETWEEN ? AND ?"
                        " ORDER BY seq DESC", (low, high))
    return _with_archive_numbers(conn, [AuditRow(*r) for r in rows])


def _with_archive_numbers(conn: Connection, rows: list[AuditRow]) -> list[AuditRow]:
    """Name the records of a window's record events by archive number (one query)."""
    ids = {int(r.object_id) for r in rows
           if r.object_type == "record" and r.object_id.isascii() and r.object_id.isdecimal()}
    if not ids:
        return rows
    numbers = {str(i): str(n) for i, n in conn.execute(
        f"SELECT id, archive_no FROM records WHERE id IN ({','.join('?' * len(ids))})",
        sorted(ids))}
    return [replace(r, archive_no=numbers.get(r.object_id, "")) if r.object_type == "record"
            else r for r in rows]


def date_bounds(conn: Connection, flt: AuditFilter,
                tz: tzinfo | None = None) -> tuple[int, int] | None:
    """The seq range that can hold events of the filter's days (None: no such events).

    Found through the ts index; over a year of a million-event trail this takes ~0.1 s, so
    a screen computes it once per filter and passes it to every ``page`` call.
    """
    if not (flt.date_from or flt.date_to):
        return (1, head_seq(conn))
    start = _utc_text(flt.date_from, tz) if flt.date_from else ""
    end = _utc_text(flt.date_to + timedelta(days=1), tz) if flt.date_to else _HIGHEST
    row = conn.execute("SELECT min(seq), max(seq) FROM audit_events"
                       " WHERE ts >= ? AND ts < ?", (start, end)).fetchone()
    if row is None or row[0] is None:
        return None
    return int(row[0]), int(row[1])


def _matching_actions(conn: Connection, prefix: str) -> list[str]:
    """The distinct actions starting with ``prefix`` (skip-scan of the action index)."""
    found: list[str] = []
    last = prefix
    row = conn.execute("SELECT 1 FROM audit_events WHERE action = ? LIMIT 1",
                       (prefix,)).fetchone()
    if row is not None:
        found.append(prefix)
    while len(found) < 200:
        row = conn.execute("SELECT min(action) FROM audit_events WHERE action > ?"
                           " AND action < ?", (last, prefix + _HIGHEST)).fetchone()
        if row is None or row[0] is None:
            break
        last = str(row[0])
        found.append(last)
    return found


def page(conn: Connection, flt: AuditFilter, before: int | None, limit: int,
         tz: tzinfo | None = None, bounds: tuple[int, int] | None = None) -> list[AuditRow]:
    """Up to ``limit`` matching rows with ``seq < before``, newest first.

    Each query walks an index already in seq order (the primary key, ``(actor, seq)`` or
    ``(action, seq)``) and stops after ``limit`` rows, so the cost does not grow with the
    depth of the page. An action prefix matching several actions runs one such walk per
    action and merges them; the date filter narrows the seq range first (``bounds`` from
    ``date_bounds``) and is applied as a row check (``+ts`` keeps the planner from sorting
    a whole ts range instead).
    """
    found_bounds = bounds or date_bounds(conn, flt, tz)
    if found_bounds is None:
        return []
    low, high = found_bounds
    if flt.date_to is None:  # events appended since the bounds were taken belong too
        high = head_seq(conn)
    if before is not None:
        high = min(high, before - 1)
    if low > high:
        return []
    names: list[str | None] = [None]
    if flt.action or flt.actions is not None:
        names = sorted({*(_matching_actions(conn, flt.action) if flt.action else ()),
                        *(flt.actions or ())})
        if not names:
            return []
    found: list[AuditRow] = []
    for name in names:
        clauses: list[str] = ["seq BETWEEN ? AND ?"]
        params: list[object] = [low, high]
        if flt.actor:
            clauses.append("actor = ?")
            params.append(flt.actor)
        if name is not None:
            clauses.append("action = ?")
            params.append(name)
        if flt.date_from:
            clauses.append("+ts >= ?")
            params.append(_utc_text(flt.date_from, tz))
        if flt.date_to:
            clauses.append("+ts < ?")
            params.append(_utc_text(flt.date_to + timedelta(days=1), tz))
        sql = (f"SELECT {_COLUMNS} FROM audit_events WHERE {' AND '.join(clauses)}"
               " ORDER BY seq DESC LIMIT ?")
        found.extend(AuditRow(*r) for r in conn.execute(sql, (*params, limit)))
    found.sort(key=lambda r: r.seq, reverse=True)
    return _with_archive_numbers(conn, found[:limit])


def actors(conn: Connection) -> list[str]:
    """Everyone who can appear as an actor: enrolled people, disabled ones included."""
    return [str(r[0]) for r in conn.execute("SELECT name FROM people ORDER BY id")]


def actions(conn: Connection, limit: int = 500) -> list[str]:
    """Distinct action names by skipping through the action index (one lookup per name,
    not a scan of a million rows)."""
    found: list[str] = []
    last = ""
    while len(found) < limit:
        row = conn.execute("SELECT min(action) FROM audit_events WHERE action > ?",
                           (last,)).fetchone()
        if row is None or row[0] is None:
            break
        last = str(row[0])
        found.append(last)
    return found
