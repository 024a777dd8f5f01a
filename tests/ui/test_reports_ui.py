"""The Reports area, keyboard first: choose a report, give a purpose, generate it (the
progress bar moves, the screen stays usable), save it through the dialog, then find it
again by its short code and see that it still verifies and extends its checkpoint."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from confterm.app import ConftermApp
from confterm.dialogs.report_deliver import PrintDialog, SaveDialog
from confterm.vault.reporting import produce
from tests.ui.conftest import ADMIN, AUDITOR, CUSTODIAN, screen_text, unlock, wait_for

MakeApp = Callable[..., ConftermApp]


async def _open_reports(pilot: Any) -> Any:
    app = pilot.app
    await pilot.press("f6")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ReportsScreen"
                   and app.screen.loaded)
    return app.screen


async def _choose(pilot: Any, screen: Any, kind: str, purpose: str) -> None:
    listing = screen.query_one("#rp-kinds")
    listing.highlighted = screen.kinds.index(kind)
    await pilot.pause()
    screen.query_one("#rp-purpose").value = purpose


async def test_generate_save_and_verify_by_code(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, ADMIN)
        screen = await _open_reports(pilot)
        await _choose(pilot, screen, "access-register", "年度检查")
        assert screen.query_one("#rp-from").display and not screen.query_one("#rp-by").display
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.made is not None, timeout=30)
        facts = screen_text(app)
        assert screen.made.issued.short_code in facts and "pages" in facts
        assert screen.query_one("#rp-progress").progress == 3
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveDialog))
        dialog: Any = app.screen
        target = tmp_path / "register.pdf"
        dialog.query_one("#rd-path").value = str(target)
        dialog.query_one("#rd-purpose").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen and target.exists())
        code = screen.made.issued.short_code
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VerifyCodeScreen"
                       and app.screen.loaded)
        verify: Any = app.screen
        typo = code[:-3] + ("0" if code[-3] != "0" else "1") + code[-2:]
        verify.query_one("#rv-code").value = typo
        await pilot.press("enter")
        await wait_for(pilot, lambda: "mistyped" in screen_text(app))
        verify.query_one("#rv-code").value = code.lower()
        await pilot.press("enter")
        await wait_for(pilot, lambda: verify.found is not None)
        text = screen_text(app)
        assert "still verifies" in text and "still extends" in text and "年度检查" in text
        assert app.session is not None
        saved = app.session.call(lambda ctx: [json.loads(r[0]) for r in ctx.conn.execute(
            "SELECT details FROM audit_events WHERE action = 'report.save'")])
        assert saved == [{"short_code": code, "target": str(target), "purpose": "年度检查"}]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_kinds_follow_roles(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, CUSTODIAN)
        screen = await _open_reports(pilot)
        assert "audit-extract" not in screen.kinds and "recovery-sheet" not in screen.kinds
        assert "inventory" in screen.kinds
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, AUDITOR)
        screen = await _open_reports(pilot)
        assert "audit-extract" in screen.kinds and "recovery-sheet" not in screen.kinds


async def test_a_missing_purpose_is_said_not_generated(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, ADMIN)
        screen = await _open_reports(pilot)
        await _choose(pilot, screen, "inventory", "")
        await pilot.press("ctrl+g")
        facts = screen.query_one("#rp-facts")
        await wait_for(pilot, lambda: "what the report is for" in str(facts.render()))
        assert screen.made is None


async def test_the_screen_stays_usable_and_locks_during_a_slow_layout(
        make_app: MakeApp, monkeypatch: Any) -> None:
    import threading

    gate = threading.Event()
    real = produce.render

    def slow(prepared: produce.Prepared) -> Any:
        gate.wait(10)  # a layout that takes as long as the test wants
        return real(prepared)

    monkeypatch.setattr(produce, "render", slow)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, ADMIN)
        screen = await _open_reports(pilot)
        await _choose(pilot, screen, "inventory", "盘点")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: "Laying out" in screen_text(app))
        await pilot.press("down")  # the kind list still answers
        await pilot.pause()
        await pilot.press("ctrl+l")  # and the lock is immediate
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LockScreen")
        assert app.session is None
        gate.set()


async def test_print_dialog_says_when_cups_cannot_print(make_app: MakeApp,
                                                        monkeypatch: Any) -> None:
    monkeypatch.setenv("CUPS_SERVER", "127.0.0.1:9")  # no scheduler there
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, ADMIN)
        screen = await _open_reports(pilot)
        await _choose(pilot, screen, "inventory", "盘点")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.made is not None, timeout=30)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, PrintDialog) and app.screen.loaded)
        assert "not running" in screen_text(app) or "CUPS" in screen_text(app)


async def test_a_co_signer_steps_up_and_signs_the_manifest(make_app: MakeApp) -> None:
    from confterm.dialogs.step_up import StepUpDialog
    from confterm.reports.verify import verify_pdf
    from confterm.vault.reporting import pki_store
    from tests.ui.conftest import APPROVER

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, ADMIN)
        screen = await _open_reports(pilot)
        await _choose(pilot, screen, "inventory", "移交")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, StepUpDialog) and app.screen.loaded)
        dialog: Any = app.screen
        dialog.query_one("#step-up-people").highlighted = dialog.people.index(APPROVER.name)
        field = dialog.query_one("#step-up-pass")
        field.value = APPROVER.passphrase
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen and len(screen.cosigners) == 1)
        presence = screen.cosigners[0]
        assert APPROVER.name in screen_text(app)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.made is not None, timeout=30)
        assert not presence.active  # the key is wiped once it has signed
        assert app.session is not None
        ca = app.session.call(pki_store.ca_certificate)
        # pyHanko runs its own event loop: never validate on the UI's loop (see report)
        result = await asyncio.to_thread(verify_pdf, screen.made.produced.pdf, ca)
        assert result.valid, result.messages()
        assert [(s.name, s.signature_ok) for s in result.signers] == [
            (ADMIN.name, True), (APPROVER.name, True)]


async def test_recovery_sheet_needs_a_key_that_checks_out(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, ADMIN)
        screen = await _open_reports(pilot)
        await _choose(pilot, screen, "recovery-sheet", "补打")
        field = screen.query_one("#rp-recovery")
        assert field.display and field.password
        facts = screen.query_one("#rp-facts")
        field.value = "ABCD"
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: "malformed" in str(facts.render()))
        assert field.value == ""  # taken out of the field at once
        from confterm.vault import keys

        field.value = keys.new_recovery_key().decode()  # well formed, not this vault's
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: "Wrong recovery key" in str(facts.render()), timeout=20)
        assert screen.made is None
