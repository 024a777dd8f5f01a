"""The Access area, driven by keys: register → decide (step-up) → lend → take back, and
separation of duties that the screen cannot get round."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from confterm.app import ConftermApp
from confterm.vault import lifecycle
from confterm.vault.access import register
from confterm.vault.catalogue import clients, records
from confterm.vault.catalogue.clients import ClientInput
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import Ctx
from tests.ui.conftest import ADMIN, APPROVER, CUSTODIAN, Who, screen_text, unlock, wait_for

MakeApp = Callable[..., ConftermApp]


def _catalogue(ctx: Ctx) -> None:
    client = clients.create(ctx, ClientInput("华信商贸有限公司", "91350100M000100Y43",
                                             date(2024, 1, 15), legal_representative="王大明"))
    for i in range(3):
        records.create(ctx, RecordInput(f"HX-2020-PZ-{i + 1:03d}", f"2020年记账凭证 第{i + 1}册",
                                        client, "voucher", 2020, books=2, personal_info=True))


@pytest.fixture
def stocked(vault: Path) -> Path:
    with lifecycle.open_vault(vault, ADMIN.name, passphrase_bytes(ADMIN.passphrase)) as s:
        s.call(_catalogue)
    return vault


def on(app: ConftermApp, name: str) -> bool:
    return type(app.screen).__name__ == name and bool(getattr(app.screen, "loaded", False))


async def open_access(pilot: Pilot[Any], who: Who) -> ConftermApp:
    app: Any = pilot.app
    await unlock(pilot, who)
    await pilot.press("g")
    await wait_for(pilot, lambda: on(app, "AccessScreen"))
    return app


async def fill(pilot: Pilot[Any], values: dict[str, str]) -> None:
    screen = pilot.app.screen
    for widget_id, value in values.items():
        widget = screen.query_one(f"#{widget_id}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.pause()


async def ok(pilot: Pilot[Any]) -> None:
    """Enter in the form's last field submits it (a click could land on a toast)."""
    last = list(pilot.app.screen.query(Input))[-1]
    last.focus()
    await pilot.pause()
    await pilot.press("enter")


async def register_request(pilot: Pilot[Any], kind: str, numbers: str) -> None:
    app: Any = pilot.app
    await pilot.press("n")
    await wait_for(pilot, lambda: on(app, "RegisterRequestDialog"))
    await fill(pilot, {"req-kind": kind, "req-requester_name": "刘芳",
                       "req-requester_org": "原股东", "req-id_doc_number": "11010519491231002X",
                       "req-relation": "shareholder", "req-purpose": "核对股东借款",
                       "req-legal_basis": "《会计档案管理办法》第十三条",
                       "req-records": numbers})
    await ok(pilot)
    await wait_for(pilot, lambda: on(app, "AccessScreen") and app.screen.rows)


async def step_up_as(pilot: Pilot[Any], who: Who) -> None:
    app: Any = pilot.app
    await wait_for(pilot, lambda: on(app, "StepUpDialog"))
    dialog = app.screen
    dialog.query_one("#step-up-people").highlighted = dialog.people.index(who.name)
    field = dialog.query_one("#step-up-pass")
    field.focus()
    await pilot.press(*who.passphrase, "enter")


def table_text(app: Any) -> str:
    table = app.screen.query_one("#access-table", DataTable)
    return "\n".join(" ".join(str(c) for c in table.get_row_at(i))
                     for i in range(table.row_count))


async def test_request_decide_lend_return(stocked: Path, make_app: MakeApp) -> None:
    app = make_app(path=stocked)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_access(pilot, CUSTODIAN)
        await register_request(pilot, "loan", "HX-2020-PZ-001, HX-2020-PZ-002")
        assert "Pending" in table_text(app) and "1101**********002X" in screen_text(app)
        assert "11010519491231002X" not in screen_text(app)

        await pilot.press("d")
        await wait_for(pilot, lambda: on(app, "DecideRequestDialog"))
        await ok(pilot)
        await step_up_as(pilot, APPROVER)
        await wait_for(pilot, lambda: on(app, "AccessScreen") and "Approved" in table_text(app))
        assert "signature valid" in screen_text(app)

        await pilot.press("l")
        await wait_for(pilot, lambda: on(app, "LendDialog"))
        await fill(pilot, {"lend-books": "2"})
        await ok(pilot)
        await wait_for(pilot, lambda: on(app, "AccessScreen") and app.screen.detail
                       and app.screen.detail.open_loans)

        await pilot.press("3")  # loans out
        await wait_for(pilot, lambda: app.screen.view == "loans" and app.screen.loaded
                       and "HX-2020-PZ-001" in table_text(app))
        await pilot.press("b")
        await wait_for(pilot, lambda: on(app, "ReturnDialog"))
        await fill(pilot, {"return-books": "1"})
        await ok(pilot)  # one book short and no note: refused, the loan stays out
        await wait_for(pilot, lambda: "incomplete" in app.screen.message_text
                       and not app.screen.busy)
        await fill(pilot, {"return-books": "2"})
        await ok(pilot)
        await wait_for(pilot, lambda: on(app, "AccessScreen"))
        await wait_for(pilot, lambda: app.screen.loaded and table_text(app) == "")

        await pilot.press("2")  # the register
        await wait_for(pilot, lambda: app.screen.view == "events" and app.screen.loaded)
        text = table_text(app)
        assert "Lent out" in text and "Returned" in text
        assert app.session is not None
        assert await app.session.acall(register.overdue_loans) == []


async def test_the_registrant_is_never_offered_and_is_refused_if_chosen(stocked: Path,
                                                                       make_app: MakeApp
                                                                       ) -> None:
    app = make_app(path=stocked)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_access(pilot, ADMIN)  # holds custodian and approver
        await register_request(pilot, "consultation", "HX-2020-PZ-003")
        await pilot.press("d")
        await wait_for(pilot, lambda: on(app, "DecideRequestDialog"))
        await ok(pilot)
        await wait_for(pilot, lambda: on(app, "StepUpDialog"))
        assert app.screen.people == [APPROVER.name]  # the registrant is not offered
        await pilot.press("escape")
        await wait_for(pilot, lambda: on(app, "DecideRequestDialog"))
        await pilot.press("escape")
        await pilot.press("ctrl+l")  # lock; the custodian unlocks and picks the registrant
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LockScreen")
        await pilot.press("enter")
        await open_access(pilot, CUSTODIAN)
        await pilot.press("d")
        await wait_for(pilot, lambda: on(app, "DecideRequestDialog"))
        await ok(pilot)
        await step_up_as(pilot, ADMIN)
        await wait_for(pilot, lambda: on(app, "DecideRequestDialog")
                       and "registered this request" in app.screen.message_text)
        assert app.session is not None
        rows = await app.session.acall(register.list_requests)
        assert [r.status for r in rows] == ["pending"]


async def test_the_footer_fits_with_the_global_keys_at_160_columns(make_app: MakeApp) -> None:
    """An area with many keys shows short labels in its footer, so Help, Commands and Lock
    stay visible; help and the palette keep the full labels."""
    app = make_app(lang="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await open_access(pilot, CUSTODIAN)
        footer = screen_text(app).splitlines()[-1]
        assert "n Register" in footer and "f1 Help" in footer and "^l Lock" in footer
        assert "Register request" not in footer
