"""Keyset sources (:mod:`confterm.paging`) for the archive screens: records, clients, review.

The archive browser reads records through :class:`RecordSource`, which is
:mod:`browse` (keyset pages, search, maintained counts) plus one thing the browser needs
for a scrollbar over a million rows: the key at an offset (:meth:`RecordSource.key_at`),
read once per far jump with an index-only OFFSET; paging on from there is by key again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from confterm.paging import Chunk, Key
from confterm.vault.catalogue import browse, classify, clients, text_match
from confterm.vault.catalogue.browse import Page, RecordRow
from confterm.vault.catalogue.common import local_today
from confterm.vault.catalogue.filters import Filters, where
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

COUNT_CAP = browse.COUNT_CAP
SEARCH_COUNT_CAP = 10_000
"""A search is counted up to this many matches while the person types: counting 100,000
FTS matches takes ~0.5 s at a million records, and the next keystroke would wait for it.
The list grows past the cap as it is scrolled; End asks for the full count."""


def _chunk(page: Page, asked: str) -> Chunk[RecordRow]:
    return Chunk(page.rows, page.first_key, page.last_key, page.more_after,
                 page.sort if page.sort != asked else None)


@dataclass(frozen=True)
class RecordSource:
    """The records matching ``filters`` in the order ``sort`` (browse.SORTS)."""

    filters: Filters = field(default_factory=Filters)
    sort: str = "archive_no"
    descending: bool = False
    full: bool = False  # count every match (End on a broad search), not up to the cap

    def count(self, ctx: Ctx) -> tuple[int, bool]:
        cap = SEARCH_COUNT_CAP if self.filters.text and not self.full else COUNT_CAP
        if self.full:
            cap = max(browse.total(ctx.conn), 1)
        found = browse.count(ctx.conn, self.filters, local_today(ctx), cap)
        return found.value, found.exact

    def count_all(self, ctx: Ctx) -> tuple[int, bool]:
        """Every match counted (slow for a broad search: only on request)."""
        return replace(self, full=True).count(ctx)

    def after(self, ctx: Ctx, key: Key | None, n: int) -> Chunk[RecordRow]:
        page = browse.page_after(ctx.conn, self.filters, local_today(ctx), key, n, self.sort,
                                 self.descending)
        return _chunk(page, self.sort)

    def before(self, ctx: Ctx, key: Key | None, n: int) -> Chunk[RecordRow]:
        page = browse.page_before(ctx.conn, self.filters, local_today(ctx), key, max(n, 1),
                                  self.sort, self.descending)
        return _chunk(page, self.sort)

    def key_at(self, ctx: Ctx, offset: int) -> Key | None:
        return key_at(ctx.conn, self.filters, ctx, self.sort, self.descending, offset)

    def key_from_end(self, ctx: Ctx, back: int) -> Key | None:
        """The key of the row ``back`` rows before the last (a jump past the middle)."""
        return key_at(ctx.conn, self.filters, ctx, self.sort, not self.descending, back)


def key_at(conn: Connection, f: Filters, ctx: Ctx, sort: str, descending: bool,
           offset: int) -> Key | None:
    """The sort key of row ``offset`` of the browser's list (same order as browse pages).

    Reads only the key columns, through the index that backs the order, so it touches
    index pages and no record pages: a jump to the middle of a million rows costs one
    index walk, once (from whichever end is nearer); the pages after it are read by key.
    """
    if offset < 0:
        return None
    tm = text_match.compile_text(conn, f.text)
    matched = None if tm is None or sort == "id" else browse.search_ids(conn, tm)
    driven = tm is not None and matched is None
    cols = ("r.id",) if driven else browse.SORTS[sort]
    conds, params = where(conn, f, local_today(ctx))
    source = "records r"
    if tm is not None and matched is None:  # the first offset+1 matches of each index
        union, params = text_match.id_union(tm, conds, params, offset + 1,
                                            descending=descending)
        conds = [f"r.id IN ({union})"]
    elif matched is not None:
        conds.append("r.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(matched))
    if any(c.startswith("c.") for c in cols):
        source += " JOIN clients c ON c.id = r.client_id"
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{c} {direction}" for c in cols)
    where_sql = (" WHERE " + " AND ".join(conds)) if conds else ""
    row = conn.execute(f"SELECT {', '.join(cols)} FROM {source}{where_sql} ORDER BY {order}"
                       " LIMIT 1 OFFSET ?", (*params, offset)).fetchone()
    return tuple(row) if row else None


# ---- clients ---------------------------------------------------------------------------


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class ClientSource:
    """Clients by name (keyset on name, id), optionally those whose name or code contains
    ``text``. Personal information is masked (clients.get's rule)."""

    text: str = ""

    def _where(self) -> tuple[list[str], list[Any]]:
        text = self.text.strip()
        if not text:
            return [], []
        like = _like(text)
        return (["(name LIKE ? ESCAPE '\\' OR credit_code LIKE ? ESCAPE '\\')"],
                [like, like.upper()])

    def count(self, ctx: Ctx) -> tuple[int, bool]:
        conds, params = self._where()
        sql = "SELECT count(*) FROM clients" + (" WHERE " + " AND ".join(conds) if conds else "")
        return int(ctx.conn.execute(sql, params).fetchone()[0]), True

    def _read(self, ctx: Ctx, key: Key | None, n: int, forward: bool,
              offset: int = 0) -> list[clients.Client]:
        conds, params = self._where()
        if key is not None:
            conds.append(f"(name, id) {'>' if forward else '<'} (?, ?)")
            params.extend(key)
        direction = "ASC" if forward else "DESC"
        where_sql = (" WHERE " + " AND ".join(conds)) if conds else ""
        rows = ctx.conn.execute(
            "SELECT id, name, credit_code, deregistered_on, pi_legal_representative,"
            " pi_liquidation_contact, custody_agreement, notes, record_count, version"
            f" FROM clients{where_sql} ORDER BY name {direction}, id {direction}"
            " LIMIT ? OFFSET ?", (*params, n, offset)).fetchall()
        found = [clients.Client(r[0], r[1], r[2], r[3], clients.mask(r[4]), clients.mask(r[5]),
                                r[6], r[7], r[8], r[9]) for r in rows]
        return found if forward else found[::-1]

    def _chunk(self, found: list[clients.Client], more: bool) -> Chunk[clients.Client]:
        first = (found[0].name, found[0].id) if found else None
        last = (found[-1].name, found[-1].id) if found else None
        return Chunk(found, first, last, more)

    def after(self, ctx: Ctx, key: Key | None, n: int) -> Chunk[clients.Client]:
        found = self._read(ctx, key, n + 1, True)
        return self._chunk(found[:n], len(found) > n)

    def before(self, ctx: Ctx, key: Key | None, n: int) -> Chunk[clients.Client]:
        found = self._read(ctx, key, max(n, 1), False)
        return self._chunk(found, key is not None)

    def key_at(self, ctx: Ctx, offset: int) -> Key | None:
        found = self._read(ctx, None, 1, True, offset)
        return (found[0].name, found[0].id) if found else None


# ---- review queue ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    id: int
    archive_no: str
    title: str
    level: str
    reviewed_at: str


@dataclass(frozen=True)
class ReviewSource:
    """Active records not reviewed for the vault's review period, oldest review first."""

    def _due(self, ctx: Ctx) -> str:
        days = classify.review_days(ctx.conn)
        return (local_today(ctx) - timedelta(days=days)).isoformat()

    def count(self, ctx: Ctx) -> tuple[int, bool]:
        n = int(ctx.conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM records INDEXED BY records_by_reviewed"
            " WHERE state = 'active' AND reviewed_at < ? LIMIT ?)",
            (self._due(ctx), COUNT_CAP + 1)).fetchone()[0])
        return min(n, COUNT_CAP), n <= COUNT_CAP

    def _read(self, ctx: Ctx, key: Key | None, n: int, forward: bool,
              offset: int = 0) -> list[ReviewRow]:
        conds, params = ["state = 'active'", "reviewed_at < ?"], [self._due(ctx)]
        if key is not None:
            conds.append(f"(reviewed_at, id) {'>' if forward else '<'} (?, ?)")
            params.extend(key)
        direction = "ASC" if forward else "DESC"
        rows = ctx.conn.execute(
            "SELECT id, archive_no, title, level, reviewed_at FROM records"
            f" INDEXED BY records_by_reviewed WHERE {' AND '.join(conds)}"
            f" ORDER BY reviewed_at {direction}, id {direction} LIMIT ? OFFSET ?",
            (*params, n, offset)).fetchall()
        found = [ReviewRow(*r) for r in rows]
        return found if forward else found[::-1]

    @staticmethod
    def _chunk(found: list[ReviewRow], more: bool) -> Chunk[ReviewRow]:
        first = (found[0].reviewed_at, found[0].id) if found else None
        last = (found[-1].reviewed_at, found[-1].id) if found else None
        return Chunk(found, first, last, more)

    def after(self, ctx: Ctx, key: Key | None, n: int) -> Chunk[ReviewRow]:
        found = self._read(ctx, key, n + 1, True)
        return self._chunk(found[:n], len(found) > n)

    def before(self, ctx: Ctx, key: Key | None, n: int) -> Chunk[ReviewRow]:
        return self._chunk(self._read(ctx, key, max(n, 1), False), key is not None)

    def key_at(self, ctx: Ctx, offset: int) -> Key | None:
        found = self._read(ctx, None, 1, True, offset)
        return (found[0].reviewed_at, found[0].id) if found else None
