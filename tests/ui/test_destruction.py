"""The destruction area, keyboard only: from eligible records to a completed, verified
supervised destruction, with signatories and a witness stepping up, and a stray scan
flagged loudly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from confterm.app import ConftermApp
from confterm.dialogs.destruction import FieldsDialog
from confterm.dialogs.step_up import StepUpDialog
from confterm.vault import lifecycle
from confterm.vault.catalogue import clients, records
from confterm.vault.catalogue.clients import ClientInput
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.destruction import config
from confterm.vault.secrets import passphrase_bytes
from tests.ui.conftest import ADMIN, APPROVER, WITNESS, Who, screen_text, unlock, wait_for

MakeApp = Callable[..., ConftermApp]
NUMBERS = ("UI-XH-0001", "UI-XH-0002")


def _catalogue(vault: Path) -> list[int]:
    session = lifecycle.open_vault(vault, ADMIN.name, passphrase_bytes(ADMIN.passphrase))
    with session:
        cid = session.call(clients.create, ClientInput("界面测试有限公司", "91110000600037341L"))
        ids = [session.call(records.create, RecordInput(
            archive_no=n, title=f"记账凭证 {n}", client_id=cid, category="voucher",
            fiscal_year=1990)) for n in NUMBERS]
    return ids


async def _fill(pilot: Any, values: dict[str, str] | None = None) -> None:
    """Fill the open FieldsDialog and submit it with Enter in its last field."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, FieldsDialog))
    dialog = app.screen
    for name, value in (values or {}).items():
        dialog.query_one(f"#f-{name}").value = value
    fields = list(dialog.query("Input"))
    fields[-1].focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen is not dialog)


async def _step_up(pilot: Any, who: Who) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, StepUpDialog) and app.screen.loaded)
    dialog = app.screen
    people = dialog.query_one("#step-up-people")
    people.highlighted = dialog.people.index(who.name)
    field = dialog.query_one("#step-up-pass")
    field.value = who.passphrase
    field.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen is not dialog)


def _state(app: ConftermApp) -> list[str]:
    assert app.session is not None
    return app.session.call(lambda ctx: [r[0] for r in ctx.conn.execute(
        "SELECT state FROM records ORDER BY id")])


async def test_full_flow_from_eligibility_to_completion(make_app: MakeApp, vault: Path) -> None:
    _catalogue(vault)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await unlock(pilot, ADMIN)
        await pilot.press("x")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DestructionScreen"
                       and app.screen.loaded and len(app.screen.data.keys) == 2)
        screen: Any = app.screen
        assert "may be appraised" in screen_text(app)  # the highlighted record's reasons
        await pilot.press("ctrl+g")  # the administrator names the register's signatories
        await _fill(pilot, {"head_of_unit": APPROVER.name})
        assert app.session is not None
        assert app.session.call(lambda ctx: config.signatories(ctx.conn)) == [
            ("head_of_unit", APPROVER.name)]
        await pilot.press("space", "space", "n")  # mark both, start the appraisal
        await wait_for(pilot, lambda: screen.view == "appraisal" and len(screen.data.keys) == 2)
        await pilot.press("k", "down", "k")
        await wait_for(pilot, lambda: screen_text(app).count("Destroy") >= 2)
        await pilot.press("i")
        await _fill(pilot)
        await wait_for(pilot, lambda: "Issued" in screen_text(app))
        await pilot.press("c")
        await _fill(pilot)
        await wait_for(pilot, lambda: screen.view == "register" and screen.data.keys)
        await pilot.press("s")
        await _fill(pilot)
        await _step_up(pilot, APPROVER)
        await wait_for(pilot, lambda: "Signed" in screen_text(app) and screen.loaded)
        await pilot.press("o")
        await _fill(pilot, {"place": "档案室A"})
        await _step_up(pilot, WITNESS)
        await wait_for(pilot, lambda: screen.view == "session" and len(screen.data.keys) == 2)
        scan = screen.query_one("#d-scan")
        for text in (NUMBERS[0], "NOT-ON-REGISTER", NUMBERS[1]):
            scan.value = text
            scan.focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: scan.value == "" and screen.loaded)
            if text == "NOT-ON-REGISTER":
                await wait_for(pilot, lambda: "NOT on this register" in screen_text(app))
                assert screen.query_one("#d-flag").has_class("flagged")
        await wait_for(pilot, lambda: "checked 2/2" in screen_text(app))
        screen.query_one("#d-table").focus()
        await pilot.press("f")
        await _step_up(pilot, WITNESS)
        await wait_for(pilot, lambda: _state(app) == ["destroyed", "destroyed"])
        await wait_for(pilot, lambda: "Completed" in screen_text(app))
        await pilot.press("5")
        await wait_for(pilot, lambda: screen.view == "history" and len(screen.data.keys) == 3)
        await pilot.press("enter")  # the newest entry (the session) opens in its view
        await wait_for(pilot, lambda: screen.view == "session" and screen.loaded)
        await pilot.press("ctrl+s")  # its certificate, in Reports, ready to generate
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ReportsScreen"
                       and app.screen.loaded)
        assert app.screen.form.kind == "destruction-certificate"  # type: ignore[attr-defined]
