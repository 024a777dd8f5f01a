"""Keyset paging shared by the vault's list sources and the TUI's lazy lists (no Textual).

A *source* answers four questions on the database thread: how many rows, the rows after
a key, the rows before a key, and the key at an offset (for a far jump). A
:class:`PageCache` keeps the pages read and knows how to read a missing one; the TUI's
:class:`confterm.widgets.lazy_list.LazyList` asks it for the visible pages only, so a list
of a million rows costs what a page costs.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

R = TypeVar("R")
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Chunk(Generic[R]):
    """Rows read by key, in display order, with the keys that continue from them.

    ``order`` names the order actually used when the source had to override the one
    asked for (a broad search is shown in catalogue order), else None.
    """

    rows: list[R]
    first_key: Key | None
    last_key: Key | None
    more_after: bool = False
    order: str | None = None


class Source(Protocol[R]):
    """What a lazy list reads. Every method runs on the database thread (``ctx`` first)."""

    def count(self, ctx: Any) -> tuple[int, bool]:
        """(rows, exact); exact False means "at least this many"."""
        ...

    def after(self, ctx: Any, key: Key | None, n: int) -> Chunk[R]:
        """The n rows following ``key`` (None: from the start)."""
        ...

    def before(self, ctx: Any, key: Key | None, n: int) -> Chunk[R] | None:
        """The n rows preceding ``key`` (None: the last n); None if not supported."""
        ...

    def key_at(self, ctx: Any, offset: int) -> Key | None:
        """The key of row ``offset`` (row offset+1 comes after it); None if unsupported."""
        ...


PAGE = 100
CACHE_PAGES = 48
Call = Callable[..., Awaitable[Any]]
"""``await call(fn, *args)`` runs ``fn(ctx, *args)`` on the database thread."""


class PageCache(Generic[R]):
    """Pages of ``size`` rows of one source, the count, and how to read a missing page.

    Page p holds rows [p*size, (p+1)*size). A missing page is read from a neighbour's key
    (after page p-1's last key, before page p+1's first key); the last page from the end;
    any other by asking the source for the key just before it (from the nearer end when
    the source can), then by key. At most ``limit`` pages are kept (least recently stored
    go first). The count is the source's (exact, or a lower bound that grows as pages past
    it arrive, or shrinks to where a page says the rows end).
    """

    def __init__(self, size: int = PAGE, limit: int = CACHE_PAGES) -> None:
        self.size, self.limit = size, limit
        self.source: Source[R] | None = None
        self.pages: OrderedDict[int, Chunk[R]] = OrderedDict()
        self.count, self.exact = 0, True
        self.fetches = 0  # pages stored since the last clear (tests and the benchmark)

    def clear(self, source: Source[R] | None = None) -> None:
        if source is not None:
            self.source, self.fetches = source, 0
        self.pages = OrderedDict()

    def row_at(self, index: int) -> R | None:
        chunk = self.pages.get(index // self.size)
        offset = index % self.size
        return chunk.rows[offset] if chunk is not None and offset < len(chunk.rows) else None

    def store(self, page: int, chunk: Chunk[R]) -> bool:
        """Keep ``chunk`` as page ``page``; True when it changed what the count says."""
        self.pages[page] = chunk
        self.pages.move_to_end(page)
        while len(self.pages) > self.limit:
            self.pages.popitem(last=False)
        self.fetches += 1
        end = page * self.size + len(chunk.rows)
        if not chunk.more_after and (end < self.count or not self.exact):
            self.count, self.exact = end, True  # the rows end here
            return True
        if chunk.more_after and end >= self.count:
            self.count, self.exact = end + 1, False  # more than counted
            return True
        return False

    async def load(self, page: int, call: Call) -> Chunk[R] | None:
        """Read page ``page`` the cheapest way its neighbours allow (not stored)."""
        source, size = self.source, self.size
        if source is None:
            return None
        if page == 0:
            return await call(source.after, None, size)
        before = self.pages.get(page - 1)
        if before is not None and len(before.rows) == size:
            return await call(source.after, before.last_key, size)
        after = self.pages.get(page + 1)
        if after is not None and after.first_key is not None:
            found: Chunk[R] | None = await call(source.before, after.first_key, size)
            if found is not None:
                return found
        if self.exact and page == (self.count - 1) // size:
            found = await call(source.before, None, self.count - page * size)
            if found is not None:
                return found
        offset = page * size - 1
        from_end = getattr(source, "key_from_end", None)
        if from_end is not None and self.exact and offset > self.count // 2:
            key = await call(from_end, self.count - 1 - offset)  # the nearer end
        else:
            key = await call(source.key_at, offset)
        return None if key is None else await call(source.after, key, size)
