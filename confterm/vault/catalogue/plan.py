"""Which index a filtered, sorted page should walk: the sort's, or the filter's.

SQLite's planner, given "fiscal year 2010, sorted by archive number, first 50", prefers the
fiscal-year index and then sorts every record of 2010: 40,000 rows sorted to show 50, some
700 ms at a million records. Walking the archive-number index and skipping other years
finds 50 in a few milliseconds. The planner cannot know how many rows a filter selects, we
can, cheaply: maintained counters, or a count along the filter's own index capped at
``FORCE_ABOVE``. When every filter selects more than that, the page walks the sort's index
(``INDEXED BY``); when one is narrow, the planner's choice (narrow index, small sort) is
right. Estimates are cached per filter until the connection writes anything.
"""

from __future__ import annotations

from datetime import date

from confterm.vault.catalogue.common import state_key
from confterm.vault.catalogue.filters import Filters, location_subtree_sql
from confterm.vault.store import Connection

FORCE_ABOVE = 20_000
SORT_INDEX = {"archive_no": "sqlite_autoindex_records_1", "title": "records_by_title",
              "client": "records_by_client", "fiscal_year": "records_by_fiscal_year",
              "retention_end": "records_by_retention_end"}
_cache: dict[tuple[object, ...], int] = {}


def _counter(conn: Connection, key: str) -> int:
    row = conn.execute("SELECT n FROM catalogue_counters WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


def _capped(conn: Connection, sql: str, params: tuple[object, ...]) -> int:
    row = conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)",
                       (*params, FORCE_ABOVE + 1)).fetchone()
    return int(row[0])


def _narrowest(conn: Connection, f: Filters, today: date) -> int:
    """An upper bound of how many records ``f`` selects (the smallest single filter)."""
    sizes = [_counter(conn, "records")]
    if f.client_id is not None:
        row = conn.execute("SELECT record_count FROM clients WHERE id = ?",
                           (f.client_id,)).fetchone()
        sizes.append(int(row[0]) if row else 0)
    if f.level:
        sizes.append(_counter(conn, f"level:{f.level}"))
    if f.category:
        sizes.append(_counter(conn, f"category:{f.category}"))
    if f.year_from is not None or f.year_to is not None:
        sizes.append(_capped(conn, "SELECT 1 FROM records WHERE fiscal_year BETWEEN ? AND ?",
                             (f.year_from or 0, f.year_to or 9999)))
    if f.location_id is not None:
        sql, params = location_subtree_sql(f.location_id)
        sizes.append(_capped(conn, f"SELECT 1 FROM records r WHERE {sql}", tuple(params)))
    if f.label_id is not None:
        sizes.append(_capped(conn, "SELECT 1 FROM record_labels WHERE label_id = ?",
                             (f.label_id,)))
    if f.status in ("in_destruction", "destroyed"):
        sizes.append(_counter(conn, f"state:{f.status}"))
    elif f.status == "unresolved":
        sizes.append(_counter(conn, "unresolved"))
    elif f.status == "on_hold":
        sizes.append(_counter(conn, "held") + _counter(conn, "unresolved"))
    elif f.status == "eligible":
        sizes.append(_capped(conn, "SELECT 1 FROM records INDEXED BY records_eligible"
                                   " WHERE state = 'active' AND unresolved = 0"
                                   " AND hold_count = 0 AND retention_end <= ?",
                             (today.isoformat(),)))
    return min(sizes)


def narrowest(conn: Connection, f: Filters, today: date) -> int:
    """Cached :func:`_narrowest`: an upper bound of the records ``f`` selects (0: none)."""
    key = (*state_key(conn), f.without_text(), today)
    size = _cache.get(key)
    if size is None:
        if len(_cache) > 64:
            _cache.clear()
        size = _cache[key] = _narrowest(conn, f, today)
    return size


def walk_sort_index(conn: Connection, f: Filters, today: date) -> bool:
    """True when every filter is broad: walk the sort's index rather than sort."""
    if f.without_text().empty:
        return True
    return narrowest(conn, f, today) > FORCE_ABOVE


def index_for(conn: Connection, f: Filters, today: date, sort: str) -> str | None:
    """The index a page of ``f`` in ``sort`` order should walk, or None (the planner's
    choice is right: a narrow filter's index and a small sort).

    An index that starts with an equality filter and continues with the sort key gives
    exactly the page in order: (client | one fiscal year | category | level, archive
    number). Of those, the narrowest filter's. Walking the archive-number index instead
    can be very slow when the filter correlates with the number (ZB-... numbers are the
    ledgers, last in archive order: 90 % of the index read before the first ledger).
    """
    one_year = f.year_from is not None and f.year_from == f.year_to
    if sort == "archive_no":
        candidates: list[tuple[int, str]] = []
        if f.client_id is not None:
            row = conn.execute("SELECT record_count FROM clients WHERE id = ?",
                               (f.client_id,)).fetchone()
            candidates.append((int(row[0]) if row else 0, "records_by_client"))
        if one_year:
            candidates.append((_capped(conn, "SELECT 1 FROM records WHERE fiscal_year = ?",
                                       (f.year_from,)), "records_by_fiscal_year"))
        if f.category:
            candidates.append((_counter(conn, f"category:{f.category}"),
                               "records_by_category"))
        if f.level:
            candidates.append((_counter(conn, f"level:{f.level}"), "records_by_level"))
        if candidates:
            return min(candidates)[1]
    if sort == "fiscal_year" and (f.year_from is not None or f.year_to is not None):
        return "records_by_fiscal_year"
    if sort == "title" and one_year:  # titles begin with their year: walking the title
        return "records_by_year_title"  # index would read every earlier year first
    if sort in SORT_INDEX and walk_sort_index(conn, f, today):
        return SORT_INDEX[sort]
    return None
