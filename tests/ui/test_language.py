"""Language: F2 switches every visible string; the choice is kept per person."""

from __future__ import annotations

from collections.abc import Callable

from confterm.app import ConftermApp
from confterm.i18n import language
from confterm.vault import people
from tests.ui.conftest import ADMIN, AUDITOR, on_screen, screen_text, unlock, wait_for

MakeApp = Callable[..., ConftermApp]


async def test_switching_language_changes_the_visible_strings(make_app: MakeApp) -> None:
    app = make_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        before = screen_text(app)
        assert "Audit events" in before and "Lock" in before and "审计事件" not in before
        await pilot.press("f2")
        await wait_for(pilot, lambda: "审计事件" in screen_text(app) and app.screen.loaded)
        after = screen_text(app)
        assert "Audit events" not in after and "锁定" in after and "保险库" in after
        assert "Lock " not in after
        assert ADMIN.name in after  # data stays the same, only the words change
        assert language() == "zh_CN"
        assert app.session is not None
        stored = await app.session.acall(lambda ctx: people.get(ctx.conn, ADMIN.name))
        assert stored is not None and stored.lang == "zh_CN"


async def test_switching_on_the_unlock_screen(make_app: MakeApp) -> None:
    app = make_app(lang="zh_CN")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, "UnlockScreen"))
        assert "口令" in screen_text(app)
        await pilot.press("f2")
        await wait_for(pilot, lambda: "Passphrase" in screen_text(app))
        assert "口令" not in screen_text(app)


async def test_a_person_s_stored_language_applies_at_unlock(make_app: MakeApp) -> None:
    first = make_app(lang="en")
    async with first.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, AUDITOR)
        await pilot.press("f2")  # the auditor now prefers Chinese
        await wait_for(pilot, lambda: "审计事件" in screen_text(first))
    second = make_app(lang=None)  # no --lang: the person's setting decides after unlock
    async with second.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, AUDITOR)
        assert "审计事件" in screen_text(second)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: on_screen(second, "LockScreen"))
        await unlock_as_admin_after_lock(pilot, second)


async def unlock_as_admin_after_lock(pilot: object, app: ConftermApp) -> None:
    """Another person without a stored language keeps the language on screen."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("enter")
    await unlock(pilot, ADMIN)
    assert "审计事件" in screen_text(app)
