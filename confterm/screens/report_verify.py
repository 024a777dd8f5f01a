"""Verify by short code: type the code printed at the foot of a report (or scan its QR
code, whose payload a scanner types followed by Enter) and see whether the report the
vault issued still verifies and whether the audit log still extends its checkpoint.

A code with a wrong check character is refused as a typo before anything is looked up.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static

from confterm.commands import Command, declare
from confterm.errors import ConftermError
from confterm.i18n import t
from confterm.screens.base import ConftermScreen
from confterm.vault.reporting import issued
from confterm.widgets.table_fill import refill
from confterm.widgets.top_bar import TopBar


def describe(found: issued.StoredCheck) -> str:
    """The result as lines of Rich markup (the names and texts are escaped)."""
    from rich.markup import escape

    ok, bad = "[green]✓[/]", "[red]✗[/]"
    lines = [t("reporting.ui.v.found", report_id=escape(found.report_id),
               title=escape(found.title), at=found.generated_at[:19],
               by=escape(found.generated_by), purpose=escape(found.purpose))]
    still = found.verifies
    lines.append(f"{ok if still else bad} " + t("reporting.ui.v.verifies" if still
                                                 else "reporting.ui.v.not_verifies"))
    for problem in found.problems:
        lines.append("    " + escape(problem.message()))
    if found.withheld:
        lines.append("    " + t("reporting.cli.withheld"))
    if found.checkpoint_ok:
        lines.append(f"{ok} " + t("reporting.ui.v.extends", code=found.checkpoint))
    else:
        lines.append(f"{bad} " + t("reporting.ui.v.not_extends", code=found.checkpoint) +
                     " " + t(found.checkpoint_reason or "audit.truncated",
                             seq=found.checkpoint.split("-")[1]))
    for s in found.signers:
        mark = "·" if s.ok is None else (ok if s.ok else bad)
        lines.append(f"  {mark} {escape(s.role)}: {escape(s.name) or '—'}"
                     + (f"  ({s.fingerprint})" if s.fingerprint else ""))
    for d in found.deliveries:
        lines.append("  " + escape(t(f"reporting.cli.delivery_{d.kind}", target=d.target,
                                     at=d.at[:19], by=d.actor, purpose=d.purpose,
                                     copies=d.copies or 1).strip()))
    return "\n".join(lines)


class VerifyCodeScreen(ConftermScreen):
    SCREEN_ID = "report_verify"
    HELP_KEY = "reporting.ui.v.help"
    DEFAULT_CSS = """
    #rv-code { margin: 1 1 0 1; }
    #rv-result { height: auto; max-height: 60%; margin: 1 1 0 1; padding: 0 1;
                 border: round $primary; }
    #rv-recent { height: 1fr; margin: 1 1 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.found: issued.StoredCheck | None = None
        self.codes: list[str] = []

    def compose(self) -> ComposeResult:
        yield TopBar(t("reporting.ui.v.title"))
        yield Input(placeholder=t("reporting.ui.v.placeholder"), id="rv-code")
        with VerticalScroll(id="rv-result"):
            yield Static(t("reporting.ui.v.hint"), id="rv-text")
        yield DataTable(id="rv-recent", cursor_type="row", zebra_stripes=True)
        yield Footer(show_command_palette=False)

    async def reload(self) -> None:
        rows = await self.service(issued.recent, 50)
        self.codes = [r[0] for r in rows]
        refill(self.query_one("#rv-recent", DataTable),
               [t(f"reporting.ui.v.col.{c}") for c in ("code", "report", "kind", "at", "by")],
               [(code, report_id, t(f"reporting.kind.{kind}"), at[:16], by)
                for code, report_id, kind, at, by in rows])
        if self.found is not None:
            self.query_one("#rv-text", Static).update(describe(self.found))
        self.query_one("#rv-code", Input).focus()

    @on(Input.Submitted, "#rv-code")
    async def _look_up(self, event: Input.Submitted) -> None:
        await self.look_up(event.value)

    @on(DataTable.RowSelected, "#rv-recent")
    async def _picked(self, event: DataTable.RowSelected) -> None:
        if event.cursor_row < len(self.codes):
            await self.look_up(self.codes[event.cursor_row])

    async def look_up(self, code: str) -> None:
        text = self.query_one("#rv-text", Static)
        if not code.strip():
            return
        text.update(t("reporting.ui.v.checking"))
        try:
            self.found = await self.service(issued.lookup, code)
        except ConftermError as exc:
            self.found = None
            from rich.markup import escape

            text.update(f"[red]✗[/] {escape(exc.message())}")
            return
        text.update(describe(self.found))

    def action_back(self) -> None:
        self.app.pop_screen()


declare(Command("report_verify.back", "reporting.ui.cmd.back", "escape", "screen.back",
                ("report_verify",)))
