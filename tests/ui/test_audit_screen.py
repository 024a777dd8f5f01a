"""Audit screen: newest first, only the visible rows fetched, filters, chain verification."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from confterm.app import ConftermApp
from confterm.vault import audit, audit_query, lifecycle
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import Ctx
from tests.ui.archive_seed import archive_template, archive_vault
from tests.ui.conftest import ADMIN, AUDITOR, on_screen, screen_text, unlock, wait_for

__all__ = ["archive_template", "archive_vault"]  # fixtures used by this module

MakeApp = Callable[..., ConftermApp]
EXTRA = 20_000


def add_events(vault: Path, n: int) -> None:
    """``n`` chained events by two people, a day apart every 1,000 events."""
    session = lifecycle.open_vault(vault, ADMIN.name, passphrase_bytes(ADMIN.passphrase))

    def fill(ctx: Ctx) -> None:
        seq, prev = audit.head(ctx.conn)
        rows = []
        for i in range(n):
            seq += 1
            ts = f"2025-03-{1 + i // 1000:02d}T04:00:00.000000Z"
            actor = AUDITOR.name if i % 2 else ADMIN.name
            action = "record.read" if i % 3 else "loan.return"
            payload = audit.event_bytes(seq, ts, actor, action, "record", str(i), "{}")
            digest = hashlib.sha256(prev + payload).digest()
            rows.append((seq, ts, actor, action, "record", str(i), "{}", prev, digest))
            prev = digest
        with ctx.transaction():
            ctx.conn.executemany("INSERT INTO audit_events VALUES (?,?,?,?,?,?,?,?,?)", rows)

    with session:
        session.call(fill)


async def open_audit(pilot: Any, app: ConftermApp) -> Any:
    await unlock(pilot, AUDITOR)
    await pilot.press("a")
    await wait_for(pilot, lambda: on_screen(app, "AuditScreen"))
    return app.screen


async def filter_by_action(pilot: Any, screen: Any, text: str) -> Any:
    """Type ``text`` in the action filter, apply it, and wait for what it finds."""
    screen.query_one("#audit-action").value = text
    screen.query_one("#audit-action").focus()
    await pilot.press("enter")
    events = screen.query_one("#audit-list")
    await wait_for(pilot, lambda: events.filtered and screen.loaded and events.count)
    return events


async def test_newest_first_and_only_the_visible_rows_are_read(
        make_app: MakeApp, vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_events(vault, EXTRA)
    fetched: list[int] = []
    real_window = audit_query.window

    def counting(conn: Any, high: int, low: int) -> list[audit_query.AuditRow]:
        rows = real_window(conn, high, low)
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(audit_query, "window", counting)
    app = make_app()
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_audit(pilot, app)
        head = 5 + EXTRA
        lines = screen_text(app).splitlines()
        first = next(i for i, line in enumerate(lines) if f" {head} " in line)
        assert f" {head - 1} " in lines[first + 1]  # newest first
        await pilot.press("end")
        await wait_for(pilot, lambda: "vault.create" in screen_text(app))
        await pilot.press("pageup", "home")
        await wait_for(pilot, lambda: f" {head} " in screen_text(app))
        assert sum(fetched) < 600, fetched  # a few windows, never the 20,005 rows
        assert screen.query_one("#audit-list").count == head


async def test_filter_by_person_action_and_date(make_app: MakeApp, vault: Path) -> None:
    add_events(vault, 3000)
    app = make_app()
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_audit(pilot, app)
        screen.query_one("#audit-actor").value = AUDITOR.name
        screen.query_one("#audit-action").value = "loan."
        screen.query_one("#audit-from").value = "2025-03-02"
        screen.query_one("#audit-to").value = "2025-03-02"
        screen.query_one("#audit-to").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.query_one("#audit-list").filtered
                       and screen.loaded)
        events = screen.query_one("#audit-list")
        rows = [events.rows[i] for i in range(events.count)]
        # day 2 holds events 1000..1999; the auditor's are the odd ones, loans every third
        expected = [i for i in range(1999, 999, -1) if i % 2 and i % 3 == 0]
        assert [int(r.object_id) for r in rows] == expected
        assert all(r.actor == AUDITOR.name and r.action == "loan.return" for r in rows)
        await pilot.press("c")  # clear: back to everything
        await wait_for(pilot, lambda: not events.filtered and events.count == 3005)


async def test_a_bad_date_is_refused_plainly(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_audit(pilot, app)
        screen.query_one("#audit-from").value = "2025-13-45"
        screen.query_one("#audit-from").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app._notifications)
        message = next(iter(app._notifications)).message
        assert message == 'The "From" date "2025-13-45" is not a date; write it like 2026-01-31.'


async def test_verify_the_chain(make_app: MakeApp, vault: Path) -> None:
    add_events(vault, 5000)
    app = make_app()
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_audit(pilot, app)
        await pilot.press("v")
        await wait_for(pilot, lambda: "intact" in str(
            screen.query_one("#audit-status").render()))
        assert "5005 events" in str(screen.query_one("#audit-status").render())


async def test_verify_reports_a_tampered_event(make_app: MakeApp, vault: Path) -> None:
    add_events(vault, 50)
    session = lifecycle.open_vault(vault, ADMIN.name, passphrase_bytes(ADMIN.passphrase))
    with session:
        session.call(lambda ctx: ctx.conn.execute(
            "UPDATE audit_events SET actor = '王秀英' WHERE seq = 30"))
    app = make_app()
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_audit(pilot, app)
        await pilot.press("v")
        await wait_for(pilot, lambda: "30" in str(screen.query_one("#audit-status").render()))
        assert "intact" not in str(screen.query_one("#audit-status").render())


async def test_custodian_cannot_open_the_audit_trail(make_app: MakeApp) -> None:
    from tests.ui.conftest import CUSTODIAN

    app = make_app()
    async with app.run_test(size=(110, 30)) as pilot:
        await unlock(pilot, CUSTODIAN)
        await pilot.press("a")
        await pilot.pause(0.1)
        assert on_screen(app, "HomeScreen")


async def test_filter_by_an_action_s_name_and_read_its_detail(make_app: MakeApp) -> None:
    app = make_app(lang="zh_CN")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_audit(pilot, app)
        events = await filter_by_action(pilot, screen, "登记人员")  # person.enrol, by its name
        rows = [events.rows[i] for i in range(events.count)]
        assert rows and {r.action for r in rows} == {"person.enrol"}
        text = screen_text(app)
        assert "登记人员" in text and "person.enrol" in text  # the name, the code beside it
        assert '{"' not in text  # details a field per line, not a line of JSON


async def test_a_record_event_names_the_record_by_its_archive_number(
        make_app: MakeApp, archive_vault: tuple[Path, Any]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(150, 36)) as pilot:
        screen = await open_audit(pilot, app)
        events = await filter_by_action(pilot, screen, "record.create")
        row = events.rows[0]
        assert row.archive_no and row.object_text == f"record:{row.object_id} {row.archive_no}"
        await wait_for(pilot, lambda: row.archive_no in screen_text(app))


async def test_a_lowercase_word_finds_names_too_and_the_filter_survives_f2(
        make_app: MakeApp) -> None:
    app = make_app(lang="en")
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_audit(pilot, app)
        events = await filter_by_action(pilot, screen, "enrolled")  # "person enrolled"
        assert {events.rows[i].action for i in range(events.count)} == {"person.enrol"}
        screen.loaded = False
        await pilot.press("f2")
        await wait_for(pilot, lambda: screen.loaded)
        assert screen.query_one("#audit-action").value == "enrolled"
