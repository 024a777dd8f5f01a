"""Holds (冻结): legal holds in force (and, on request, released ones), start and release.

A firm has a handful of holds, so they are a plain table. Holding marked records or the
current query starts from the record list (``k`` there); here ``n`` holds a client's
records, named by name or credit code. Releasing asks for a reason; both are audited by
the holds service, and a held record can never enter destruction.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Static

from confterm.commands import Command, declare
from confterm.dialogs.archive_filter import resolve_client
from confterm.dialogs.archive_hold import HoldDialog, ReleaseDialog, _create
from confterm.dialogs.archive_scope import Scope
from confterm.dialogs.form import row
from confterm.i18n import t
from confterm.screens.archive_common import ViewsMixin, tabs
from confterm.screens.base import ConftermScreen
from confterm.vault.catalogue import holds
from confterm.vault.catalogue.filters import Filters
from confterm.vault.catalogue.holds import Hold
from confterm.vault.session import Ctx
from confterm.widgets.cells import fit
from confterm.widgets.filter_text import filter_chips
from confterm.widgets.record_browser import names
from confterm.widgets.table_fill import refill
from confterm.widgets.top_bar import TopBar


def _list(ctx: Ctx, active_only: bool) -> tuple[list[Hold], dict[int, str]]:
    """The holds, and how each hold on a saved query reads (its filters as chips)."""
    found = holds.list_holds(ctx.conn, active_only)
    texts = {}
    for h in found:
        if h.query:
            filters = Filters.from_json(h.query)
            texts[h.id] = " · ".join(filter_chips(filters, names(ctx, filters), with_text=True))
    return found, texts


def _client_hold(ctx: Ctx, client: str, reason: str, owner: str, reference: str) -> int:
    client_id = resolve_client(ctx, client)
    if client_id is None:
        from confterm.errors import InputError

        raise InputError("archive.hold.no_client")
    return _create(ctx, Scope("client", client_id=client_id), reason, owner, reference)


class ClientHoldDialog(HoldDialog):
    """A hold on a client named by name or credit code."""

    def __init__(self) -> None:
        super().__init__([])

    def scope_row(self) -> Iterable[Widget]:
        yield from row(t("archive.hold.client"), Input(
            id="hold-client", compact=True, placeholder=t("archive.filter.client_hint")))

    def on_mount(self) -> None:
        self.query_one("#hold-client").focus()

    async def submit(self) -> None:
        hold_id = await self.service(_client_hold, self.text("hold-client"),
                                     self.text("hold-reason"), self.text("hold-owner"),
                                     self.text("hold-reference"))
        self.app.notify(t("archive.hold.done", id=hold_id))
        self.dismiss(hold_id)


def hold_table(h: Hold, query_text: str = "") -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    rows = [("reason", h.reason), ("owner", h.owner), ("reference", h.reference),
            ("scope", t(f"archive.hold_scope.{h.scope}")), ("query", query_text or h.query or ""),
            ("records", f"{h.records:,}"), ("started", f"{h.started_at[:10]} {h.started_by}"),
            ("released", f"{(h.released_at or '')[:10]} {h.released_by or ''}".strip()),
            ("release_reason", h.release_reason or "")]
    for key, value in rows:
        if value:
            table.add_row(t(f"archive.hold_field.{key}"), value)
    return table


class HoldsScreen(ViewsMixin, ConftermScreen):
    SCREEN_ID = "archive_holds"
    HELP_KEY = "archive.help.holds"
    DEFAULT_CSS = """
    HoldsScreen #holds-table { height: 1fr; margin: 1 1 0 1; }
    HoldsScreen #holds-detail { height: 9; margin: 0 1; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.show_released = False
        self.query_texts: dict[int, str] = {}  # a query hold's filters as they read
        self.found: list[Hold] = []

    def compose(self) -> ComposeResult:
        yield TopBar(t("archive.area"))
        yield Static(tabs("holds"), classes="archive-views")
        yield DataTable(id="holds-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="holds-detail")
        yield Footer(show_command_palette=False)

    async def reload(self) -> None:
        self.found, self.query_texts = await self.service(_list, not self.show_released)
        table = self.query_one(DataTable)
        refill(table, [t(f"archive.hold_col.{c}") for c in
                       ("id", "reason", "owner", "scope", "records", "started", "state")],
               [(str(h.id), fit(h.reason, 30).rstrip(), fit(h.owner, 20).rstrip(),
                 t(f"archive.hold_scope.{h.scope}"), f"{h.records:,}", h.started_at[:10],
                 t("archive.hold_active") if h.active else t("archive.hold_released"))
                for h in self.found])
        table.focus()
        self._detail()
        if not self.found:
            self.query_one("#holds-detail", Static).update(t("archive.no_holds"))

    def selected(self) -> Hold | None:
        table = self.query_one(DataTable)
        at = table.cursor_row
        return self.found[at] if self.found and at is not None and at < len(self.found) \
            else None

    @on(DataTable.RowHighlighted)
    def _detail(self) -> None:
        hold = self.selected()
        if hold is not None:
            self.query_one("#holds-detail", Static).update(
                hold_table(hold, self.query_texts.get(hold.id, "")))

    def action_new(self) -> None:
        self.app.push_screen(ClientHoldDialog(), self._changed)

    def action_release(self) -> None:
        hold = self.selected()
        if hold is None or not hold.active:
            self.notify(t("archive.release.pick"), severity="warning")
            return
        self.app.push_screen(ReleaseDialog(hold), self._changed)

    def action_toggle_released(self) -> None:
        self.show_released = not self.show_released
        self.start_reload()

    def _changed(self, result: object) -> None:
        if result is not None:
            self.start_reload()


_C = ("archive_holds",)
for _command in (
    Command("archive_holds.new", "archive.cmd.new_hold", "n", "screen.new", scope=_C,
            roles=("custodian", "administrator")),
    Command("archive_holds.release", "archive.cmd.release", "r", "screen.release", scope=_C,
            roles=("custodian", "administrator")),
    Command("archive_holds.released", "archive.cmd.show_released", "t",
            "screen.toggle_released", scope=_C),
):
    declare(_command)
