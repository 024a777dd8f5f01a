"""Destruction (销毁): eligibility with reasons, appraisal, register and its signatories'
step-up, the supervised session with its check-off line, history and reprint.

Five views of one table (keys 1-5). Every action is a declared command (footer, palette,
help); the screen only collects input and presences and calls the vault services, which
decide and audit. A scan that matches nothing on the register is flagged loudly: a bell, a
red line that stays until the next scan, and an error notification.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Input, Static

import confterm.vault.destruction.attention  # noqa: F401  (registers the home screen lines)
from confterm.areas import Area, register_area
from confterm.commands import Command, declare
from confterm.dialogs.destruction import MEDIA_FIELDS, FieldsDialog
from confterm.dialogs.step_up import StepUpDialog
from confterm.i18n import t
from confterm.screens import destruction_rows as rows
from confterm.screens.base import ConftermScreen
from confterm.screens.destruction_flow import FlowMixin
from confterm.vault.destruction import eligibility, sessions
from confterm.widgets.table_fill import refill
from confterm.widgets.top_bar import TopBar

VIEWS = ("eligible", "appraisal", "register", "session", "history")


class DestructionScreen(FlowMixin, ConftermScreen):
    SCREEN_ID = "destruction"
    HELP_KEY = "destruction.ui.help"
    DEFAULT_CSS = """
    #d-header { height: auto; margin: 1 1 0 1; }
    #d-table { height: 1fr; margin: 1 1 0 1; }
    #d-scan { margin: 0 1; }
    #d-flag { height: auto; margin: 0 1; padding: 0 1; }
    #d-flag.flagged { background: $error; color: $text; text-style: bold; }
    #d-flag.ok { color: $success; }
    #d-detail { height: 4; margin: 0 1; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self, view: str = "eligible") -> None:
        super().__init__()
        self.view = view
        self.data = rows.View([])
        self.marked: set[int] = set()
        self.appraisal_id: int | None = None
        self.register_id: int | None = None
        self.session_id: int | None = None
        self.picked_current = False

    def compose(self) -> ComposeResult:
        yield TopBar(t("destruction.area"))
        yield Static(id="d-header")
        yield DataTable(id="d-table", cursor_type="row", zebra_stripes=True)
        yield Input(placeholder=t("destruction.ui.scan_placeholder"), id="d-scan")
        yield Static(id="d-flag")
        yield Static(id="d-detail")
        yield Footer(show_command_palette=False)

    async def reload(self) -> None:
        if not self.picked_current:
            self.appraisal_id, self.register_id, self.session_id = \
                await self.service(rows.current_ids)
            self.picked_current = True
        if self.view == "eligible":
            self.data = await self.service(rows.eligible)
        elif self.view == "appraisal":
            self.data = await self.service(rows.appraisal_view, self.appraisal_id)
        elif self.view == "register":
            self.data = await self.service(rows.register_view, self.register_id)
        elif self.view == "session":
            self.data = await self.service(rows.session_view, self.session_id)
        else:
            self.data = await self.service(rows.history_view)
        self.render_view()

    def render_view(self) -> None:
        label = t(f"destruction.ui.view.{self.view}")
        self.query_one("#d-header", Static).update(f"[b]{label}[/b]  {self.data.header}")
        table = self.query_one("#d-table", DataTable)
        marking = self.view == "eligible"
        refill(table, [" ", *self.data.columns],
               [("●" if marking and key in self.marked else " ", *cells)
                for key, cells in zip(self.data.keys, self.data.rows, strict=True)],
               keys=[str(n) for n in range(len(self.data.rows))])
        if self.view not in ("eligible", "appraisal"):
            self.query_one("#d-detail", Static).update("")
        live = self.view == "session" and self.data.live
        self.query_one("#d-scan", Input).display = live
        if live:
            self.query_one("#d-scan", Input).focus()
        else:
            table.focus()

    def selected(self) -> int | None:
        table = self.query_one("#d-table", DataTable)
        row = table.cursor_row
        if row is None or not 0 <= row < len(self.data.keys):
            return None
        return self.data.keys[row]

    def targets(self) -> list[int]:
        """Marked records, else the highlighted one."""
        if self.marked and self.view == "eligible":
            return sorted(self.marked)
        one = self.selected()
        return [one] if one is not None else []

    def show_view(self, view: str) -> None:
        self.view = view
        self.start_reload()

    def action_view(self, view: str) -> None:
        self.show_view(view)

    # ---- eligibility ---------------------------------------------------------------------

    def action_mark(self) -> None:
        rid = self.selected()
        if rid is None or self.view != "eligible":
            return
        self.marked.symmetric_difference_update({rid})
        table = self.query_one("#d-table", DataTable)
        row = table.cursor_row
        table.update_cell_at(Coordinate(row, 0), "●" if rid in self.marked else " ")
        table.move_cursor(row=min(row + 1, len(self.data.keys) - 1))

    def action_mark_all(self) -> None:
        if self.view == "eligible":
            self.marked = set(self.data.keys) if not self.marked else set()
            self.render_view()

    @work(exit_on_error=False, group="more")
    async def action_more(self) -> None:
        if self.view != "eligible" or self.data.after is None:
            return
        more = await self.service(rows.eligible, self.data.after)
        self.data.rows += more.rows
        self.data.keys += more.keys
        self.data.after = more.after
        self.render_view()

    @on(DataTable.RowSelected, "#d-table")
    def _selected(self) -> None:  # Enter on a history row opens it
        self.action_open_entry()

    @on(DataTable.RowHighlighted, "#d-table")
    async def _explain(self) -> None:
        rid = self.selected()
        if rid is None or self.view not in ("eligible", "appraisal"):
            return
        self.explain_record(rid)

    @work(exit_on_error=False, exclusive=True, group="explain")
    async def explain_record(self, record_id: int) -> None:
        why = await self.service(eligibility.explain, record_id)
        verdict = t("destruction.ui.eligible_yes" if why.eligible else "destruction.ui.eligible_no",
                    archive_no=why.archive_no)
        text = " ".join(p.text() for p in why.reasons)
        self.query_one("#d-detail", Static).update(f"{verdict}\n{text}")

    @work(exit_on_error=False, group="dialog")
    async def action_why(self) -> None:
        got = await self.app.push_screen_wait(FieldsDialog(
            t("destruction.ui.why_title"), [("archive_no", "destruction.col.archive_no", "")],
            required=["archive_no"]))
        if got is None:
            return
        try:
            rid = await self.service(eligibility.find_record, got["archive_no"])
        except Exception as exc:
            self.show_error(exc)
            return
        self.explain_record(rid)

    # ---- the check-off line --------------------------------------------------------------

    @on(Input.Submitted, "#d-scan")
    async def _scanned(self, event: Input.Submitted) -> None:
        text = event.value
        event.input.value = ""
        if self.session_id is None or not text.strip():
            return
        try:
            result = await self.service(sessions.check_off, self.session_id, text)
        except Exception as exc:
            self.show_error(exc)
            return
        flag = self.query_one("#d-flag", Static)
        message = t(f"destruction.ui.scan.{result.outcome}", input=result.input,
                    archive_no=result.archive_no, title=result.title, reason=result.reason)
        flag.update(message)
        flag.set_classes("flagged" if result.flagged else "ok")
        if result.flagged:
            self.app.bell()
            self.notify(message, severity="error", timeout=10)
        self.start_reload()

    def action_focus_scan(self) -> None:
        if self.view == "session" and self.data.live:
            self.query_one("#d-scan", Input).focus()

    async def media_dialog(self) -> dict[str, str] | None:
        result: dict[str, str] | None = await self.app.push_screen_wait(FieldsDialog(
            t("destruction.ui.media_title"), MEDIA_FIELDS,
            required=["performer_name", "serial", "media_type", "technique"]))
        return result

    async def step_up(self, role: str | tuple[str, ...], purpose: str,
                      duty: str | None) -> Any:
        return await self.app.push_screen_wait(StepUpDialog(role, purpose, duty))


def _cmd(cid: str, key: str, action: str, label: str | None = None) -> Command:
    return Command(f"destruction.{cid}", label or f"destruction.ui.cmd.{cid}", key, action,
                   scope=("destruction",))


for _command in (
    *(_cmd(f"view_{v}", str(n), f"screen.view('{v}')") for n, v in enumerate(VIEWS, 1)),
    _cmd("mark", "space", "screen.mark"),
    _cmd("mark_all", "ctrl+a", "screen.mark_all"),
    _cmd("more", "m", "screen.more"),
    _cmd("why", "w", "screen.why"),
    _cmd("appraise", "n", "screen.appraise"),
    _cmd("destroy", "k", "screen.decide('destroy')"),
    _cmd("extend", "t", "screen.decide('extend')"),
    _cmd("unresolved", "u", "screen.decide('unresolved')"),
    _cmd("issue", "i", "screen.issue"),
    _cmd("register", "c", "screen.create_register"),
    _cmd("sign", "s", "screen.sign"),
    _cmd("start", "o", "screen.start_session"),
    _cmd("scan", "slash", "screen.focus_scan"),
    _cmd("exclude", "delete", "screen.exclude"),
    _cmd("pause", "z", "screen.pause"),
    _cmd("resume", "y", "screen.resume"),
    _cmd("medium", "e", "screen.medium"),
    _cmd("validate", "v", "screen.validate"),
    _cmd("complete", "f", "screen.complete"),
    _cmd("open", "enter", "screen.open_entry"),
    _cmd("print", "ctrl+s", "screen.print_report"),
    Command("destruction.configure", "destruction.ui.cmd.configure", "ctrl+g",
            "screen.configure", scope=("destruction",), roles=("administrator",)),
):
    declare(_command)

register_area(Area("destruction", "destruction.area", "x", DestructionScreen,
                   roles=("custodian", "approver", "witness", "auditor"), order=40,
                   summary_key="destruction.area_summary"))
