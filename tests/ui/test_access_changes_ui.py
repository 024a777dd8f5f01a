"""Change control and the register's filters from the keyboard: propose a controlled change,
accept it by step-up, read the record's history; narrow the register by requester."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable, Input

from confterm.app import ConftermApp
from tests.ui.conftest import APPROVER, CUSTODIAN, screen_text, wait_for
from tests.ui.test_access_flow import (
    fill,
    ok,
    on,
    open_access,
    register_request,
    step_up_as,
    stocked,
    table_text,
)

MakeApp = Callable[..., ConftermApp]
__all__ = ["stocked"]  # the fixture, re-used


async def test_propose_accept_and_read_history(stocked: Path, make_app: MakeApp) -> None:
    app = make_app(path=stocked)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_access(pilot, CUSTODIAN)
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, "ChangeDialog"))
        app.screen.query_one("#change-archive", Input).value = "HX-2020-PZ-001"
        app.screen.query_one("#change-archive", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.record is not None)
        await fill(pilot, {"change-field": "level"})
        await wait_for(pilot, lambda: app.screen.query_one("#change-value", Input).value
                       == "internal")
        await fill(pilot, {"change-value": "secret", "change-reason": "含股东身份证复印件"})
        await ok(pilot)
        await wait_for(pilot, lambda: on(app, "AccessScreen"))

        await pilot.press("4")
        await wait_for(pilot, lambda: app.screen.view == "changes" and app.screen.loaded
                       and "Internal → Secret" in table_text(app))
        await pilot.press("d")
        await wait_for(pilot, lambda: on(app, "DecideChangeDialog"))
        await ok(pilot)
        await step_up_as(pilot, APPROVER)
        await wait_for(pilot, lambda: on(app, "AccessScreen") and table_text(app) == "")

        await pilot.press("y")
        await wait_for(pilot, lambda: on(app, "RecordHistoryScreen"))
        field = app.screen.query_one("#history-archive", Input)
        field.value = "HX-2020-PZ-001"
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one(DataTable).row_count >= 3)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        accepted = next(r for r in rows if r[2] == "Change accepted")
        assert accepted[1] == APPROVER.name
        assert "Classification level: Internal → Secret" in accepted[3]
        assert accepted[4] == "含股东身份证复印件"
        proposed = next(r for r in rows if r[2] == "Change proposed")
        assert proposed[1] == CUSTODIAN.name and proposed[5] == APPROVER.name
        await pilot.press("escape")
        await wait_for(pilot, lambda: on(app, "AccessScreen"))


async def test_the_register_filters_by_requester(stocked: Path, make_app: MakeApp) -> None:
    app = make_app(path=stocked)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_access(pilot, CUSTODIAN)
        await register_request(pilot, "consultation", "HX-2020-PZ-001")
        await pilot.press("n")
        await wait_for(pilot, lambda: on(app, "RegisterRequestDialog"))
        await fill(pilot, {"req-requester_name": "陈律师", "req-requester_org": "某律师事务所",
                           "req-id_doc_type": "passport", "req-id_doc_number": "E12345678",
                           "req-relation": "court", "req-purpose": "诉讼取证",
                           "req-legal_basis": "《民事诉讼法》第六十七条",
                           "req-records": "HX-2020-PZ-002"})
        await ok(pilot)
        await wait_for(pilot, lambda: on(app, "AccessScreen") and len(app.screen.rows) == 2)
        await pilot.press("slash")
        await pilot.press(*"律师事务所", "enter")
        await wait_for(pilot, lambda: app.screen.loaded and len(app.screen.rows) == 1)
        assert "陈律师" in table_text(app) and "刘芳" not in table_text(app)
        assert "E123*5678" in str(app.screen.query_one("#access-detail").render())


async def test_reveal_needs_an_approved_request_and_is_logged(stocked: Path,
                                                              make_app: MakeApp) -> None:
    app = make_app(path=stocked)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_access(pilot, CUSTODIAN)
        await register_request(pilot, "consultation", "HX-2020-PZ-001")
        await pilot.press("v")  # still pending: refused, nothing shown
        await wait_for(pilot, lambda: on(app, "RevealDialog"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "no records" in app.screen.message_text
                       or "no approved" in app.screen.message_text)
        assert "王大明" not in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: on(app, "AccessScreen"))
        await pilot.press("d")
        await wait_for(pilot, lambda: on(app, "DecideRequestDialog"))
        await ok(pilot)
        await step_up_as(pilot, APPROVER)
        await wait_for(pilot, lambda: on(app, "AccessScreen") and "Approved" in table_text(app))
        await pilot.press("v")
        await wait_for(pilot, lambda: on(app, "RevealDialog"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "王大明" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: on(app, "AccessScreen"))
        assert "王大明" not in screen_text(app)
        await pilot.press("2")
        await wait_for(pilot, lambda: app.screen.view == "events" and app.screen.loaded
                       and "Reveal personal information" in table_text(app))


async def test_records_from_a_saved_query(stocked: Path, make_app: MakeApp) -> None:
    from confterm.vault import lifecycle
    from confterm.vault.catalogue import holds
    from confterm.vault.catalogue.filters import Filters
    from confterm.vault.secrets import passphrase_bytes
    from tests.ui.conftest import ADMIN

    with lifecycle.open_vault(stocked, ADMIN.name, passphrase_bytes(ADMIN.passphrase)) as s:
        query_id = s.call(holds.save_query, "华信凭证", Filters(category="voucher"))
    app = make_app(path=stocked)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_access(pilot, CUSTODIAN)
        await pilot.press("n")
        await wait_for(pilot, lambda: on(app, "RegisterRequestDialog"))
        await fill(pilot, {"req-requester_name": "刘芳", "req-id_doc_number": "E12345678",
                           "req-id_doc_type": "passport", "req-purpose": "核对",
                           "req-legal_basis": "委托协议"})
        await wait_for(pilot, lambda: app.screen.loaded)
        app.screen.query_one("#req-query").value = query_id
        await ok(pilot)
        await wait_for(pilot, lambda: on(app, "AccessScreen") and app.screen.rows)
        assert app.screen.rows[0].records == 3
        assert app.session is not None
        assert (await app.session.acall(
            lambda ctx: ctx.conn.execute("SELECT source_query FROM access_requests")
            .fetchone()))[0] == "华信凭证"


async def test_records_are_picked_in_the_archive_browser(stocked: Path,
                                                         make_app: MakeApp) -> None:
    app = make_app(path=stocked)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_access(pilot, CUSTODIAN)
        await pilot.press("n")
        await wait_for(pilot, lambda: on(app, "RegisterRequestDialog"))
        await pilot.press("f3")
        await wait_for(pilot, lambda: on(app, "RecordPicker"))
        await pilot.press("enter")  # nothing marked: the highlighted record
        await wait_for(pilot, lambda: on(app, "RegisterRequestDialog"))
        picked = app.screen.query_one("#req-records", Input).value
        assert picked.startswith("HX-2020-PZ-00") and "," not in picked
