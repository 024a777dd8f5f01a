"""The data side of :class:`confterm.widgets.lazy_list.LazyList`: which pages to read,
when, and what the list tells its screen (highlighted row, Enter, count changed).

Pages come from a :class:`confterm.paging.PageCache`. All reading happens in one worker:
a render that finds a page missing only notes it (``_need``); the worker reads the wanted
pages still near the window, nearest first, and drops what a newer ``reset`` (a new
search, a new filter) made stale. The source's functions run on the database thread.

From a restart to the frame with its first page, and while a page on screen is missing,
the cyclic collector waits (:mod:`confterm.widgets.frame_gc`).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView

from confterm.paging import PAGE, Chunk, PageCache, Source
from confterm.vault.session import Cancelled
from confterm.widgets import frame_gc

R = TypeVar("R")


class LazyData(ScrollView, Generic[R]):
    class Highlighted(Message):
        def __init__(self, lazy: LazyData[Any], row: Any | None, index: int) -> None:
            super().__init__()
            self.lazy, self.row, self.index = lazy, row, index

        @property
        def control(self) -> LazyData[Any]:
            return self.lazy

    class Selected(Message):
        """Enter on a row."""

        def __init__(self, lazy: LazyData[Any], row: Any) -> None:
            super().__init__()
            self.lazy, self.row = lazy, row

        @property
        def control(self) -> LazyData[Any]:
            return self.lazy

    class Counted(Message):
        """The count changed (a reset, a recount, or rows found past a lower bound)."""

        def __init__(self, lazy: LazyData[Any]) -> None:
            super().__init__()
            self.lazy = lazy

        @property
        def control(self) -> LazyData[Any]:
            return self.lazy

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cache: PageCache[R] = PageCache()
        self.counted = False
        self.cursor = 0
        self.marks: dict[Hashable, R] = {}
        self._wanted: set[int] = set()
        self._generation = 0
        self._busy = False
        self.first_page_at = 0.0  # perf_counter when the last reset's first page arrived
        self.count_seconds = 0.0  # how long the last reset's count took
        self._stale = threading.Event()  # set when a newer reset makes this one's reads useless

    # ---- data -----------------------------------------------------------------------

    @property
    def source(self) -> Source[R] | None:
        return self.cache.source

    @property
    def count(self) -> int:
        return self.cache.count

    @property
    def exact(self) -> bool:
        return self.cache.exact

    @property
    def fetches(self) -> int:
        return self.cache.fetches

    def row_at(self, index: int) -> R | None:
        return self.cache.row_at(index)

    @property
    def current(self) -> R | None:
        return self.row_at(self.cursor)

    def first_chunk(self) -> Chunk[R] | None:
        return self.cache.pages.get(0)

    async def reset(self, source: Source[R], keep_marks: bool = False,
                    count_after: float = 0.0) -> None:
        """Show ``source`` from its first row: page 0 first (first paint), then the count.

        ``count_after``: seconds to wait before counting. While a person types, each
        keystroke restarts the list and cancels the wait, so a slow count never holds the
        database thread in front of the next keystroke's first page."""
        generation = self._next_generation()
        cache = self.cache
        cache.clear(source)
        self._wanted, self.cursor, self.counted, self.count_seconds = set(), 0, False, 0.0
        if not keep_marks:
            self.marks = {}
        release = frame_gc.hold()
        try:
            first = await self._read(source.after, None, PAGE)
        except Cancelled:
            first = None
        except BaseException:
            release()
            raise
        if first is None or generation != self._generation:
            release()
            return
        cache.store(0, first)
        self.first_page_at = time.perf_counter()
        cache.count = len(first.rows) + (1 if first.more_after else 0)
        cache.exact = not first.more_after
        self._resize()
        self.scroll_to(y=0, animate=False)
        self._announce()
        self.post_message(self.Counted(self))  # "at least N, counting": not the last count
        self._after_frame(release)
        if first.more_after:
            if count_after:
                await asyncio.sleep(count_after)
                if generation != self._generation:
                    return
            started = time.perf_counter()
            found = await self._count(source)
            self.count_seconds = time.perf_counter() - started
            if found is None or generation != self._generation:
                return
            count, exact = found
            cache.count, cache.exact = max(count, len(first.rows) + 1), exact
        self.counted = True
        self._resize()
        self.post_message(self.Counted(self))

    async def recount(self) -> None:
        """Read the count again and forget cached pages (after a change to the data)."""
        source = self.source
        if source is None:
            return
        generation = self._next_generation()
        found = await self._count(source)
        if found is None or generation != self._generation:
            return
        count, exact = found
        self.cache.clear()
        self._wanted = set()
        self.cache.count, self.cache.exact, self.counted = count, exact, True
        self.cursor = min(self.cursor, max(0, count - 1))
        self._resize()
        self.post_message(self.Counted(self))
        self._announce()

    async def _call(self, fn: Any, *args: Any) -> Any:
        app: Any = self.app
        return await app.session.acall(fn, *args)

    def _next_generation(self) -> int:
        """Start a new generation of reads; those still running for the last one stop."""
        self._stale.set()
        self._stale = threading.Event()
        self._generation += 1
        return self._generation

    def on_unmount(self) -> None:
        self._stale.set()  # a list gone from the screen needs nothing more read

    async def _read(self, fn: Any, *args: Any) -> Any:
        """Read for the current generation: stops (raising Cancelled) once a newer reset
        comes. A broad search's first page or count can take a second at a million
        records; a person typing on must not wait behind it on the database thread."""
        return await self._reader()(fn, *args)

    def _reader(self) -> Any:
        """A read function bound to this generation's flag: a page load of several reads
        stops as a whole, even when the reset comes between two of them."""
        app: Any = self.app
        stale = self._stale

        async def read(fn: Any, *args: Any) -> Any:
            return await app.session.acall_cancellable(stale, fn, *args)

        return read

    async def _count(self, source: Source[R]) -> tuple[int, bool] | None:
        """The source's count, or None when a newer reset stopped it."""
        try:
            found: tuple[int, bool] = await self._read(source.count)
        except Cancelled:
            return None
        return found

    def _after_frame(self, release: Any) -> None:
        """Call ``release`` once the screen has drawn what was just refreshed."""
        if not self.call_after_refresh(release):
            release()

    def _need(self, page: int) -> None:
        self._wanted.add(page)
        if not self._busy:
            self._busy = True
            self.run_worker(self._fill(), group="lazy-fill", exit_on_error=False)

    async def _fill(self) -> None:
        """Read the wanted pages that are still near the window, nearest first."""
        try:
            while self._wanted:
                generation = self._generation
                top = int(self.scroll_offset.y) // PAGE
                page = min(self._wanted, key=lambda p: abs(p - top))
                self._wanted.discard(page)
                if page in self.cache.pages or not self._visible(page):
                    continue
                release = frame_gc.hold() if self._on_screen(page) else frame_gc.not_held
                try:
                    chunk = await self.cache.load(page, self._reader())
                except Cancelled:
                    chunk = None
                except BaseException:
                    release()
                    raise
                if generation != self._generation or chunk is None:
                    release()
                    continue
                if self.cache.store(page, chunk):
                    self._resize()
                    self.post_message(self.Counted(self))
                self.refresh()
                if self.cursor // PAGE == page:
                    self._announce()
                self._after_frame(release)
        finally:
            self._busy = False

    def _prefetch(self) -> None:
        """Read the page a screen above and below the window ahead of time, so paging on
        usually finds its rows already here (the read happens after this frame)."""
        top, height = int(self.scroll_offset.y), self.size.height
        for row in (top - height, top + 2 * height):
            if 0 <= row < self.count and row // PAGE not in self.cache.pages:
                self._need(row // PAGE)

    def _on_screen(self, page: int) -> bool:
        top = int(self.scroll_offset.y)
        return top // PAGE <= page <= (top + self.size.height) // PAGE

    def _visible(self, page: int) -> bool:
        top = int(self.scroll_offset.y)
        first, last = top // PAGE, (top + self.size.height) // PAGE
        return first - 1 <= page <= last + 1 or page == self.cursor // PAGE

    def _resize(self) -> None:
        """The virtual height follows the count. Assigning ``virtual_size`` lays out the
        whole screen (~9 ms, twice per search restart: first page, then count), though the
        list's own box never changes with its row count; so, mounted, only the scrollbars
        are updated (Textual's ``_scroll_update``, which lays out if one appears or goes)."""
        size = Size(self.scrollable_content_region.width, self.count + 1)
        update = getattr(self, "_scroll_update", None)
        if size != self.virtual_size and self.is_mounted and update is not None:
            self.set_reactive(LazyData.virtual_size, size)
            update(size)
        else:
            self.virtual_size = size
        self.refresh()

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.current, self.cursor))

