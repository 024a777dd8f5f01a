"""Clients (客户): the deregistered companies, by name, with their personal information masked.

The list is a lazy list (a firm may hold thousands of clients), filtered as you type by
name or credit code. The pane shows the client as the catalogue returns it: legal
representative and liquidation contact masked (PIPL art. 47, restricted processing).
Revealing them is a separate, audited act with a stated purpose (and an approved request
where the access module is installed): :class:`RevealDialog`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static

from confterm.commands import Command, declare
from confterm.dialogs.archive_hold import HoldDialog, RevealDialog
from confterm.dialogs.archive_scope import Scope
from confterm.dialogs.client_form import ClientForm
from confterm.i18n import t
from confterm.screens.archive_common import ViewsMixin, tabs
from confterm.screens.base import ConftermScreen, when_composed
from confterm.vault.catalogue.clients import Client
from confterm.vault.catalogue.filters import Filters
from confterm.vault.catalogue.sources import ClientSource
from confterm.widgets.cells import Column
from confterm.widgets.lazy_list import LazyList
from confterm.widgets.top_bar import TopBar


class ClientList(LazyList[Client]):
    MARKABLE = False

    def columns(self, width: int) -> list[Column]:
        if width >= 90:
            return [Column("name", 0), Column("code", 18), Column("deregistered", 10),
                    Column("records", 8, True)]
        return [Column("name", 0), Column("code", 18), Column("records", 7, True)]

    def header_cells(self, columns: list[Column]) -> list[str]:
        return [t(f"archive.col.{c.name}") for c in columns]

    def cells(self, row: Client, columns: list[Column]) -> list[str]:
        values = {"name": row.name, "code": row.credit_code,
                  "deregistered": row.deregistered_on or "", "records": f"{row.record_count:,}"}
        return [values[c.name] for c in columns]

    def row_id(self, row: Client) -> Hashable:
        return row.id


def client_table(c: Client) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    rows = [("name", c.name), ("credit_code", c.credit_code),
            ("deregistered_on", c.deregistered_on or ""),
            ("legal_representative", c.legal_representative),
            ("liquidation_contact", c.liquidation_contact),
            ("custody_agreement", c.custody_agreement), ("records", f"{c.record_count:,}"),
            ("notes", c.notes)]
    for key, value in rows:
        if value:
            table.add_row(t(f"archive.client_field.{key}"), value)
    table.add_row("", "")
    table.add_row("", t("archive.masked_note"))
    return table


class ClientsScreen(ViewsMixin, ConftermScreen):
    SCREEN_ID = "archive_clients"
    HELP_KEY = "archive.help.clients"
    DEFAULT_CSS = """
    ClientsScreen #clients-bar { height: 1; margin: 1 1 0 1; }
    ClientsScreen #clients-bar Label { width: auto; padding: 0 1 0 0; color: $accent; }
    ClientsScreen #clients-search { width: 1fr; background: $surface; }
    ClientsScreen #clients-search:focus { background: $primary 25%; }
    ClientsScreen #clients-status { height: 1; margin: 0 1; color: $text-muted; }
    ClientsScreen #clients-body { height: 1fr; margin: 0 1; }
    ClientsScreen #clients-list { width: 1fr; }
    ClientsScreen #clients-detail { width: 56; border-left: solid $primary; padding: 0 1; }
    """

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.text = text
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(t("archive.area"))
        yield Static(tabs("clients"), classes="archive-views")
        with Horizontal(id="clients-bar"):
            yield Label(t("archive.search"))
            yield Input(self.text, id="clients-search", compact=True,
                        placeholder=t("archive.clients_placeholder"))
        yield Static(id="clients-status")
        with Horizontal(id="clients-body"):
            yield ClientList(id="clients-list")
            with VerticalScroll(id="clients-detail"):
                yield Static(id="clients-detail-body")
        yield Footer(show_command_palette=False)

    @property
    def clients(self) -> ClientList:
        return self.query_one(ClientList)

    async def reload(self) -> None:
        self.clients.focus()
        await self.clients.reset(ClientSource(self.text))

    @on(LazyList.Counted)
    def _counted(self) -> None:
        self.query_one("#clients-status", Static).update(
            t("archive.clients_count", n=f"{self.clients.count:,}"))

    @on(LazyList.Highlighted)
    def _show(self, event: LazyList.Highlighted) -> None:
        body = self.query_one("#clients-detail-body", Static)
        body.update(client_table(event.row) if event.row is not None else "")

    @on(Input.Changed, "#clients-search")
    def _typed(self, event: Input.Changed) -> None:
        self.text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.12, self._search)

    @when_composed
    def _search(self) -> None:
        """Restart the list for what is typed; the focus stays in the search box."""
        self.run_worker(self.clients.reset(ClientSource(self.text)), group="clients-search",
                        exclusive=True, exit_on_error=False)

    @on(Input.Submitted, "#clients-search")
    def _enter(self) -> None:
        self.clients.focus()

    @on(LazyList.Selected)
    async def _selected(self) -> None:
        await self.action_open_records()

    # ---- actions --------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#clients-search").focus()

    def action_focus_list(self) -> None:
        self.clients.focus()

    async def action_open_records(self) -> None:
        client = self.clients.current
        if client is not None:
            await self.action_view("records", filters=Filters(client_id=client.id))

    def action_reveal(self) -> None:
        client = self.clients.current
        if client is not None:
            self.app.push_screen(RevealDialog(client))

    def action_hold(self) -> None:
        client: Any = self.clients.current
        if client is not None:
            scope = Scope("client", client_id=client.id, label=client.name)
            self.app.push_screen(HoldDialog([scope]))

    def action_new_client(self) -> None:
        self.app.push_screen(ClientForm(), self._client_saved)

    def action_edit_client(self) -> None:
        client = self.clients.current
        if client is not None:
            self.app.push_screen(ClientForm(client), self._client_saved)

    def _client_saved(self, result: int | None) -> None:
        """Re-read the list (a new or renamed client moves in the name order)."""
        if result is not None:
            self.run_worker(self.clients.recount(), group="clients-search", exclusive=True,
                            exit_on_error=False)


_C = ("archive_clients",)
for _command in (
    Command("archive_clients.search", "archive.cmd.search", "slash", "screen.focus_search",
            scope=_C, key_display="/"),
    Command("archive_clients.list", "archive.cmd.list", "escape", "screen.focus_list",
            scope=_C, show=False),
    Command("archive_clients.records", "archive.cmd.open_records", "enter",
            "screen.open_records", scope=_C),
    Command("archive_clients.reveal", "archive.cmd.reveal", "v", "screen.reveal", scope=_C),
    Command("archive_clients.hold", "archive.cmd.client_hold", "k", "screen.hold", scope=_C,
            roles=("custodian", "administrator")),
    Command("archive_clients.new", "forms.cmd.new_client", "n", "screen.new_client",
            scope=_C, roles=("custodian", "administrator")),
    Command("archive_clients.edit", "forms.cmd.edit_client", "w", "screen.edit_client",
            scope=_C, roles=("custodian", "administrator")),
):
    declare(_command)
