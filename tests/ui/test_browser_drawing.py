"""Archive browser drawing: kept lines never show a stale row (marks, names), and
the garbage collector held between a key and its frame is always given back."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from confterm.app import ConftermApp
from confterm.widgets import frame_gc
from tests.ui.archive_seed import Seeded, archive_template, archive_vault
from tests.ui.conftest import screen_text, wait_for
from tests.ui.test_archive_browser import open_archive, type_search
from tests.unit.vault.test_cancellable_read import slow_count

__all__ = ["archive_template", "archive_vault"]  # fixtures used by this module
MakeApp = Callable[..., ConftermApp]


@asynccontextmanager
async def browsing(make_app: MakeApp, archive_vault: tuple[Path, Seeded],
                   lang: str = "en") -> AsyncIterator[tuple[ConftermApp, Any, Any]]:
    """The app on the Archive list of the seeded vault: (app, pilot, screen)."""
    path, _seeded = archive_vault
    app = make_app(path=path, lang=lang)
    async with app.run_test(size=(140, 40)) as pilot:
        yield app, pilot, await open_archive(pilot)


def line_of(app: ConftermApp, archive_no: str) -> str:
    return next(line for line in screen_text(app).splitlines() if archive_no in line)


async def test_kept_lines_follow_marks_names_and_language(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    async with browsing(make_app, archive_vault) as (app, pilot, screen):
        lst = screen.browser.records
        await pilot.press("pagedown", "pagedown", "pageup")  # lines drawn and kept
        row = lst.current
        assert row is not None
        await wait_for(pilot, lambda: row.archive_no in screen_text(app))
        assert not line_of(app, row.archive_no).lstrip(" │").startswith("*")
        await pilot.press("space")  # marks it, cursor moves on
        await wait_for(pilot, lambda: "* " + row.archive_no in line_of(app, row.archive_no))
        lst.level_names = {code: f"L-{code[:3]}" for code in lst.level_names}
        await wait_for(pilot, lambda: f"L-{row.level[:3]}" in line_of(app, row.archive_no))
        assert "* " + row.archive_no in line_of(app, row.archive_no)
        await pilot.press("up", "space")  # unmarked again
        await wait_for(pilot, lambda: "* " + row.archive_no not in line_of(app, row.archive_no))


async def test_the_collector_is_back_on_after_paging_and_searching(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    async with browsing(make_app, archive_vault) as (_app, pilot, screen):
        for key in ("pagedown", "down", "end", "home", "pageup"):
            await pilot.press(key)
        await type_search(pilot, screen, "凭证")
        await wait_for(pilot, lambda: not frame_gc.held())
        assert gc.isenabled()


async def test_holds_nest_end_by_themselves_and_leave_a_foreign_choice_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frame_gc, "MAX_HOLD", 0.05)
    try:
        first, second = frame_gc.hold(), frame_gc.hold()
        assert not gc.isenabled()
        first()
        first()  # twice is once
        assert not gc.isenabled()
        second()
        assert gc.isenabled()
        frame_gc.hold()  # never released by its holder
        await asyncio.sleep(0.1)
        assert gc.isenabled() and not frame_gc.held()
        gc.disable()  # someone else's decision
        frame_gc.hold()()
        assert not gc.isenabled()
    finally:
        gc.enable()


class SlowCount:
    """A source whose rows are the catalogue's and whose count runs for many seconds."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.counting = threading.Event()

    def count(self, ctx: Any) -> tuple[int, bool]:
        self.counting.set()
        return slow_count(ctx), True

    def after(self, ctx: Any, key: Any, n: int) -> Any:
        return replace(self.inner.after(ctx, key, n), more_after=True)  # so it is counted

    def before(self, ctx: Any, key: Any, n: int) -> Any:
        return self.inner.before(ctx, key, n)

    def key_at(self, ctx: Any, offset: int) -> Any:
        return self.inner.key_at(ctx, offset)


async def test_a_new_search_does_not_wait_for_the_last_ones_count(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    """A broad search's count can take a second at a million records; the next
    keystroke's list must not queue behind it on the database thread."""
    async with browsing(make_app, archive_vault) as (_app, pilot, screen):
        browser = screen.browser
        lst = browser.records
        slow = SlowCount(browser.source())
        lst.run_worker(lst.reset(slow), exit_on_error=False)
        await wait_for(pilot, slow.counting.is_set)
        started = time.monotonic()
        browser.restart()  # what the next keystroke does
        await wait_for(pilot, lambda: lst.source is not slow and lst.counted, timeout=5)
        assert time.monotonic() - started < 3  # the slow count alone runs for many seconds
        assert lst.count == 45 and lst.exact


async def test_switching_language_keeps_the_highlighted_record(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    async with browsing(make_app, archive_vault) as (app, pilot, screen):
        lst = screen.browser.records
        await pilot.press("s")  # another sort: the same row number is another record
        await wait_for(pilot, lambda: screen.browser.sort != "archive_no"
                       and screen.browser.shown is not None and lst.current is not None)
        sort = screen.browser.sort
        await pilot.press(*["down"] * 5)
        await wait_for(pilot, lambda: lst.cursor == 5 and lst.current is not None)
        row = lst.current
        screen.loaded = False
        await pilot.press("f2")
        await wait_for(pilot, lambda: screen.loaded and "档案编号" in screen_text(app))
        lst = screen.browser.records  # a new list: the screen was rebuilt in Chinese
        await wait_for(pilot, lambda: lst.current is not None)
        assert lst.cursor == 5 and lst.current.id == row.id
        assert screen.browser.sort == sort


async def test_while_a_search_is_counted_the_line_says_so_not_the_old_count(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    async with browsing(make_app, archive_vault) as (app, pilot, screen):
        browser = screen.browser
        assert "45 records" in screen_text(app)
        slow = SlowCount(browser.source())  # its first page says "more", then counts slowly
        browser.records.run_worker(browser.records.reset(slow), exit_on_error=False)
        await wait_for(pilot, slow.counting.is_set)
        await wait_for(pilot, lambda: "counting" in screen_text(app))
        assert "45 records" not in screen_text(app)
        browser.restart()  # stops the slow count
        await wait_for(pilot, lambda: "45 records" in screen_text(app))
