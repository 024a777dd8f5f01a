"""Measuring the archive browser in a headless app, in a process of its own.

Run by :mod:`confterm.bench.browser_figures` as
``python -m confterm.bench.browser_measure VAULT NAME lazy|datatable ROWS`` with the
passphrase on standard input; prints one JSON object. A process of its own, so its peak
memory is the browsing's (not the import that built the vault), and so the lazy browser
and the DataTable baseline do not share caches.

- ``lazy``: the Archive area over the whole vault: first paint (key ``j`` on the home
  screen until the first page is drawn), page-down, a far jump, search as you type
  (each restart after the typing pause until the app's own frame showing its first page
  is drawn), and a LIKE scan answering the same searches (baseline).
- ``datatable``: Textual's DataTable holding ROWS records read from the same vault: first
  paint (rows added and drawn) and page-down.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from confterm.bench.harness import peak_rss_mb
from confterm.vault.catalogue import bench as cat_bench
from confterm.vault.catalogue import browse
from confterm.vault.catalogue.common import local_today
from confterm.vault.catalogue.filters import Filters

SIZE = (160, 48)


def _paint(app: Any) -> None:
    """Draw every line of the screen now (what reaching the terminal costs)."""
    for _strip in app.screen._compositor.render_strips():
        pass


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


async def _until(pilot: Any, condition: Any, timeout: float = 60.0) -> None:
    """Poll (1 ms) until ``condition``: no Pilot round trip inside a measured interval."""
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise RuntimeError("the browser did not get there in time")
        await asyncio.sleep(0.001)


async def _unlock(app: Any, pilot: Any, name: str, passphrase: str) -> None:
    await _until(pilot, lambda: getattr(app.screen, "loaded", False))
    screen: Any = app.screen
    screen.query_one("#unlock-name").value = name
    screen.query_one("#unlock-pass").value = passphrase
    screen.action_unlock()
    await _until(pilot, lambda: type(app.screen).__name__ == "HomeScreen"
                 and getattr(app.screen, "loaded", False))


async def _first_paint(app: Any, pilot: Any) -> float:
    start = time.perf_counter()
    await app.run_action("app.open_area('archive')")  # what the key j does
    await _until(pilot, lambda: type(app.screen).__name__ == "ArchiveScreen"
                 and app.screen.browser.records.row_at(0) is not None)
    _paint(app)
    return _ms(start)


def _frames(app: Any) -> list[float]:
    """perf_counter at the end of each frame the app's screen draws from now on (what
    Textual would write to the terminal: its compositor update of what changed)."""
    screen: Any = app.screen
    done: list[float] = []
    draw = screen._compositor_refresh

    def timed() -> None:
        draw()
        done.append(time.perf_counter())

    screen._compositor_refresh = timed
    return done


async def _search(app: Any, pilot: Any, browser: Any, query: str
                  ) -> tuple[list[float], list[float]]:
    """Type ``query`` one character at a time. For each restart after the typing pause:
    ms until the app's first frame after its first page arrived (the page on screen), and
    ms its count took (0 when the first page was all there is)."""
    shown: list[float] = []
    counted: list[float] = []
    real = browser.apply
    frames = _frames(app)

    async def timed(keep_marks: bool = False) -> None:
        start = time.perf_counter()
        await real(keep_marks)  # returns after the count (0.4 s after the first page)
        counted.append(browser.records.count_seconds * 1000)
        first = browser.records.first_page_at
        drawn = next((f for f in frames if f >= first), None)
        if drawn is None:  # no frame yet (cannot happen after the count's pause): draw one
            _paint(app)
            drawn = time.perf_counter()
        shown.append((drawn - start) * 1000)

    browser.apply = timed
    search = browser.query_one("#browser-search")
    try:
        for i in range(1, len(query) + 1):
            search.value = query[:i]
            await _until(pilot, lambda i=i: browser.shown is not None
                         and browser.shown.text == query[:i])
            await asyncio.sleep(0.02)
    finally:
        browser.apply = real
        del app.screen._compositor_refresh  # the class's own again
    return shown, counted


def _like_ms(ctx: Any, text: str) -> float:
    start = time.perf_counter()
    cat_bench._like(ctx.conn, text)
    return _ms(start)


async def measure_lazy(vault: Path, name: str, passphrase: str, repeat: int) -> dict[str, Any]:
    from confterm.app import create_app

    app: Any = create_app(vault, lang="zh_CN")
    out: dict[str, Any] = {"first_paint": [], "page_down": [], "jump": [], "search": {},
                           "search_counted": {}, "like": {}}
    async with app.run_test(size=SIZE) as pilot:
        await _unlock(app, pilot, name, passphrase)
        for _ in range(repeat):
            await asyncio.sleep(1.0)  # the home screen's own queries finish first
            out["first_paint"].append(await _first_paint(app, pilot))
            await app.run_action("app.open_area('home')")
            await _until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        await app.run_action("app.open_area('archive')")
        await _until(pilot, lambda: type(app.screen).__name__ == "ArchiveScreen"
                     and app.screen.browser.records.counted)
        browser: Any = app.screen.browser
        lst = browser.records
        out["rows"] = lst.count
        await asyncio.sleep(0.5)
        for _ in range(8 * repeat):
            start = time.perf_counter()
            lst.action_page(1)  # what PgDn does
            await _until(pilot, lambda: lst.current is not None)
            _paint(app)
            out["page_down"].append(_ms(start))
            await asyncio.sleep(0.15)  # a person reads the page
        for fraction in (0.5, 0.25, 0.75, 0.9, 0.1)[:max(2, repeat // 2)]:
            await asyncio.sleep(0.3)
            start = time.perf_counter()
            lst.scroll_to(y=int(lst.count * fraction), animate=False)
            target = int(lst.count * fraction) + 5
            await _until(pilot, lambda t=target: lst.row_at(t) is not None)
            _paint(app)
            out["jump"].append(_ms(start))
        archive = await app.session.acall(cat_bench.archive_number_queries)
        groups = {"1 char": cat_bench.ONE_CHAR, "2 chars": cat_bench.TWO_CHAR,
                  "3+ chars": cat_bench.THREE_PLUS, "archive numbers": archive[:3]}
        for group, queries in groups.items():
            out["search"][group], out["like"][group] = [], []
            out["search_counted"][group] = []
            for query in queries:
                shown, counted = await _search(app, pilot, browser, query)
                out["search"][group] += shown
                out["search_counted"][group] += counted
                out["like"][group].append(await app.session.acall(_like_ms, query))
        out["peak_rss_mb"] = peak_rss_mb()
        await pilot.press("ctrl+l")
    return out


def _table_rows(ctx: Any, n: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    key = None
    today = local_today(ctx)
    while len(rows) < n:
        page = browse.page_after(ctx.conn, Filters(), today, key, min(1000, n - len(rows)))
        rows += [(r.archive_no, r.title, r.client_name, r.category, str(r.fiscal_year),
                  r.level, r.status) for r in page.rows]
        if not page.more_after:
            break
        key = page.last_key
    return rows


async def measure_datatable(vault: Path, name: str, passphrase: str, n: int,
                            repeat: int) -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from confterm.vault import lifecycle
    from confterm.vault.secrets import passphrase_bytes

    with lifecycle.open_vault(vault, name, passphrase_bytes(passphrase)) as session:
        rows = session.call(_table_rows, n)

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

    out: dict[str, Any] = {"first_paint": [], "page_down": [], "rows": len(rows)}
    for _ in range(max(1, repeat // 2)):
        app = TableApp()
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one(DataTable)
            start = time.perf_counter()
            table.add_columns("档案编号", "题名", "客户", "类别", "年度", "密级", "状态")
            table.add_rows(rows)
            await pilot.pause()
            _paint(app)
            out["first_paint"].append(_ms(start))
            table.focus()
            for _ in range(8):
                start = time.perf_counter()
                table.action_page_down()  # what PgDn does
                await asyncio.sleep(0)
                _paint(app)
                out["page_down"].append(_ms(start))
                await asyncio.sleep(0.05)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main(argv: list[str]) -> int:
    vault, name, mode, rows = Path(argv[0]), argv[1], argv[2], int(argv[3])
    repeat = int(argv[4]) if len(argv) > 4 else 5
    passphrase = sys.stdin.readline().rstrip("\n")
    if mode == "lazy":
        result = asyncio.run(measure_lazy(vault, name, passphrase, repeat))
    else:
        result = asyncio.run(measure_datatable(vault, name, passphrase, rows, repeat))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
