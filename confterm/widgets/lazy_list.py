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

Reading (which page, when, stale answers dropped) is :mod:`lazy_data`; the pages and how
a missing one is read are :class:`confterm.paging.PageCache`. This module draws.

Subclasses say how a row is drawn (``columns``, ``cells``) and identified (``row_id``);
rows can be marked (multi-select) with space.

A list with ``LINE_CACHE`` keeps each row's drawn line (a Strip, so Textual's own per-strip
caches hit too) and, after a frame, draws the rows a screen above and below ahead of time,
a few between events: page-down then finds its lines drawn. Laying out a row of Chinese
text by terminal cells is most of a page's drawing; at 1,000,000 records page-down was
almost all drawing (the rows were read ahead already). A cursor move within the screen
redraws two lines, not the whole list.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from itertools import chain
from typing import Any, ClassVar, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.strip import Strip

from confterm.i18n import language
from confterm.paging import PAGE
from confterm.widgets import frame_gc
from confterm.widgets.cells import Column, fit, lay_out
from confterm.widgets.lazy_data import LazyData

R = TypeVar("R")
__all__ = ["PAGE", "Column", "LazyList", "fit", "lay_out"]


class LazyList(LazyData[R], can_focus=True):
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
    LINE_CACHE = False
    """Keep drawn lines (see the module). Only for lists whose look changes through
    :meth:`forget_lines` (or the language, width, marks, cursor and styles)."""
    LINES_KEPT = 600
    WARM_SLICE = 6  # rows drawn ahead between two looks at the event queue

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lines: dict[tuple[Any, ...], tuple[R, Strip]] = {}
        self._layout: tuple[tuple[Any, ...], list[Column]] | None = None
        self._warming = False
        self._warmed: tuple[Any, ...] | None = None

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

    # ---- drawing --------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            self._prefetch()
            self._warm_soon(width)
            columns = self._columns(width)
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
        return self._line(row, index == self.cursor, width)

    def _columns(self, width: int) -> list[Column]:
        if not self.LINE_CACHE:
            return self.columns(width - 2)
        key = (width, language())
        if self._layout is None or self._layout[0] != key:
            self._layout = (key, self.columns(width - 2))
        return self._layout[1]

    def _key(self, row: R, cursor: bool, width: int) -> tuple[Any, ...]:
        marked = self.row_id(row) in self.marks
        return (id(row), cursor, marked, width, language(), cursor and self.has_focus)

    def _line(self, row: R, cursor: bool, width: int) -> Strip:
        key = self._key(row, cursor, width) if self.LINE_CACHE else None
        if key is not None:
            found = self._lines.get(key)
            if found is not None and found[0] is row:
                return found[1]
        marked = self.row_id(row) in self.marks
        columns = self._columns(width)
        text = ("* " if marked else "  ") + lay_out(columns, self.cells(row, columns), width - 2)
        style = self.row_style(row)
        if marked:
            style += self.get_component_rich_style("lazy-list--marked")
        if cursor:
            style += self.get_component_rich_style("lazy-list--cursor")
        strip = Strip([Segment(text, style)], width)
        if key is not None:
            self._lines[key] = (row, strip)  # the row kept with it: its id stays its own
            if len(self._lines) > self.LINES_KEPT:
                del self._lines[next(iter(self._lines))]
        return strip

    def forget_lines(self) -> None:
        """Draw every line again (what a row looks like changed: names, language...)."""
        self._lines, self._layout, self._warmed = {}, None, None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()  # a theme or focus change: the styles are new
        if self.LINE_CACHE:
            self._lines, self._layout, self._warmed = {}, None, None

    def _warm_soon(self, width: int) -> None:
        """After this frame, draw the rows a screen above and below (see the module)."""
        top = int(self.scroll_offset.y)
        state = (top, width, self.fetches, self._generation, len(self.marks), self.cursor)
        if not self.LINE_CACHE or self._warming or state == self._warmed:
            return
        self._warming, self._warmed = True, state
        self.run_worker(self._warm(width), group="lazy-warm", exit_on_error=False)

    async def _warm(self, width: int) -> None:
        try:
            while todo := self._cold(width):
                for index, row in todo:
                    self._line(row, index == self.cursor, width)
                await asyncio.sleep(0)  # a key waiting is answered first
        finally:
            self._warming = False

    def _cold(self, width: int) -> list[tuple[int, R]]:
        """Up to WARM_SLICE loaded rows near the window not drawn yet, the next screen first."""
        top, rows = int(self.scroll_offset.y), max(1, self.size.height - 1)
        out: list[tuple[int, R]] = []
        for index in chain(range(top + rows, top + 2 * rows), range(top - rows, top)):
            row = self.row_at(index) if 0 <= index < self.count else None
            if row is None:
                continue
            found = self._lines.get(self._key(row, index == self.cursor, width))
            if found is None or found[0] is not row:
                out.append((index, row))
                if len(out) >= self.WARM_SLICE:
                    break
        return out

    # ---- cursor and marks -----------------------------------------------------------

    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index``, scrolling as little as shows it. The collector
        waits until this frame is drawn (:mod:`frame_gc`)."""
        index = max(0, min(index, self.count - 1))
        self.call_after_refresh(frame_gc.hold())
        before, self.cursor = self.cursor, index
        top, rows = int(self.scroll_offset.y), max(1, self.size.height - 1)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + rows:
            self.scroll_to(y=index - rows + 1, animate=False)
        if self.row_at(index) is None:
            self._need(index // PAGE)
        if int(self.scroll_offset.y) == top:  # same window: the old and new cursor lines
            self.refresh_line(before + 1)
            self.refresh_line(index + 1)
        else:
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
                self.cache.count, self.cache.exact = max(count, self.count), exact
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
