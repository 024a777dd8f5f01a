"""Rules and levels (F9): an administrator changes a period and sees how many records moved;
refusals stay on the dialog's message line; a custodian reads without the keys to change."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from confterm.app import ConftermApp
from confterm.dialogs.level_edit import ReviewDaysDialog
from confterm.vault import audit_query, lifecycle
from confterm.vault.audit_query import AuditFilter
from confterm.vault.catalogue import classify, clients, records
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.secrets import passphrase_bytes
from tests.ui.conftest import (
    ADMIN,
    AUDITOR,
    CUSTODIAN,
    Who,
    on_screen,
    screen_text,
    unlock,
    wait_for,
)

MakeApp = Callable[..., ConftermApp]


@pytest.fixture
def voucher(vault: Path) -> Path:
    """One voucher of fiscal 2023 in the vault: kept until 2054-01-01 under the 30-year rule."""
    with lifecycle.open_vault(vault, ADMIN.name, passphrase_bytes(ADMIN.passphrase)) as s:
        client = s.call(clients.create, clients.ClientInput("厦门鹭岛商贸有限公司",
                                                            "91350100M000100Y43"))
        s.call(records.create, RecordInput("KJ-2023-0001", "2023年记账凭证", client,
                                           "voucher", 2023))
    return vault


async def open_rules(pilot: Any, app: ConftermApp, who: Who = ADMIN) -> Any:
    await unlock(pilot, who)
    await pilot.press("f9")
    await wait_for(pilot, lambda: on_screen(app, "CatalogueRulesScreen"))
    return app.screen


async def open_dialog(pilot: Any, app: ConftermApp, key: str, name: str) -> Any:
    await pilot.press(key)
    await wait_for(pilot, lambda: type(app.screen).__name__ == name)
    return app.screen


async def submit(pilot: Any, dialog: Any, last_input: str) -> None:
    dialog.query_one(last_input).focus()
    await pilot.press("enter")


async def query(app: ConftermApp, fn: Callable[[Any], Any]) -> Any:
    assert app.session is not None
    return await app.session.acall(fn)


def result_line(app: ConftermApp) -> str:
    return str(app.screen.query_one("#rules-result").render())


def end_of_voucher(ctx: Any) -> str:
    return str(ctx.conn.execute("SELECT retention_end FROM records"
                                " WHERE archive_no = 'KJ-2023-0001'").fetchone()[0])


async def test_voucher_rule_to_40_years_moves_the_record_and_says_so(
        make_app: MakeApp, voucher: Path) -> None:
    app = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await open_rules(pilot, app)
        assert "voucher" in screen_text(app) and "30 years" in screen_text(app)
        assert await query(app, end_of_voucher) == "2054-01-01"
        dialog = await open_dialog(pilot, app, "e", "RuleDialog")  # the first row: voucher
        await wait_for(pilot, lambda: "has 1 records" in screen_text(app))
        dialog.query_one("#rule-years").value = "40"
        await submit(pilot, dialog, "#rule-aliases")
        await wait_for(pilot, lambda: on_screen(app, "CatalogueRulesScreen")
                       and "retention end moved: 1." in result_line(app))
        await wait_for(pilot, lambda: "40 years" in screen_text(app))
        assert await query(app, end_of_voucher) == "2064-01-01"
        [event] = await query(app, lambda ctx: audit_query.page(
            ctx.conn, AuditFilter(action="rule.update"), None, 5))
        assert event.actor == ADMIN.name
        assert json.loads(event.details)["changes"] == {"years": {"before": 30, "after": 40}}
        assert screen is app.screen


async def test_refusals_stay_on_the_dialog(make_app: MakeApp, voucher: Path) -> None:
    app = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await open_rules(pilot, app)
        dialog = await open_dialog(pilot, app, "e", "RuleDialog")
        dialog.query_one("#rule-years").value = "400"
        await submit(pilot, dialog, "#rule-aliases")
        await wait_for(pilot, lambda: "1 to 200" in dialog.message_text)
        dialog.query_one("#rule-years").value = "30"
        await submit(pilot, dialog, "#rule-aliases")
        await wait_for(pilot, lambda: "Nothing was changed" in dialog.message_text)
        await pilot.press("escape")
        dialog = await open_dialog(pilot, app, "n", "RuleDialog")
        dialog.query_one("#rule-category").value = "voucher"
        dialog.query_one("#rule-years").value = "5"
        for name, text in (("name_zh", "凭证"), ("name_en", "V"), ("basis_zh", "依据"),
                           ("basis_en", "basis")):
            dialog.query_one(f"#rule-{name}").value = text
        await submit(pilot, dialog, "#rule-aliases")
        await wait_for(pilot, lambda: "already exists" in dialog.message_text)
        await pilot.press("escape")
        await pilot.press("tab", "down", "down", "down")  # levels table: secret
        dialog = await open_dialog(pilot, app, "l", "LevelDialog")
        dialog.query_one("#level-rank").value = "30"
        await submit(pilot, dialog, "#level-name-en")
        await wait_for(pilot, lambda: "already has rank 30" in dialog.message_text)
        assert app.screen is dialog
        assert await query(app, end_of_voucher) == "2054-01-01"


async def test_add_a_level_and_set_the_review_period(make_app: MakeApp, vault: Path) -> None:
    app = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await open_rules(pilot, app)
        dialog = await open_dialog(pilot, app, "i", "LevelDialog")
        assert dialog.query_one("#level-rank").value == "50"  # after secret (40)
        dialog.query_one("#level-code").value = "top_secret"
        dialog.query_one("#level-name-zh").value = "绝密"
        dialog.query_one("#level-name-en").value = "Top secret"
        await submit(pilot, dialog, "#level-name-en")
        await wait_for(pilot, lambda: on_screen(app, "CatalogueRulesScreen")
                       and "Top secret" in screen_text(app))
        dialog = await open_dialog(pilot, app, "d", "ReviewDaysDialog")
        dialog.query_one("#review-days").value = "180"
        await submit(pilot, dialog, "#review-days")
        await wait_for(pilot, lambda: on_screen(app, "CatalogueRulesScreen")
                       and "Review period: 180 days" in screen_text(app))
        assert await query(app, lambda ctx: classify.review_days(ctx.conn)) == 180
        levels = await query(app, lambda ctx: classify.levels(ctx.conn))
        assert [(lv.code, lv.rank) for lv in levels][-1] == ("top_secret", 50)


@pytest.mark.parametrize("who", [CUSTODIAN, AUDITOR])
async def test_others_read_but_cannot_change(make_app: MakeApp, voucher: Path,
                                             who: Who) -> None:
    app = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await open_rules(pilot, app, who)
        assert "voucher" in screen_text(app) and "Review period: 365 days" in screen_text(app)
        assert "Edit rule" not in screen_text(app)  # no such key in the footer
        await pilot.press("e", "n", "d")
        await pilot.pause()
        assert app.screen is screen
        # Even a dialog opened some other way is refused by the service, on its message line.
        dialog: Any = ReviewDaysDialog(365)
        app.push_screen(dialog)
        await wait_for(pilot, lambda: app.screen is dialog)
        dialog.query_one("#review-days").value = "30"
        await submit(pilot, dialog, "#review-days")
        await wait_for(pilot, lambda: "administrator" in dialog.message_text.lower())
        assert await query(app, lambda ctx: classify.review_days(ctx.conn)) == 365
