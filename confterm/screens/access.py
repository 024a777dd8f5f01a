"""Access (利用): requests, the access register, loans and proposed changes.

Four views of one table (keys 1-4): requests, the register of acts, loans out, changes
waiting. Every action is a declared command (footer, palette, help). The screen only calls
vault services: who may do what is decided there, whatever this screen offers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

import confterm.vault.access.attention  # noqa: F401  (registers the home screen's lines)
from confterm.areas import Area, register_area
from confterm.commands import Command, declare
from confterm.errors import InputError
from confterm.i18n import t
from confterm.screens import access_rows as rows
from confterm.screens.access_actions import AccessActions
from confterm.screens.base import ConftermScreen
from confterm.vault.access import change_values, changes, register, views
from confterm.vault.access.model import local_day
from confterm.vault.access.register import FILTER_STATUSES, RegisterFilter
from confterm.vault.session import Ctx
from confterm.widgets.table_fill import refill
from confterm.widgets.top_bar import TopBar

PAGE = 100
_FILTERS = ("requester", "purpose", "client", "archive", "from", "to")


def _fetch(ctx: Ctx, view: str, flt: RegisterFilter, before: int | None
           ) -> tuple[list[Any], date]:
    today = local_day(ctx.now())
    if view == "requests":
        return register.list_requests(ctx, flt, before, PAGE), today
    if view == "events":
        return register.list_events(ctx, flt, before, PAGE), today
    if view == "loans":
        return ([] if before else register.open_loans(ctx)), today
    # Changes waiting are listed oldest first, so "before" is the last id already shown.
    return [replace(p, shown=change_values.describe(ctx.conn, p.fields))
            for p in changes.pending(ctx, PAGE, after=before)], today


def _day(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError("access.bad_date", field=t(f"access.ui.filter.{field}"),
                         value=text.strip()[:20]) from None


class AccessScreen(AccessActions, ConftermScreen):
    SCREEN_ID = "access"
    HELP_KEY = "access.ui.help"
    DEFAULT_CSS = """
    #access-views { height: 1; margin: 1 1 0 1; }
    #access-filters { height: 1; margin: 1 1 0 1; }
    #access-filters Label { width: auto; padding: 0 1; }
    #access-filters Input { width: 1fr; }
    #access-filters #access-from, #access-filters #access-to { width: 12; }
    #access-filters Select { width: 18; }
    #access-table { height: 1fr; margin: 1 1 0 1; }
    #access-detail { height: 6; margin: 0 1; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self, view: str = "requests") -> None:
        super().__init__()
        self.view = view
        self.filter = RegisterFilter()
        self.rows: list[Any] = []
        self.exhausted = False
        self.today = date.today()
        self.detail: views.RequestDetail | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(t("access.area"))
        yield Static(id="access-views")
        with Horizontal(id="access-filters"):
            for name in _FILTERS:
                yield Label(t(f"access.ui.filter.{name}"))
                if name in ("from", "to"):
                    yield Input(id=f"access-{name}", compact=True, placeholder="YYYY-MM-DD",
                                max_length=10, restrict=r"[0-9-]*")
                else:
                    yield Input(id=f"access-{name}", compact=True)
            yield Select([(t(f"access.status.{s}"), s) for s in FILTER_STATUSES],
                         prompt=t("access.ui.filter.status"), id="access-status",
                         compact=True)
        yield DataTable(id="access-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="access-detail")
        yield Footer(show_command_palette=False)

    # ---- loading --------------------------------------------------------------------

    async def reload(self) -> None:
        self._show_views()
        found, self.today = await self.service(_fetch, self.view, self.filter, None)
        self.rows, self.exhausted = list(found), len(found) < PAGE
        table = self.query_one("#access-table", DataTable)
        # Widths from the first page's cells; later pages keep them.
        refill(table, rows.headers(self.view), [self._cells(item) for item in found],
               max_width=rows.MAX_WIDTH)
        table.focus()
        await self._show_detail()

    def _add_rows(self, found: list[Any]) -> None:
        table = self.query_one("#access-table", DataTable)
        for item in found:
            table.add_row(*self._cells(item))

    def _cells(self, item: Any) -> tuple[Any, ...]:
        if self.view == "requests":
            return rows.request_cells(item)
        if self.view == "events":
            return rows.event_cells(item)
        if self.view == "loans":
            return rows.loan_cells(item, self.today)
        return rows.change_cells(item)

    def _show_views(self) -> None:
        parts = [(f" {i + 1} {t(f'access.ui.view.{v}')} ", "reverse" if v == self.view else "")
                 for i, v in enumerate(rows.VIEWS)]
        from rich.text import Text

        self.query_one("#access-views", Static).update(Text.assemble(*parts))

    def selected(self) -> Any | None:
        table = self.query_one("#access-table", DataTable)
        row = table.cursor_row
        return self.rows[row] if self.rows and row is not None and row < len(self.rows) \
            else None

    def selected_request_id(self) -> int | None:
        item = self.selected()
        if item is None or self.view == "changes":
            return None
        return int(item.id if self.view == "requests" else item.request_id)

    def selected_archive_no(self) -> str:
        item = self.selected()
        if self.view == "requests" and self.detail is not None and self.detail.records:
            return self.detail.records[0].archive_no
        return str(getattr(item, "archive_no", "") or "")

    async def _show_detail(self) -> None:
        request_id = self.selected_request_id()
        self.detail = None if request_id is None else \
            await self.service(views.request_detail, request_id)
        pane = self.query_one("#access-detail", Static)
        pane.update(rows.detail_text(self.detail) if self.detail else "")

    @on(DataTable.RowHighlighted, "#access-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.run_worker(self._after_move(event.cursor_row), exclusive=True, group="detail",
                        exit_on_error=False)

    async def _after_move(self, row: int) -> None:
        await self._show_detail()
        if row >= len(self.rows) - 1 and not self.exhausted and self.rows:
            found, _ = await self.service(_fetch, self.view, self.filter, self.rows[-1].id)
            self.rows += found
            self.exhausted = len(found) < PAGE
            self._add_rows(found)

    # ---- filters and views ------------------------------------------------------------

    @on(Input.Submitted, "#access-filters Input")
    @on(Select.Changed, "#access-status")
    def _apply_filter(self) -> None:
        try:
            value = {n: self.query_one(f"#access-{n}", Input).value.strip() for n in _FILTERS}
            status = self.query_one("#access-status", Select).value
            self.filter = RegisterFilter(
                client_text=value["client"] or None, archive_no=value["archive"] or None,
                requester=value["requester"] or None, purpose=value["purpose"] or None,
                date_from=_day(value["from"], "from"), date_to=_day(value["to"], "to"),
                status=status if isinstance(status, str) else None)
        except InputError as exc:
            self.show_error(exc)
            return
        self.start_reload()

    def action_focus_filter(self) -> None:
        self.query_one("#access-requester", Input).focus()

    def action_view(self, view: str) -> None:
        self.view = view
        self.start_reload()

    def action_requester_history(self) -> None:
        row = self.selected()
        if self.view == "requests" and row is not None:
            self.filter = RegisterFilter(requester_exact=row.requester_name,
                                         id_doc_masked=row.id_doc_masked)
            self.notify(t("access.ui.requester_filter", requester=row.requester_name))
            self.start_reload()


_WRITE = ("custodian",)
# The footer shows the everyday keys; the rest (copies, close, print, requester) are in
# the help (F1) and the palette (Ctrl+P), so F1, F2 and Ctrl+L stay visible at 160 columns.
for _command in (
    Command("access.new", "access.ui.cmd.new", "n", "screen.new", ("access",), _WRITE),
    Command("access.decide", "access.ui.cmd.decide", "d", "screen.decide", ("access",),
            ("custodian", "approver")),
    Command("access.consult", "access.ui.cmd.consult", "o", "screen.consult", ("access",),
            _WRITE),
    Command("access.copies", "access.ui.cmd.copies", "c", "screen.copies", ("access",), _WRITE,
            show=False),
    Command("access.lend", "access.ui.cmd.lend", "l", "screen.lend", ("access",), _WRITE),
    Command("access.return", "access.ui.cmd.return", "b", "screen.give_back", ("access",),
            _WRITE),
    Command("access.close", "access.ui.cmd.close", "z", "screen.close_request", ("access",),
            _WRITE, show=False),
    Command("access.change", "access.ui.cmd.change", "m", "screen.change", ("access",),
            ("custodian", "administrator")),
    Command("access.reveal", "access.ui.cmd.reveal", "v", "screen.reveal", ("access",),
            _WRITE),
    Command("access.export_content", "content.ui.cmd_export", "e", "screen.export_content",
            ("access",), _WRITE),
    Command("access.print_content", "content.ui.cmd_print", "ctrl+o", "screen.print_content",
            ("access",), _WRITE, show=False),
    Command("access.history", "access.ui.cmd.history", "y", "screen.history", ("access",)),
    Command("access.requester", "access.ui.cmd.requester", "u", "screen.requester_history",
            ("access",), show=False),
    Command("access.filter", "access.ui.cmd.filter", "slash", "screen.focus_filter",
            ("access",)),
    Command("access.refresh", "access.ui.cmd.refresh", "f5", "screen.reload", ("access",),
            show=False),
    *(Command(f"access.view_{v}", f"access.ui.view.{v}", str(i + 1), f"screen.view('{v}')",
              ("access",), show=False) for i, v in enumerate(rows.VIEWS)),
):
    declare(_command)

register_area(Area("access", "access.area", "g", AccessScreen,
                   roles=("custodian", "approver", "auditor", "administrator"), order=30,
                   summary_key="access.summary"))
