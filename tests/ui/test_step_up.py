"""Step-up presence: only eligible people, never the unlocked one for a separate duty."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from confterm.app import ConftermApp
from confterm.dialogs.step_up import StepUpDialog
from confterm.errors import AuthError, PermissionDenied
from confterm.vault import keys, presence
from confterm.vault.secrets import passphrase_bytes
from tests.ui.conftest import ADMIN, APPROVER, WITNESS, screen_text, unlock, wait_for

MakeApp = Callable[..., ConftermApp]


async def open_step_up(app: ConftermApp, pilot: Any, role: str, duty: str | None
                       ) -> tuple[StepUpDialog, list[Any]]:
    results: list[Any] = []
    dialog = StepUpDialog(role, "Witness destruction session D-2026-001", duty)
    app.push_screen(dialog, results.append)
    await wait_for(pilot, lambda: dialog.loaded)
    return dialog, results


async def test_the_unlocked_person_is_not_offered_for_a_separate_duty(make_app: MakeApp
                                                                      ) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)  # the administrator also holds the witness role
        dialog, _ = await open_step_up(app, pilot, "witness", "destruction")
        assert dialog.people == [WITNESS.name]
        assert ADMIN.name not in screen_text(app).split("Witness destruction")[1]
        await pilot.press("escape")
        dialog, _ = await open_step_up(app, pilot, "witness", None)  # not a separate duty
        assert dialog.people == [ADMIN.name, WITNESS.name]


async def test_the_vault_refuses_the_unlocked_person_even_if_asked_directly(
        make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        assert app.session is not None
        with pytest.raises(PermissionDenied) as refused:
            presence.verify(app.session, ADMIN.name, passphrase_bytes(ADMIN.passphrase),
                            "witness", "destruction")
        assert "cannot witness it" in refused.value.message()
        with pytest.raises(PermissionDenied):  # an approver is no witness
            presence.verify(app.session, APPROVER.name, passphrase_bytes(APPROVER.passphrase),
                            "witness", None)


async def test_a_verified_presence_signs_as_that_person_until_disposed(make_app: MakeApp
                                                                       ) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        dialog, results = await open_step_up(app, pilot, "witness", "destruction")
        field = dialog.query_one("#step-up-pass")
        field.value = WITNESS.passphrase
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: results)
        verified = results[0]
        assert isinstance(verified, presence.Presence) and verified.name == WITNESS.name
        message = b"destruction session D-2026-001, 12 items"
        signature = verified.sign(message)
        assert keys.verify_signature(verified.public_key, signature, message)
        verified.dispose()
        with pytest.raises(Exception, match="presence"):
            verified.sign(message)


async def test_a_wrong_passphrase_is_refused_in_the_dialog(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        dialog, results = await open_step_up(app, pilot, "witness", "destruction")
        dialog.query_one("#step-up-pass").value = "not it"
        dialog.query_one("#step-up-pass").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not dialog.busy and "Wrong" in screen_text(app))
        assert "Wrong passphrase for 陈静." in screen_text(app)
        assert results == [] and app.screen is dialog
        with pytest.raises(AuthError):
            presence.verify(app.session, "无名氏", bytearray(b"x"), "witness", None)  # type: ignore[arg-type]


async def test_a_presence_verified_after_the_lock_is_wiped_not_returned(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[presence.Presence] = []
    locked = threading.Event()
    real = presence.verify

    def verify_then_wait(*args: Any) -> presence.Presence:
        verified = real(*args)
        made.append(verified)
        locked.wait(5)  # the lock comes while the thread still holds the result
        return verified

    monkeypatch.setattr(presence, "verify", verify_then_wait)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, ADMIN)
        dialog, results = await open_step_up(app, pilot, "witness", "destruction")
        dialog.query_one("#step-up-pass").value = WITNESS.passphrase
        dialog.start_submit()
        await wait_for(pilot, lambda: made, timeout=5)
        assert made[0].active
        app.lock()
        locked.set()
        await wait_for(pilot, lambda: not made[0].active, timeout=5)
        assert results == []  # nobody received it; its signing seed is wiped
