"""The archive browser's queries: keyset pages over a million records, search, counts.

Why keyset pages: OFFSET paging reads and discards every row before the page, so it slows
down the deeper one scrolls (112 ms at 1M rows, FINDINGS.md); a page read "after this key"
costs the same anywhere. Each sort order is backed by an index ending in a unique column,
so the key of a page's last row says exactly where the next page starts: no row is skipped
or shown twice, whatever the sort.

Search goes through the FTS5 bigram index. A search matching at most ``SORT_LIMIT``
records is shown in the chosen sort; a broader one (typically one or two characters as the
person starts typing) is shown in catalogue order (``Page.sort == "id"``), driven by the
index itself, because sorting hundreds of thousands of matches on every keystroke cannot
stay under 50 ms. Counts come from maintained counters where one exists (no filter, or a
single client / level / category / state / box filter); any other filtered count is
computed on request with a cap (``Count.exact`` False above it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from confterm.errors import InputError
from confterm.vault.catalogue import plan, text_match
from confterm.vault.catalogue.common import state_key
from confterm.vault.catalogue.counts import (  # re-exported: the browser's one module
    COUNT_CAP,
    Count,
    count,
    counter,
    maintained_count,
    total,
)
from confterm.vault.catalogue.filters import Filters, row_status, where
from confterm.vault.catalogue.text_match import TextMatch
from confterm.vault.store import Connection

SORTS: dict[str, tuple[str, ...]] = {
    "archive_no": ("r.archive_no",),
    "title": ("r.title", "r.id"),
    "client": ("c.name", "c.id", "r.archive_no"),
    "fiscal_year": ("r.fiscal_year", "r.archive_no"),
    "retention_end": ("r.retention_end", "r.id"),
    "id": ("r.id",),
}
_BY_ID = ("r.id",)
SORT_LIMIT = 5000
"""Searches matching more records than this are shown in catalogue order (see above)."""
MAX_PAGE = 1000

_ROW = ("r.id, r.archive_no, r.title, r.client_id, c.name, c.credit_code, r.category,"
        " r.fiscal_year, r.level, r.location_id, r.retention_end, r.state, r.hold_count,"
        " r.unresolved, r.personal_info, r.medium, r.volume_no, r.books, r.start_year,"
        " r.end_year, r.version")
_NROW = 21


@dataclass(frozen=True)
class RecordRow:
    id: int
    archive_no: str
    title: str
    client_id: int
    client_name: str
    client_code: str
    category: str
    fiscal_year: int
    level: str
    location_id: int | None
    retention_end: str  # '9999-12-31' = no end
    state: str
    held: bool
    unresolved: bool
    personal_info: bool
    medium: str
    volume_no: str
    books: int
    start_year: int | None
    end_year: int | None
    version: int
    status: str
    location_path: str = ""


Key = tuple[Any, ...]
__all__ = ["COUNT_CAP", "SORTS", "Count", "Page", "RecordRow", "count", "counter",
           "maintained_count", "page_after", "page_before", "search_ids", "total"]


@dataclass(frozen=True)
class Page:
    rows: list[RecordRow]
    sort: str  # the order actually used ("id" when a broad search overrides the sort)
    descending: bool
    first_key: Key | None
    last_key: Key | None
    more_after: bool  # more rows follow last_key in this order
    more_before: bool  # more rows precede first_key (known for page_before / first page)


def _order(sort: str, descending: bool) -> tuple[str, ...]:
    if sort not in SORTS:
        raise InputError("records.unknown_sort", sort=sort, sorts=", ".join(SORTS))
    return SORTS[sort]


def _keyset(cols: tuple[str, ...], key: Key, forward: bool) -> tuple[str, list[Any]]:
    """Row-value comparison; the client sort splits it so SQLite can seek the client index."""
    op = ">" if forward else "<"
    if cols[0] == "c.name":
        eq = ">=" if forward else "<="
        return (f"(c.name, c.id) {eq} (?, ?) AND ((c.name, c.id) {op} (?, ?)"
                f" OR r.archive_no {op} ?)", [key[0], key[1], key[0], key[1], key[2]])
    marks = ", ".join("?" * len(cols))
    return f"({', '.join(cols)}) {op} ({marks})", list(key)


def _fetch(conn: Connection, f: Filters, today: date, sort: str, descending: bool,
           key: Key | None, n: int, forward: bool, tm: TextMatch | None,
           matched: list[int] | None) -> list[tuple[Any, ...]]:
    """One page. ``tm`` with ``matched`` None: the search's matches in id order, read
    from the two indexes (text_match.id_union); ``matched``: the (few) ids the search
    found, shown in the chosen sort."""
    driven = tm is not None and matched is None
    cols = _BY_ID if driven else _order(sort, descending)
    conds, params = where(conn, f, today)
    ascending = forward != descending
    direction = "ASC" if ascending else "DESC"
    order = ", ".join(f"{c} {direction}" for c in cols)
    if tm is not None and matched is None:
        union, params = text_match.id_union(tm, conds, params, n + 1,
                                            None if key is None else int(key[0]),
                                            not ascending)
        conds = [f"r.id IN ({union})"]
        source = "records r JOIN clients c ON c.id = r.client_id"
    else:
        if key is not None:
            sql, more = _keyset(cols, key, ascending)
            conds.append(sql)
            params.extend(more)
        hint = ""
        index = plan.index_for(conn, f, today, sort) if tm is None else None
        if index is not None:
            hint = f" INDEXED BY {index}"
        source = f"records r{hint} JOIN clients c ON c.id = r.client_id"
        if matched is not None:
            conds.append("r.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(matched))
    where_sql = (" WHERE " + " AND ".join(conds)) if conds else ""
    sql = (f"SELECT {_ROW}, {', '.join(cols)} FROM {source}{where_sql}"
           f" ORDER BY {order} LIMIT ?")
    return conn.execute(sql, (*params, n + 1)).fetchall()


_matches: dict[tuple[object, ...], list[int] | None] = {}


def search_ids(conn: Connection, tm: TextMatch, limit: int | None = None) -> list[int] | None:
    """The ids a search finds when there are at most ``limit`` (default SORT_LIMIT), else
    None (a broad search). Reads at most limit+1 index entries; remembered until the
    connection writes, so paging through a search does not search again."""
    limit = SORT_LIMIT if limit is None else limit
    key = (*state_key(conn), tm, limit)
    if key in _matches:
        return _matches[key]
    ids = text_match.first_ids(conn, tm, limit)
    found = sorted(ids) if len(ids) <= limit else None
    if len(_matches) > 32:
        _matches.clear()
    _matches[key] = found
    return found


def broad_search(conn: Connection, tm: TextMatch, limit: int | None = None) -> bool:
    """True when the search matches more than ``limit`` (default SORT_LIMIT) records."""
    return search_ids(conn, tm, limit) is None


def _page(conn: Connection, f: Filters, today: date, sort: str, descending: bool,
          key: Key | None, n: int, forward: bool) -> Page:
    if not 1 <= n <= MAX_PAGE:
        raise InputError("records.bad_page_size", n=n, maximum=MAX_PAGE)
    _order(sort, descending)
    tm = text_match.compile_text(conn, f.text)
    matched = None if tm is None or sort == "id" else search_ids(conn, tm)
    used = "id" if tm is not None and matched is None else sort
    if key is not None and len(key) != len(SORTS[used]):
        key = None  # the sort changed under a key of another order: start again
    if (matched is not None and not matched) or (
            not f.without_text().empty and plan.narrowest(conn, f, today) == 0):
        raw = []  # nothing can match: do not walk an index to find that out
    else:
        raw = _fetch(conn, f, today, used, descending, key, n, forward, tm, matched)
    more = len(raw) > n
    raw = raw[:n]
    if not forward:
        raw.reverse()
    rows = _rows(conn, raw, today)
    width = len(SORTS[used])
    first = tuple(raw[0][_NROW:_NROW + width]) if raw else None
    last = tuple(raw[-1][_NROW:_NROW + width]) if raw else None
    if forward:
        return Page(rows, used, descending, first, last, more, key is not None)
    return Page(rows, used, descending, first, last, key is not None, more)


def page_after(conn: Connection, f: Filters, today: date, key: Key | None = None,
               n: int = 50, sort: str = "archive_no", descending: bool = False) -> Page:
    """The ``n`` rows following ``key`` (None: the first page) in the given order."""
    return _page(conn, f, today, sort, descending, key, n, True)


def page_before(conn: Connection, f: Filters, today: date, key: Key | None = None,
                n: int = 50, sort: str = "archive_no", descending: bool = False) -> Page:
    """The ``n`` rows preceding ``key`` (None: the last page), still in display order."""
    return _page(conn, f, today, sort, descending, key, n, False)


def _rows(conn: Connection, raw: list[tuple[Any, ...]], today: date) -> list[RecordRow]:
    loc_ids = sorted({r[9] for r in raw if r[9] is not None})
    paths: dict[int, str] = {}
    if loc_ids:
        marks = ",".join("?" * len(loc_ids))
        paths = dict(conn.execute(f"SELECT id, path FROM locations WHERE id IN ({marks})",
                                  loc_ids).fetchall())
    loans = _on_loan(conn, [r[0] for r in raw])
    out = []
    for r in raw:
        status = row_status(r[11], r[12], bool(r[13]), r[10], today, r[0] in loans)
        out.append(RecordRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                             r[10], r[11], r[12] > 0, bool(r[13]), bool(r[14]), r[15],
                             r[16], r[17], r[18], r[19], r[20], status,
                             paths.get(r[9], "") if r[9] is not None else ""))
    return out


def _on_loan(conn: Connection, ids: list[int]) -> set[int]:
    from confterm.vault.catalogue.filters import has_loans_table

    if not ids or not has_loans_table(conn):
        return set()
    marks = ",".join("?" * len(ids))
    return {int(r[0]) for r in conn.execute(
        f"SELECT record_id FROM access_loans WHERE returned_at IS NULL"
        f" AND record_id IN ({marks})", ids)}
