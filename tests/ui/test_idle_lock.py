"""Idle lock: fires on every screen, through dialogs and running work, and leaves nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from confterm.app import ConftermApp
from confterm.dialogs.step_up import StepUpDialog
from confterm.idle import FakeClock
from confterm.vault import people
from tests.ui.conftest import (
    ADMIN,
    AUDITOR,
    EVERYONE,
    VAULT_NAME,
    on_screen,
    screen_text,
    type_unlock,
    unlock,
    wait_for,
)

MakeApp = Callable[..., ConftermApp]


def assert_locked(app: ConftermApp) -> None:
    """Session closed, keys wiped, only the lock screen left, nothing of the vault shown."""
    assert app.session is None
    assert type(app.screen).__name__ == "LockScreen"
    assert "vault" not in app._screen_stacks
    every_screen = [s for stack in app._screen_stacks.values() for s in stack]
    assert [type(s).__name__ for s in every_screen] == ["LockScreen"]
    text = screen_text(app)
    assert "Locked" in text
    for secret_text in [VAULT_NAME, "Audit", "CP-", *(p.name for p in EVERYONE),
                        *(t for p in EVERYONE for t in p.roles.split(","))]:
        assert secret_text.lower() not in text.lower(), secret_text
    assert not app._notifications  # no toast (they can name people) survives the lock


async def lock_by_idling(pilot: Pilot[Any], clock: FakeClock, seconds: float = 301) -> None:
    clock.advance(seconds)
    await wait_for(pilot, lambda: pilot.app.session is None, timeout=5)
    await wait_for(pilot, lambda: on_screen(pilot.app, "LockScreen"))  # type: ignore[arg-type]


@pytest.mark.parametrize("area", ["home", "people", "audit"])
async def test_idle_lock_fires_on_every_screen(make_app: MakeApp, clock: FakeClock,
                                               area: str) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        session = app.session
        await app.run_action(f"open_area('{area}')")
        await wait_for(pilot, lambda: app.screen.loaded and
                       getattr(app.screen, "SCREEN_ID", "") == area)
        app.notify("李建国 did something")  # a toast naming a person must go too
        await lock_by_idling(pilot, clock)
        assert session is not None and session.closed
        assert not any(session._dek) and not any(session._seed)
        assert_locked(app)


@pytest.mark.parametrize("dialog", ["step_up", "help", "palette", "enrol"])
async def test_idle_lock_removes_an_open_dialog(make_app: MakeApp, clock: FakeClock,
                                                dialog: str) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        if dialog == "step_up":
            app.push_screen(StepUpDialog("witness", "Witness the destruction", "destruction"))
        elif dialog == "help":
            await pilot.press("f1")
        elif dialog == "palette":
            await pilot.press("ctrl+p")
        else:
            await app.run_action("open_area('people')")
            await wait_for(pilot, lambda: on_screen(app, "PeopleScreen"))
            await pilot.press("e")
        await wait_for(pilot, lambda: len(app.screen_stack) >= 2)
        await pilot.pause(0.1)
        await lock_by_idling(pilot, clock)
        assert_locked(app)


async def test_idle_lock_while_a_worker_runs(make_app: MakeApp, clock: FakeClock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        assert app.session is not None
        finished: list[str] = []

        def slow_query(ctx: Any) -> list[str]:
            deadline = time.monotonic() + 1.5
            while time.monotonic() < deadline:  # a long read, interrupted by the lock
                ctx.conn.execute("SELECT count(*) FROM audit_events").fetchone()
            return [p.name for p in people.list_people(ctx.conn)]

        async def work() -> None:
            names = await app.session.acall(slow_query)  # type: ignore[union-attr]
            finished.extend(names)
            home.query_one("#home-attention").update(" ".join(names))

        home: Any = app.screen
        worker = home.run_worker(work(), exit_on_error=False)
        await pilot.pause(0.2)
        assert worker.is_running
        await lock_by_idling(pilot, clock)
        assert_locked(app)
        await pilot.pause(2)  # the database thread has long finished by now
        assert finished == []
        assert worker.is_cancelled or worker.is_finished
        assert_locked(app)


async def test_activity_postpones_the_lock(make_app: MakeApp, clock: FakeClock) -> None:
    """Key, mouse and paste each restart the idle time: 3 × 200 s pass, yet no lock."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        for event in ("key", "mouse", "paste"):
            clock.advance(200)
            if event == "key":
                await pilot.press("down")
            elif event == "mouse":  # as the driver delivers it (Pilot.hover bypasses App)
                app.post_message(events.MouseMove(None, 20, 12, 1, 0, 0, False, False, False,
                                                  20, 12))
            else:
                app.post_message(events.Paste("pasted"))
            await pilot.pause(0.2)
            assert app.session is not None, event
            assert app.idle.idle_for() == 0, event
        clock.advance(299)
        await pilot.pause(0.2)
        assert app.session is not None
        await lock_by_idling(pilot, clock, 2)
        assert_locked(app)


async def test_ctrl_l_locks_at_once_even_in_a_text_field(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        await app.run_action("open_area('audit')")
        await wait_for(pilot, lambda: on_screen(app, "AuditScreen"))
        app.screen.query_one("#audit-actor").focus()
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: on_screen(app, "LockScreen"))
        assert_locked(app)


async def test_command_line_timeout_overrides_the_vault_setting(make_app: MakeApp,
                                                                clock: FakeClock) -> None:
    app = make_app(idle_timeout=60)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        assert app.idle.timeout == 60
        clock.advance(61)
        await wait_for(pilot, lambda: on_screen(app, "LockScreen"))
        assert_locked(app)


async def test_unlocking_again_starts_at_home_as_the_new_person(make_app: MakeApp,
                                                                clock: FakeClock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        await app.run_action("open_area('people')")
        await wait_for(pilot, lambda: on_screen(app, "PeopleScreen"))
        await lock_by_idling(pilot, clock)
        await pilot.press("enter")  # the lock screen says: press Enter to unlock
        await type_unlock(pilot, AUDITOR)
        await wait_for(pilot, lambda: on_screen(app, "HomeScreen"))
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen"]
        assert app.session is not None and app.session.person.name == AUDITOR.name
        assert ADMIN.name not in screen_text(app)


async def test_nothing_locks_while_locked(make_app: MakeApp, clock: FakeClock) -> None:
    """Idle time on the unlock screen does nothing (there is nothing to lock)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, "UnlockScreen"))
        clock.advance(10_000)
        await pilot.pause(0.2)
        assert on_screen(app, "UnlockScreen")
        await unlock(pilot, ADMIN)  # and the clock starts afresh at unlock
        await pilot.pause(0.2)
        assert app.session is not None
        await asyncio.sleep(0)


async def test_ctrl_l_locks_from_inside_a_dialog(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        await pilot.press("c")  # change own passphrase: a dialog with a focused text field
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OwnPassphraseDialog")
        await pilot.press(*"half typed")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: on_screen(app, "LockScreen"))
        assert_locked(app)
