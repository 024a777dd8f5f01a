"""A list of any length that reads only the rows on screen, by key (line API).

Why: Textual's DataTable holds every row (2.1 s first paint at 10k rows, 19.6 s and 190 MB
at 100k, FINDINGS.md); a custodian's catalogue has a million. Here, like Toolong, the
widget's virtual height is the row count and ``render_line`` draws only what is visible.

Rows are cut into pages of ``PAGE`` rows: page p holds rows [p*PAGE, (p+1)*PAGE). A page is
read from a neighbour's key (after the last key of page p-1, or before the first key of
page p+1), so paging and scrolling cost the same at row 10 and at row 900,000. A far jump
(scrollbar drag, End) asks the source for the key at that offset once, then continues by
key. Pages are kept in a small LRU cache. The count comes from the source (maintained
counters where they exist), so the scrollbar is right from the first paint; a count that
is only a lower bound grows as pages past it are read.

All reading happens in one worker: a render that finds a page missing only notes it, the
worker reads the missing visible pages nearest-first and drops whatever a newer
``reset`` (a new search, a new filter) made stale. The source's functions are plain
``fn(ctx, ...)`` run on the database thread (``session.acall``).

Subclasses say how a row is drawn (``columns``, ``cells``) and identified (``row_id``);
rows can be marked (multi-select) with space.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from confterm.paging import Chunk, Source

R = TypeVar("R")
PAGE = 100
CACHE_PAGES = 48


@dataclass(frozen=True)
class Column:
    name: str
    width: int  # cells; 0 takes what is left
    right: bool = False


def fit(text: str, width: int, right: bool = False) -> str:
    """Exactly ``width`` terminal cells (a Chinese character counts two): padded, or cut
    with an ellipsis."""
    if width <= 0:
        return ""
    size = cell_len(text)
    if size <= width:
        return (" " * (width - size) + text) if right else text + " " * (width - size)
    return set_cell_size(set_cell_size(text, max(0, width - 1)).rstrip() + "…", width)


def lay_out(columns: Sequence[Column], cells: Sequence[str], total: int) -> str:
    """One line of cells separated by a space; a width-0 column takes what is left."""
    fixed = sum(c.width for c in columns) + max(0, len(columns) - 1)
    flex = max(4, total - fixed)
    out = [fit(text, column.width or flex, column.right)
           for column, text in zip(columns, cells, strict=True)]
    return set_cell_size(" ".join(out), total)


class LazyList(ScrollView, Generic[R], can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False), Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False), Binding("end", "jump(-1)", show=False),
        Binding("space", "mark", show=False), Binding("enter", "select", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lazy-list--header", "lazy-list--cursor", "lazy-list--pending", "lazy-list--marked"}
    DEFAULT_CSS = """
    LazyList { overflow-x: hidden; scrollbar-gutter: stable; }
    LazyList > .lazy-list--header { text-style: bold; color: $text-muted; }
    LazyList > .lazy-list--cursor { background: $accent 40%; text-style: bold; }
    LazyList:blur > .lazy-list--cursor { background: $accent 20%; text-style: none; }
    LazyList > .lazy-list--pending { color: $text-muted; }
    LazyList > .lazy-list--marked { color: $warning; }
    """
    MARKABLE = True
    LOADING = "…"

    class Highlighted(Message):
        def __init__(self, lazy: LazyList[Any], row: Any | None, index: int) -> None:
            super().__init__()
            self.lazy, self.row, self.index = lazy, row, index

        @property
        def control(self) -> LazyList[Any]:
            return self.lazy

    class Selected(Message):
        """Enter on a row."""

        def __init__(self, lazy: LazyList[Any], row: Any) -> None:
            super().__init__()
            self.lazy, self.row = lazy, row

        @property
        def control(self) -> LazyList[Any]:
            return self.lazy

    class Counted(Message):
        """The count changed (a reset, a recount, or rows found past a lower bound)."""

        def __init__(self, lazy: LazyList[Any]) -> None:
            super().__init__()
            self.lazy = lazy

        @property
        def control(self) -> LazyList[Any]:
            return self.lazy

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source: Source[R] | None = None
        self.count = 0
        self.exact = True
        self.counted = False
        self.cursor = 0
        self.marks: dict[Hashable, R] = {}
        self._pages: OrderedDict[int, Chunk[R]] = OrderedDict()
        self._wanted: set[int] = set()
        self._generation = 0
        self._busy = False
        self.fetches = 0  # pages read since the last reset (tests and the benchmark)
        self.first_page_at = 0.0  # perf_counter when the last reset's first page arrived
        self.count_seconds = 0.0  # how long the last reset's count took

    # ---- what subclasses provide ---------------------------------------------------

    def columns(self, width: int) -> list[Column]:
        return [Column("row", 0)]

    def header_cells(self, columns: list[Column]) -> list[str]:
        return [c.name for c in columns]

    def cells(self, row: R, columns: list[Column]) -> list[str]:
        return [str(row)]

    def row_style(self, row: R) -> Style:
        return Style()

    def row_id(self, row: R) -> Hashable:
        return id(row)

    # ---- data -----------------------------------------------------------------------

    async def reset(self, source: Source[R], keep_marks: bool = False,
                    count_after: float = 0.0) -> None:
        """Show ``source`` from its first row: page 0 first (first paint), then the count.

        ``count_after``: seconds to wait before counting. While a person types, each
        keystroke restarts the list and cancels the wait, so a slow count never holds the
        database thread in front of the next keystroke's first page."""
        self._generation += 1
        generation = self._generation
        self.source, self._pages, self._wanted = source, OrderedDict(), set()
        self.cursor, self.fetches, self.counted = 0, 0, False
        self.count_seconds = 0.0
        if not keep_marks:
            self.marks = {}
        first = await self._call(source.after, None, PAGE)
        if generation != self._generation:
            return
        self._store(0, first)
        self.first_page_at = time.perf_counter()
        self.count = len(first.rows) + (1 if first.more_after else 0)
        self.exact = not first.more_after
        self._resize()
        self.scroll_to(y=0, animate=False)
        self._announce()
        if first.more_after:
            if count_after:
                await asyncio.sleep(count_after)
                if generation != self._generation:
                    return
            started = time.perf_counter()
            count, exact = await self._call(source.count)
            self.count_seconds = time.perf_counter() - started
            if generation != self._generation:
                return
            self.count, self.exact = max(count, len(first.rows) + 1), exact
        self.counted = True
        self._resize()
        self.post_message(self.Counted(self))

    async def recount(self) -> None:
        """Read the count again and forget cached pages (after a change to the data)."""
        if self.source is None:
            return
        self._generation += 1
        generation = self._generation
        count, exact = await self._call(self.source.count)
        if generation != self._generation:
            return
        self._pages, self._wanted = OrderedDict(), set()
        self.count, self.exact, self.counted = count, exact, True
        self.cursor = min(self.cursor, max(0, count - 1))
        self._resize()
        self.post_message(self.Counted(self))
        self._announce()

    async def _call(self, fn: Any, *args: Any) -> Any:
        app: Any = self.app
        return await app.session.acall(fn, *args)

    def _store(self, page: int, chunk: Chunk[R]) -> None:
        self._pages[page] = chunk
        self._pages.move_to_end(page)
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        self.fetches += 1
        end = page * PAGE + len(chunk.rows)
        if not chunk.more_after and (end < self.count or not self.exact):
            self.count, self.exact = end, True  # the end is here
            self._resize()
            self.post_message(self.Counted(self))
        elif chunk.more_after and end >= self.count:
            self.count, self.exact = end + 1, False  # more than counted
            self._resize()
            self.post_message(self.Counted(self))

    def row_at(self, index: int) -> R | None:
        chunk = self._pages.get(index // PAGE)
        if chunk is None:
            return None
        offset = index - (index // PAGE) * PAGE
        return chunk.rows[offset] if offset < len(chunk.rows) else None

    @property
    def current(self) -> R | None:
        return self.row_at(self.cursor)

    def _need(self, page: int) -> None:
        self._wanted.add(page)
        if not self._busy:
            self._busy = True
            self.run_worker(self._fill(), group="lazy-fill", exit_on_error=False)

    async def _fill(self) -> None:
        try:
            while self._wanted:
                generation = self._generation
                top = int(self.scroll_offset.y) // PAGE
                page = min(self._wanted, key=lambda p: abs(p - top))
                self._wanted.discard(page)
                if page in self._pages or not self._visible(page):
                    continue
                chunk = await self._load(page)
                if generation != self._generation or chunk is None:
                    continue
                self._store(page, chunk)
                self.refresh()
                if self.cursor // PAGE == page:
                    self._announce()
        finally:
            self._busy = False

    def _prefetch(self) -> None:
        """Read the page a screen above and below the window ahead of time, so paging on
        usually finds its rows already here (the read happens after this frame)."""
        top, height = int(self.scroll_offset.y), self.size.height
        for row in (top - height, top + 2 * height):
            if 0 <= row < self.count and row // PAGE not in self._pages:
                self._need(row // PAGE)

    def _visible(self, page: int) -> bool:
        top = int(self.scroll_offset.y)
        first, last = top // PAGE, (top + self.size.height) // PAGE
        return first - 1 <= page <= last + 1 or page == self.cursor // PAGE

    async def _load(self, page: int) -> Chunk[R] | None:
        source = self.source
        if source is None:
            return None
        before_chunk = self._pages.get(page - 1)
        if page == 0:
            return await self._call(source.after, None, PAGE)
        if before_chunk is not None and len(before_chunk.rows) == PAGE:
            return await self._call(source.after, before_chunk.last_key, PAGE)
        after_chunk = self._pages.get(page + 1)
        if after_chunk is not None and after_chunk.first_key is not None:
            found = await self._call(source.before, after_chunk.first_key, PAGE)
            if found is not None:
                return found
        last_page = (self.count - 1) // PAGE
        if self.exact and page == last_page:
            found = await self._call(source.before, None, self.count - page * PAGE)
            if found is not None:
                return found
        offset = page * PAGE - 1
        from_end = getattr(source, "key_from_end", None)
        if from_end is not None and self.exact and offset > self.count // 2:
            key = await self._call(from_end, self.count - 1 - offset)  # the nearer end
        else:
            key = await self._call(source.key_at, offset)
        if key is None:
            return None
        return await self._call(source.after, key, PAGE)

    def _resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.count + 1)
        self.refresh()

    # ---- drawing --------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        columns = self.columns(width - 2)
        if y == 0:
            self._prefetch()
            style = self.get_component_rich_style("lazy-list--header")
            text = "  " + lay_out(columns, self.header_cells(columns), width - 2)
            return Strip([Segment(text, style)], width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= self.count:
            return Strip.blank(width)
        row = self.row_at(index)
        if row is None:
            self._need(index // PAGE)
            style = self.get_component_rich_style("lazy-list--pending")
            return Strip([Segment(fit("  " + self.LOADING, width), style)], width)
        marked = self.row_id(row) in self.marks
        text = ("* " if marked else "  ") + lay_out(columns, self.cells(row, columns), width - 2)
        style = self.row_style(row)
        if marked:
            style += self.get_component_rich_style("lazy-list--marked")
        if index == self.cursor:
            style += self.get_component_rich_style("lazy-list--cursor")
        return Strip([Segment(text, style)], width)

    # ---- cursor and marks -----------------------------------------------------------

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.current, self.cursor))

    def move_to(self, index: int) -> None:
        index = max(0, min(index, self.count - 1))
        self.cursor = index
        top, rows = int(self.scroll_offset.y), max(1, self.size.height - 1)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + rows:
            self.scroll_to(y=index - rows + 1, animate=False)
        if self.row_at(index) is None:
            self._need(index // PAGE)
        self.refresh()
        self._announce()

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_to(int(self.scroll_offset.y) + event.y - 1)

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        if where == 0 or self.exact or self.source is None:
            self.move_to(0 if where == 0 else self.count - 1)
            return
        source, generation = self.source, self._generation
        count_all = getattr(source, "count_all", source.count)

        async def to_end() -> None:  # a lower bound: count all first (explicit, may be slow)
            count, exact = await self._call(count_all)
            if generation == self._generation:
                self.count, self.exact = max(count, self.count), exact
                self._resize()
                self.post_message(self.Counted(self))
                self.move_to(self.count - 1)

        self.run_worker(to_end(), group="lazy-end", exclusive=True, exit_on_error=False)

    def action_mark(self) -> None:
        row = self.current
        if row is None or not self.MARKABLE:
            return
        key = self.row_id(row)
        if key in self.marks:
            del self.marks[key]
        else:
            self.marks[key] = row
        self.move_to(self.cursor + 1)

    def mark_visible(self) -> None:
        """Mark (or, if all are marked, unmark) every loaded row on screen."""
        top = int(self.scroll_offset.y)
        rows = [r for i in range(top, top + self.size.height - 1)
                if (r := self.row_at(i)) is not None]
        if rows and all(self.row_id(r) in self.marks for r in rows):
            for r in rows:
                self.marks.pop(self.row_id(r), None)
        else:
            self.marks.update({self.row_id(r): r for r in rows})
        self.refresh()

    def clear_marks(self) -> None:
        self.marks = {}
        self.refresh()

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))
