"""Archive browser: search as you type (also two Chinese characters), filters, sort, jumps,
and only the visible pages are read even over tens of thousands of records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from confterm.app import ConftermApp
from confterm.vault.catalogue import browse
from confterm.vault.catalogue.bulk import BulkWriter
from confterm.vault.session import Ctx
from tests.ui.archive_seed import Seeded, archive_template, archive_vault, open_admin
from tests.ui.conftest import CUSTODIAN, Who, on_screen, screen_text, unlock, wait_for

__all__ = ["archive_template", "archive_vault"]  # fixtures used by this module
MakeApp = Callable[..., ConftermApp]


async def open_archive(pilot: Pilot[Any], who: Who = CUSTODIAN) -> Any:
    app: Any = pilot.app
    await unlock(pilot, who)
    await pilot.press("j")
    await wait_for(pilot, lambda: on_screen(app, "ArchiveScreen"))
    browser = app.screen.browser
    await wait_for(pilot, lambda: browser.records.counted)
    return app.screen


def visible_rows(screen: Any) -> list[Any]:
    lst = screen.browser.records
    return [r for i in range(lst.count) if (r := lst.row_at(i)) is not None]


async def settle(pilot: Pilot[Any], screen: Any, applied: int) -> None:
    """Wait until the browser has restarted after ``applied`` and counted."""
    browser = screen.browser
    await wait_for(pilot, lambda: browser.applied > applied and browser.records.counted)


async def type_search(pilot: Pilot[Any], screen: Any, text: str) -> None:
    applied = screen.browser.applied
    await pilot.press("slash")
    search = screen.query_one("#browser-search", Input)
    search.value = ""
    for ch in text:
        await pilot.press(ch)
    await settle(pilot, screen, applied)
    browser = screen.browser
    await wait_for(pilot, lambda: browser.shown is not None and browser.shown.text == text
                   and browser.records.counted)


async def test_two_character_chinese_search_as_you_type(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        assert screen.browser.records.count == 45
        await type_search(pilot, screen, "凭证")
        rows = visible_rows(screen)
        assert screen.browser.records.count == 18 == len(rows)  # 3 clients × 3 years × 2
        assert all("凭证" in r.title for r in rows)
        assert "18 records" in screen_text(app)
        await type_search(pilot, screen, "凭")  # one character
        assert {r.id for r in visible_rows(screen)} == {r.id for r in rows}
        await type_search(pilot, screen, "K2-2019")  # part of an archive number
        found = visible_rows(screen)
        assert len(found) == 5 and all(r.archive_no.startswith("K2-2019-") for r in found)
        await type_search(pilot, screen, "燕山 申报")  # client name and title words
        found = visible_rows(screen)
        assert len(found) == 3 and all(r.category == "tax_return" and "燕山" in r.client_name
                                       for r in found)


async def test_typing_fast_shows_only_the_last_query(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path, _seeded = archive_vault
    searched: list[str | None] = []
    real = browse.page_after

    def counting(conn: Any, f: Any, *args: Any, **kwargs: Any) -> Any:
        searched.append(f.text)
        return real(conn, f, *args, **kwargs)

    monkeypatch.setattr(browse, "page_after", counting)
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        searched.clear()
        await type_search(pilot, screen, "2019年记账")
        assert searched[-1] == "2019年记账"
        assert len(searched) < len("2019年记账")  # debounced: not one query per key
        assert {r.title[:7] for r in visible_rows(screen)} == {"2019年记账"}


async def test_filters_by_category_level_and_year(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        applied = screen.browser.applied
        await pilot.press("f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FilterDialog")
        dialog: Any = app.screen
        dialog.query_one("#filter-category", Select).value = "tax_return"
        dialog.query_one("#filter-year_from", Input).value = "2019"
        dialog.query_one("#filter-client", Input).value = "燕山"
        dialog.query_one("#filter-year_to").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await settle(pilot, screen, applied)
        rows = visible_rows(screen)
        assert len(rows) == 2 == screen.browser.records.count
        assert all(r.category == "tax_return" and r.fiscal_year >= 2019
                   and r.client_id == seeded.clients[1] for r in rows)
        text = screen_text(app)
        assert "client: 北京燕山贸易有限公司" in text and "years 2019–…" in text
        applied = screen.browser.applied
        await pilot.press("r")  # clear
        await settle(pilot, screen, applied)
        assert screen.browser.records.count == 45


async def test_unknown_client_in_filter_is_said_plainly(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_archive(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FilterDialog")
        dialog: Any = app.screen
        dialog.query_one("#filter-client", Input).value = "有限公司"  # all three
        dialog.query_one("#filter-year_to").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "matches several clients" in dialog.message_text)


async def test_jump_to_the_clients_records_and_the_box_contents(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        current = screen.browser.records.current
        applied = screen.browser.applied
        await pilot.press("v")
        await settle(pilot, screen, applied)
        assert {r.client_id for r in visible_rows(screen)} == {current.client_id}
        assert screen.browser.records.count == 15
        await pilot.press("down", "down", "down", "down")
        boxed = screen.browser.records.current
        applied = screen.browser.applied
        await pilot.press("b")
        await settle(pilot, screen, applied)
        assert {r.location_id for r in visible_rows(screen)} == {boxed.location_id}
        assert "in: 档案室A / 柜01 / 第1层 / 盒000" in screen_text(app)


async def test_sort_and_reverse(make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        numbers = [r.archive_no for r in visible_rows(screen)]
        assert numbers == sorted(numbers)
        applied = screen.browser.applied
        await pilot.press("d")
        await settle(pilot, screen, applied)
        assert [r.archive_no for r in visible_rows(screen)] == sorted(numbers, reverse=True)
        applied = screen.browser.applied
        await pilot.press("s")  # next order: title
        await settle(pilot, screen, applied)
        titles = [r.title for r in visible_rows(screen)]
        assert titles == sorted(titles, reverse=True)
        assert "sorted by Title ↓" in screen_text(app)


def _many(ctx: Ctx, n: int) -> None:
    """``n`` more records for the first client, through the bulk writer."""
    client = ctx.conn.execute("SELECT min(id) FROM clients").fetchone()[0]
    with ctx.transaction() as conn:
        writer = BulkWriter(conn, "2026-01-15T02:00:00.000000Z")
        for i in range(n):
            writer.add({"archive_no": f"Z-{i:06d}", "title": f"第{i}号 明细账",
                        "client_id": client, "category": "ledger", "fiscal_year": 2010,
                        "level": "internal"})
        writer.finish()


async def test_only_the_visible_pages_are_read(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path, _seeded = archive_vault
    with open_admin(path) as session:
        session.call(_many, 30_000)
    read: list[int] = []
    for name in ("page_after", "page_before"):
        real = getattr(browse, name)

        def counting(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            page = _real(*args, **kwargs)
            read.append(len(page.rows))
            return page

        monkeypatch.setattr(browse, name, counting)
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        lst = screen.browser.records
        assert lst.count == 30_045 and lst.exact  # the maintained counter
        await pilot.press("end")
        await wait_for(pilot, lambda: lst.current is not None and lst.cursor == 30_044)
        assert lst.current.archive_no == "Z-029999"
        await pilot.press("pageup", "pageup")
        await wait_for(pilot, lambda: lst.current is not None)
        lst.scroll_to(y=15_000, animate=False)  # a scrollbar drag to the middle
        await wait_for(pilot, lambda: lst.row_at(15_010) is not None)
        assert lst.row_at(15_010).archive_no == "Z-014965"
        lst.scroll_to(y=25_000, animate=False)  # past the middle: counted from the end
        await wait_for(pilot, lambda: lst.row_at(25_010) is not None)
        assert lst.row_at(25_010).archive_no == "Z-024965"
        assert lst.row_at(24_999).archive_no == "Z-024954"
        await pilot.press("home")
        await wait_for(pilot, lambda: lst.current is not None and lst.cursor == 0)
        assert sum(read) < 1_500, read  # a handful of pages, never the 30,045 rows
