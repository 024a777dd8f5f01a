"""How many records match, for the browser's status line, without count(*) over a million.

No filter, or a single client / level / category / state / place filter: a maintained
counter (exact, instant). Anything else is counted on request up to ``COUNT_CAP`` and
reported as "at least" above it; a search reads at most ``COUNT_CAP + 1`` index entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from confterm.vault.catalogue import text_match
from confterm.vault.catalogue.filters import Filters, where
from confterm.vault.store import Connection

COUNT_CAP = 100_000


@dataclass(frozen=True)
class Count:
    value: int
    exact: bool  # False: at least ``value`` (the cap was reached)


def counter(conn: Connection, key: str) -> int:
    row = conn.execute("SELECT n FROM catalogue_counters WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


def total(conn: Connection) -> int:
    """All records in the catalogue (maintained; never a count(*))."""
    return counter(conn, "records")


def maintained_count(conn: Connection, f: Filters) -> int | None:
    """The count from a maintained counter when ``f`` is one counted dimension, else None."""
    if f.text or f.label_id is not None or f.year_from is not None or f.year_to is not None:
        return None
    given = {k: v for k, v in (("client", f.client_id), ("level", f.level),
                               ("category", f.category), ("status", f.status),
                               ("location", f.location_id)) if v is not None}
    if not given:
        return total(conn)
    if len(given) > 1:
        return None
    (kind, value), = given.items()
    if kind == "client":
        row = conn.execute("SELECT record_count FROM clients WHERE id = ?", (value,)).fetchone()
        return int(row[0]) if row else 0
    if kind == "location":
        row = conn.execute(
            "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT l.id FROM locations l"
            " JOIN sub ON l.parent_id = sub.id) SELECT coalesce(sum(record_count), 0)"
            " FROM locations WHERE id IN (SELECT id FROM sub)", (value,)).fetchone()
        return int(row[0])
    if kind == "status":
        if value in ("in_destruction", "destroyed"):
            return counter(conn, f"state:{value}")
        return counter(conn, "unresolved") if value == "unresolved" else None
    return counter(conn, f"{kind}:{value}")


def count(conn: Connection, f: Filters, today: date, cap: int = COUNT_CAP) -> Count:
    """How many records match: maintained when possible, else counted up to ``cap``."""
    known = maintained_count(conn, f)
    if known is not None:
        return Count(known, True)
    conds, params = where(conn, f, today)
    tm = text_match.compile_text(conn, f.text)
    if tm is not None:  # at most cap+1 matches per index: beyond that the count is "≥ cap"
        union, more = text_match.id_union(tm, [], [], cap + 1, ordered=False)
        conds.append(f"r.id IN ({union})")
        params.extend(more)
    where_sql = (" WHERE " + " AND ".join(conds)) if conds else ""
    row = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM records r{where_sql} LIMIT ?)",
                       (*params, cap + 1)).fetchone()
    n = int(row[0])
    if tm is not None and n <= cap:
        found = len(text_match.first_ids(conn, tm, cap))
        if found > cap:  # the filters saw only the first cap+1 matches
            return Count(n, False)
    return Count(min(n, cap), n <= cap)
