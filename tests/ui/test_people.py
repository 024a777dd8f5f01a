"""People screen: enrol, disable, idle lock time, own passphrase; each change audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from confterm.app import ConftermApp
from confterm.vault import audit_query, lifecycle, settings
from confterm.vault.audit_query import AuditFilter
from confterm.vault.secrets import passphrase_bytes
from tests.ui.conftest import ADMIN, APPROVER, AUDITOR, on_screen, screen_text, unlock, wait_for

MakeApp = Callable[..., ConftermApp]


async def open_people(pilot: Any, app: ConftermApp) -> None:
    await unlock(pilot, ADMIN)
    await pilot.press("p")
    await wait_for(pilot, lambda: on_screen(app, "PeopleScreen"))


async def last_event(app: ConftermApp, action: str) -> audit_query.AuditRow:
    assert app.session is not None
    rows = await app.session.acall(
        lambda ctx: audit_query.page(ctx.conn, AuditFilter(action=action), None, 1))
    assert rows, f"no {action} event"
    return rows[0]


async def test_enrol_a_person(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await open_people(pilot, app)
        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "EnrolDialog")
        dialog: Any = app.screen
        dialog.query_one("#enrol-name").value = "孙丽"
        dialog.query_one("#enrol-roles").select("custodian")
        dialog.query_one("#enrol-roles").select("witness")
        dialog.query_one("#enrol-pass").value = "a brand new passphrase"
        dialog.query_one("#enrol-repeat").value = "a brand new passphrase"
        dialog.query_one("#enrol-repeat").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, "PeopleScreen") and "孙丽" in screen_text(app))
        assert "Custodian, Witness" in screen_text(app)
        event = await last_event(app, "person.enrol")
        assert event.actor == ADMIN.name and event.object_id == "孙丽"
    check = lifecycle.open_vault(app.vault_path, "孙丽", passphrase_bytes("a brand new passphrase"))
    check.close()


async def test_enrol_refuses_mismatched_passphrases(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await open_people(pilot, app)
        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "EnrolDialog")
        dialog: Any = app.screen
        dialog.query_one("#enrol-name").value = "孙丽"
        dialog.query_one("#enrol-roles").select("custodian")
        dialog.query_one("#enrol-pass").value = "a brand new passphrase"
        dialog.query_one("#enrol-repeat").value = "another passphrase"
        dialog.query_one("#enrol-repeat").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "do not match" in dialog.message_text)
        assert app.screen is dialog


async def test_disable_a_person(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await open_people(pilot, app)
        await pilot.press("down", "down")  # 张伟, the third row
        await pilot.press("d")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmDialog")
        assert APPROVER.name in screen_text(app)
        await pilot.press("tab", "enter")  # from Cancel (the default) to Yes
        await wait_for(pilot, lambda: on_screen(app, "PeopleScreen")
                       and "disabled" in screen_text(app))
        event = await last_event(app, "person.disable")
        assert event.object_id == APPROVER.name


async def test_set_the_idle_lock_time(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await open_people(pilot, app)
        await pilot.press("i")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "IdleSettingDialog")
        field = app.screen.query_one("#idle-seconds")
        field.value = "5"
        await pilot.press("enter")
        dialog: Any = app.screen
        await wait_for(pilot, lambda: "between 30 and 28800" in dialog.message_text)
        field.value = "120"
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, "PeopleScreen"))
        assert app.idle.timeout == 120
        event = await last_event(app, "settings.change")
        assert '"new":120' in event.details and '"old":300' in event.details
        assert app.session is not None
        assert await app.session.acall(lambda ctx: settings.idle_timeout(ctx.conn)) == 120


async def test_people_area_is_for_administrators_only(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot, AUDITOR)
        areas = app.screen.query_one("#home-areas")
        offered = [areas.get_option_at_index(i).id for i in range(areas.option_count)]
        assert "audit" in offered and "people" not in offered  # read the trail, not manage
        assert " p People" not in screen_text(app)  # nor does the footer offer it
        await app.run_action("open_area('people')")
        await pilot.pause(0.1)
        assert on_screen(app, "HomeScreen")


async def test_change_own_passphrase(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot, AUDITOR)
        await pilot.press("c")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OwnPassphraseDialog")
        dialog: Any = app.screen
        dialog.query_one("#pw-old").value = AUDITOR.passphrase
        dialog.query_one("#pw-new").value = "the auditor's new passphrase"
        dialog.query_one("#pw-repeat").value = "the auditor's new passphrase"
        dialog.query_one("#pw-repeat").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, "HomeScreen"))
        await last_event(app, "person.passphrase_changed")
    check = lifecycle.open_vault(app.vault_path, AUDITOR.name,
                                 passphrase_bytes("the auditor's new passphrase"))
    check.close()
