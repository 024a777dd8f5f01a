"""A record's history: every change (before → after, who, when, why, who approved) and every
access act under a request, oldest first."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Label, Static

from confterm.commands import Command, declare
from confterm.i18n import catalogue, t
from confterm.screens.access_rows import local_time
from confterm.screens.base import ConftermScreen
from confterm.vault.access import history, records_view, register
from confterm.vault.access.change_values import readable
from confterm.vault.session import Ctx
from confterm.widgets.table_fill import refill
from confterm.widgets.top_bar import TopBar


def _load(ctx: Ctx, archive_no: str) -> tuple[list[tuple[str, ...]], str]:
    """Rows (when, who, what, changes, why, approved by, status) and the record's title."""
    [record_id] = records_view.ids_for_archive_numbers(ctx.conn, [archive_no])
    fact = records_view.one(ctx.conn, record_id)
    out: list[tuple[str, ...]] = []
    for e in history.record_history(ctx, record_id):
        changed = "; ".join(
            f"{t(f'access.record_field.{c.field}')}: "
            f"{readable(ctx.conn, c.field, c.before)} → "
            f"{readable(ctx.conn, c.field, c.after)}" for c in e.changes)
        status = t(f"access.ui.change_status.{e.status}") if e.status else ""
        action = f"access.ui.action.{e.action}"
        out.append((local_time(e.ts), e.actor,
                    t(action) if action in catalogue() else e.action, changed, e.reason,
                    e.approved_by or "", status))
    _, events = register.record_history(ctx, record_id)
    for ev in reversed(events):
        out.append((local_time(ev.at), ev.actor, t(f"access.act.{ev.act}"),
                    t("access.ui.under_request", request=ev.request_id,
                      requester=ev.requester_name), ev.purpose, "", ""))
    out.sort(key=lambda r: r[0])
    return out, f"{fact.archive_no}  {fact.title}"


class RecordHistoryScreen(ConftermScreen):
    SCREEN_ID = "access_history"
    HELP_KEY = "access.ui.history_help"
    DEFAULT_CSS = """
    #history-bar { height: 1; margin: 1 1 0 1; }
    #history-bar Label { width: auto; padding: 0 1; }
    #history-bar Input { width: 30; }
    #history-title { height: 1; margin: 1 1 0 1; text-style: bold; }
    #history-table { height: 1fr; margin: 1 1 0 1; }
    """

    def __init__(self, archive_no: str = "") -> None:
        super().__init__()
        self.archive_no = archive_no
        self.entries: list[tuple[str, ...]] = []

    def compose(self) -> ComposeResult:
        yield TopBar(t("access.ui.history_title"))
        with Horizontal(id="history-bar"):
            yield Label(t("access.record_field.archive_no"))
            yield Input(self.archive_no, id="history-archive", compact=True)
        yield Static(id="history-title")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Footer(show_command_palette=False)

    async def reload(self) -> None:
        table = self.query_one("#history-table", DataTable)
        headers = [t(f"access.ui.col.{c}") for c in (
            "at", "actor", "what", "changes", "reason", "approver", "state")]
        found: Any = await self.service(_load, self.archive_no) if self.archive_no \
            else ([], "")
        self.entries, title = found
        self.query_one("#history-title", Static).update(title)
        refill(table, headers, self.entries)
        if self.archive_no:
            table.focus()
        else:
            self.query_one("#history-archive", Input).focus()

    @on(Input.Submitted, "#history-archive")
    def _entered(self, event: Input.Submitted) -> None:
        self.archive_no = event.value.strip()
        self.start_reload()

    def action_back(self) -> None:
        self.app.pop_screen()


declare(Command("access_history.back", "access.ui.cmd.back", "escape", "screen.back",
                ("access_history",)))
