"""Keyset paging shared by the vault's list sources and the TUI's lazy lists (no Textual).

A *source* answers four questions on the database thread: how many rows, the rows after
a key, the rows before a key, and the key at an offset (for a far jump). The TUI's
:class:`confterm.widgets.lazy_list.LazyList` asks them for the visible page only, so a list
of a million rows costs what a page costs.
"""

from __future__ import annotations

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
