"""People (administrator): who may unlock, their roles; enrol, disable, idle lock time."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Static

from confterm.areas import Area, register_area
from confterm.commands import Command, declare
from confterm.dialogs.confirm import ConfirmDialog
from confterm.dialogs.enrol import EnrolDialog
from confterm.dialogs.idle_setting import IdleSettingDialog
from confterm.dialogs.own_passphrase import OwnPassphraseDialog
from confterm.i18n import t
from confterm.screens.base import ConftermScreen
from confterm.unlocking import in_thread
from confterm.vault import lifecycle, people, settings
from confterm.vault.people import Person
from confterm.vault.session import Ctx
from confterm.widgets.table_fill import refill
from confterm.widgets.top_bar import TopBar, roles_text


def _load(ctx: Ctx) -> tuple[list[Person], int]:
    return people.list_people(ctx.conn), settings.idle_timeout(ctx.conn)


class PeopleScreen(ConftermScreen):
    SCREEN_ID = "people"
    HELP_KEY = "ui.help.people"

    def __init__(self) -> None:
        super().__init__()
        self.people: list[Person] = []
        self.idle_setting = settings.DEFAULT_IDLE_TIMEOUT

    def compose(self) -> ComposeResult:
        yield TopBar(t("ui.area.people"))
        yield DataTable(id="people-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="people-idle")
        yield Footer(show_command_palette=False)

    async def reload(self) -> None:
        self.people, self.idle_setting = await self.service(_load)
        refill(self.query_one("#people-table", DataTable),
               [t(f"ui.people.col_{c}") for c in
                ("name", "roles", "language", "state", "enrolled")],
               [(p.name, roles_text(p.roles), t(f"ui.lang.{p.lang}") if p.lang else "",
                 t("ui.people.active") if p.active else
                 t("ui.people.disabled", date=(p.disabled_at or "")[:10]), p.created_at[:10])
                for p in self.people], keys=[p.name for p in self.people])
        app: Any = self.app
        override = app.idle_override
        line = t("ui.people.idle", seconds=self.idle_setting)
        if override:
            line += "  " + t("ui.people.idle_override", seconds=override)
        self.query_one("#people-idle", Static).update(line)

    def selected(self) -> Person | None:
        table = self.query_one("#people-table", DataTable)
        if not self.people or table.cursor_row is None or table.cursor_row >= len(self.people):
            return None
        return self.people[table.cursor_row]

    @work(exit_on_error=False, group="dialog")
    async def action_enrol(self) -> None:
        if await self.app.push_screen_wait(EnrolDialog()):
            self.start_reload()

    @work(exit_on_error=False, group="dialog")
    async def action_disable(self) -> None:
        person = self.selected()
        if person is None or not person.active:
            return
        if not await self.app.push_screen_wait(ConfirmDialog(
                t("ui.people.disable_title"), t("ui.people.disable_question", person=person.name))):
            return
        try:
            await in_thread(lifecycle.disable, self.session, person.name)
        except Exception as exc:
            self.show_error(exc)
            return
        self.notify(t("ui.people.disabled_done", person=person.name))
        self.start_reload()

    @work(exit_on_error=False, group="dialog")
    async def action_idle(self) -> None:
        seconds = await self.app.push_screen_wait(IdleSettingDialog(self.idle_setting))
        if seconds is None:
            return
        app: Any = self.app
        if not app.idle_override:
            app.idle.timeout = float(seconds)
        self.notify(t("ui.people.idle_done", seconds=seconds))
        self.start_reload()

    def action_change_passphrase(self) -> None:
        self.app.push_screen(OwnPassphraseDialog())


for _command in (
    Command("people.enrol", "ui.people.cmd_enrol", "e", "screen.enrol", scope=("people",),
            roles=("administrator",)),
    Command("people.disable", "ui.people.cmd_disable", "d", "screen.disable",
            scope=("people",), roles=("administrator",)),
    Command("people.idle", "ui.people.cmd_idle", "i", "screen.idle", scope=("people",),
            roles=("administrator",)),
):
    declare(_command)

register_area(Area("people", "ui.area.people", "p", PeopleScreen, roles=("administrator",),
                   order=90, summary_key="ui.area.people_summary"))
