"""One client and one record by hand from the Archive area: a mistyped credit code is named
on its line and refused, a new record is found by the browser's search, an edited title
changes at once while a new level waits for an approver, and an edit based on a version
someone replaced meanwhile overwrites nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from confterm.app import ConftermApp
from confterm.vault import presence
from confterm.vault.access import changes
from confterm.vault.catalogue import clients
from confterm.vault.credit_code import compute_check_char
from confterm.vault.secrets import passphrase_bytes
from tests.ui.archive_seed import Seeded, archive_template, archive_vault, open_admin, query
from tests.ui.conftest import APPROVER, CUSTODIAN, on_screen, screen_text, unlock, wait_for
from tests.ui.test_archive_browser import open_archive, type_search, visible_rows

__all__ = ["archive_template", "archive_vault"]
MakeApp = Callable[..., ConftermApp]
NEW_CODE = "91310000MA1FL0000" + compute_check_char("91310000MA1FL0000")
WRONG_CHECK = NEW_CODE[:17] + ("0" if NEW_CODE[17] != "0" else "1")


async def form_open(pilot: Pilot[Any], name: str) -> Any:
    app: Any = pilot.app
    await wait_for(pilot, lambda: type(app.screen).__name__ == name)
    await pilot.pause()
    return app.screen


async def fill(pilot: Pilot[Any], form: Any, values: dict[str, Any]) -> None:
    for widget_id, value in values.items():
        widget = form.query_one(f"#{widget_id}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            widget.value = value
    await pilot.pause()


async def ok(pilot: Pilot[Any], form: Any) -> None:
    """Enter in the form's last input submits it (as a person finishing the form does)."""
    list(form.query(Input))[-1].focus()
    await pilot.pause()
    await pilot.press("enter")


def notices(app: Any) -> str:
    return "\n".join(n.message for n in app._notifications)


async def open_clients(pilot: Pilot[Any]) -> Any:
    app: Any = pilot.app
    await unlock(pilot, CUSTODIAN)
    await pilot.press("j")
    await wait_for(pilot, lambda: on_screen(app, "ArchiveScreen"))
    await pilot.press("2")
    await wait_for(pilot, lambda: on_screen(app, "ClientsScreen") and app.screen.clients.counted)
    return app.screen


async def test_a_mistyped_credit_code_is_named_and_refused_then_the_client_is_saved(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_clients(pilot)
        assert screen.clients.count == 3
        await pilot.press("n")
        form = await form_open(pilot, "ClientForm")
        await fill(pilot, form, {"cf-name": "上海浦江咨询有限公司",
                                 "cf-credit_code": WRONG_CHECK,
                                 "cf-deregistered_on": "2023-03-31",
                                 "cf-legal_representative": "周明",
                                 "cf-custody_agreement": "BG-2023-017"})
        line = str(form.query_one("#cf-code-check", Static).render())
        assert "Credit code" in line and "check character" in line  # said while typing
        await ok(pilot, form)
        await wait_for(pilot, lambda: "check character" in form.message_text)
        assert form.message_text.startswith("Credit code:") and app.screen is form
        await fill(pilot, form, {"cf-credit_code": NEW_CODE.lower()})
        assert "correct" in str(form.query_one("#cf-code-check", Static).render())
        await ok(pilot, form)
        await wait_for(pilot, lambda: screen.clients.count == 4 and app.screen is screen)
        assert "上海浦江咨询有限公司" in screen_text(app)
    saved = query(path, "SELECT name, deregistered_on, pi_legal_representative,"
                  " custody_agreement FROM clients WHERE credit_code = ?", (NEW_CODE,))
    assert saved == [("上海浦江咨询有限公司", "2023-03-31", "周明", "BG-2023-017")]
    created = query(path, "SELECT details FROM audit_events WHERE action = 'client.create'"
                          " ORDER BY seq DESC LIMIT 1")
    assert "周明" not in created[0][0]  # personal information is never copied to the trail


async def test_editing_a_client_keeps_masked_personal_information_unread_and_unchanged(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_clients(pilot)
        while screen.clients.current.name != "厦门鹭岛商贸有限公司":
            await pilot.press("down")
        await pilot.press("w")
        form = await form_open(pilot, "ClientForm")
        rep = form.query_one("#cf-legal_representative", Input)
        assert rep.value == "" and "陈**" in str(rep.placeholder)
        assert "陈大文" not in screen_text(app)
        await fill(pilot, form, {"cf-custody_agreement": "BG-2021-003 续签"})
        await ok(pilot, form)
        await wait_for(pilot, lambda: app.screen is screen)
    row = query(path, "SELECT custody_agreement, pi_legal_representative,"
                " pi_liquidation_contact FROM clients WHERE id = ?", (seeded.clients[0],))
    assert row == [("BG-2021-003 续签", "陈大文", "13812345678")]


async def test_a_new_record_is_catalogued_and_found_by_search(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_archive(pilot)
        await pilot.press("n")
        form = await form_open(pilot, "RecordForm")
        assert form.query_one(".dialog").max_scroll_y == 0  # the whole form fits 160×48
        await fill(pilot, form, {"rf-archive_no": "K2-2021-PZ-001",
                                 "rf-title": "2021年记账凭证 第1册",
                                 "rf-client_id": "91110000600037341L",
                                 "rf-category": "voucher", "rf-location_id": "BX0003",
                                 "rf-labels": "待核对"})
        await wait_for(pilot, lambda: "北京燕山贸易有限公司" in str(
            form.query_one("#rf-client-found", Static).render()))
        await ok(pilot, form)  # no fiscal year yet
        await wait_for(pilot, lambda: "fiscal year" in form.message_text.lower())
        await fill(pilot, form, {"rf-fiscal_year": "2021"})
        await ok(pilot, form)
        await wait_for(pilot, lambda: app.screen is screen)
        assert "K2-2021-PZ-001 catalogued" in notices(app)
        await type_search(pilot, screen, "K2-2021")
        rows = visible_rows(screen)
        assert [(r.archive_no, r.title) for r in rows] == [("K2-2021-PZ-001",
                                                            "2021年记账凭证 第1册")]
    stored = query(path, "SELECT r.client_id, r.location_id, r.level, l.name FROM records r"
                   " JOIN record_labels rl ON rl.record_id = r.id JOIN labels l"
                   " ON l.id = rl.label_id WHERE r.archive_no = 'K2-2021-PZ-001'")
    assert stored == [(seeded.clients[1], seeded.box3, "internal", "待核对")]


async def open_edit(pilot: Pilot[Any], size_ok: bool = True) -> tuple[Any, Any, Any]:
    screen = await open_archive(pilot)
    current = screen.browser.records.current
    await pilot.press("w")
    form = await form_open(pilot, "RecordForm")
    assert form.query_one("#rf-title", Input).value == current.title
    return screen, form, current


async def test_a_title_changes_at_once_and_a_new_level_waits_for_an_approver(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, form, record = await open_edit(pilot)
        old_level = record.level
        await fill(pilot, form, {"rf-title": "1995年记账凭证 第1册（修订）",
                                 "rf-level": "secret", "rf-reason": "题名笔误；含涉诉材料"})
        await ok(pilot, form)
        await wait_for(pilot, lambda: app.screen is screen)
        said = notices(app)
        assert "Changed now: Title" in said and "Classification level" in said
        change = int(said.split("change no. ")[1].split(" ")[0])
        await wait_for(pilot, lambda: screen.browser.records.current is not None
                       and screen.browser.records.current.title.endswith("（修订）"))
        assert screen.browser.records.current.level == old_level
    title, level = query(path, "SELECT title, level FROM records WHERE id = ?",
                         (record.id,))[0]
    assert title.endswith("（修订）") and level == old_level  # not before acceptance
    pending = query(path, "SELECT fields, status FROM record_changes WHERE id = ?", (change,))
    assert json.loads(pending[0][0])["level"]["after"] == "secret" and pending[0][1] == "pending"
    with open_admin(path) as session:
        signer = presence.verify(session, APPROVER.name,
                                 passphrase_bytes(APPROVER.passphrase), "approver", None)
        session.call(changes.decide, change, True, signer)
        assert session.call(lambda ctx: ctx.conn.execute(
            "SELECT level FROM records WHERE id = ?", (record.id,)).fetchone()[0]) == "secret"


async def test_an_edit_of_a_record_changed_meanwhile_overwrites_nothing(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        _screen, form, record = await open_edit(pilot)
        dialog = form.query_one(".dialog")
        assert dialog.max_scroll_y > 0  # taller than 30 lines: the dialog scrolls
        session: Any = app.session
        await session.acall(changes.edit_record, record.id, form.record.version,
                            {"title": "他人先改的题名"}, "另一位保管员更正")
        await fill(pilot, form, {"rf-title": "我的题名", "rf-reason": "更正"})
        await ok(pilot, form)
        await wait_for(pilot, lambda: "changed by someone else" in form.message_text)
        assert app.screen is form and "changed by someone else" in screen_text(app)
    assert query(path, "SELECT title FROM records WHERE id = ?",
                 (record.id,)) == [("他人先改的题名",)]


async def test_a_client_edit_based_on_an_old_version_overwrites_nothing(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_clients(pilot)
        await pilot.press("w")
        form = await form_open(pilot, "ClientForm")
        session: Any = app.session
        await session.acall(clients.update, form.client.id, form.client.version,
                            {"custody_agreement": "他人先改"})
        await fill(pilot, form, {"cf-custody_agreement": "我的修改"})
        await ok(pilot, form)
        await wait_for(pilot, lambda: "changed by someone else" in form.message_text)
        assert app.screen is form
    assert query(path, "SELECT custody_agreement FROM clients WHERE id = ?",
                 (form.client.id,)) == [("他人先改",)]
    assert form.client.id in seeded.clients
