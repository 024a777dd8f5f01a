"""Reports (报表): choose a report and its options, generate it off the UI thread with a
progress bar, read its facts (pages, rows, missing characters), then print or save it
with a purpose. "Verify by short code" (ctrl+f) finds an issued report from its paper.

The layout of a large report runs on a worker thread (``run.generate``); the database
parts run on the vault's own thread. The event loop only receives progress messages, so
the screen keeps drawing and the idle lock can still close the vault mid-way.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, OptionList, ProgressBar, Select, Static
from textual.widgets.option_list import Option

from confterm.areas import Area, register_area
from confterm.commands import Command, declare
from confterm.errors import ConftermError, InputError
from confterm.i18n import t
from confterm.screens.base import ConftermScreen
from confterm.unlocking import in_thread, run_secret
from confterm.vault import people
from confterm.vault.destruction import history
from confterm.vault.presence import Presence
from confterm.vault.reporting import kinds, produce, run
from confterm.vault.reporting.recovery import check_recovery_key
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx
from confterm.widgets.report_options import ReportOptionsForm
from confterm.widgets.top_bar import TopBar

_TARGET_KIND = {"destruction-register": "register", "destruction-certificate": "session",
                "appraisal": "appraisal"}


def _targets(ctx: Ctx) -> dict[str, list[tuple[str, str]]]:
    entries = history.everything(ctx, limit=500)
    out: dict[str, list[tuple[str, str]]] = {}
    for kind, wanted in _TARGET_KIND.items():
        out[kind] = [(f"{e.number or e.id}  ·  {t(f'destruction.status.{e.status}')}  ·  "
                      f"{e.when[:10]}", e.number or str(e.id))
                     for e in entries if e.kind == wanted]
    return out


class ReportsScreen(ConftermScreen):
    SCREEN_ID = "reports"
    HELP_KEY = "reporting.ui.help"
    DEFAULT_CSS = """
    #rp-body { height: 1fr; margin: 1 1 0 1; }
    #rp-kinds { width: 30; height: 1fr; margin-right: 1; }
    #rp-right { width: 1fr; height: 1fr; }
    #rp-progress-row { height: 1; margin-top: 1; }
    #rp-step { width: 1fr; margin-left: 1; }
    #rp-facts { height: auto; margin-top: 1; padding: 0 1; border-top: solid $primary; }
    #rp-facts.warn { color: $warning; }
    """

    def __init__(self, kind: str | None = None, target: str | None = None,
                 request: str | None = None) -> None:
        super().__init__()
        self.start_kind, self.start_target = kind, target
        self.start_request = request  # record-content opened from the Access area
        self.kinds: list[str] = []
        self.made: run.Generated | None = None
        self.generating = False
        self.cosigners: list[Presence] = []

    def compose(self) -> ComposeResult:
        yield TopBar(t("reporting.ui.area"))
        with Horizontal(id="rp-body"):
            yield OptionList(id="rp-kinds")
            with Vertical(id="rp-right"):
                yield ReportOptionsForm()
                yield Static(t("reporting.ui.no_cosigners"), id="rp-cosigners")
                with Horizontal(id="rp-progress-row"):
                    yield ProgressBar(total=len(run.STEPS), show_eta=False, id="rp-progress")
                    yield Static("", id="rp-step")
                yield Static(t("reporting.ui.no_report_yet"), id="rp-facts")
        yield Footer(show_command_palette=False)

    @property
    def form(self) -> ReportOptionsForm:
        return self.query_one(ReportOptionsForm)

    async def reload(self) -> None:
        roles = self.session.person.roles
        self.kinds = kinds.kinds_for(roles)
        self.form.targets = await self.service(_targets)
        listing = self.query_one("#rp-kinds", OptionList)
        listing.clear_options()
        listing.add_options([Option(t(f"reporting.kind.{k}"), id=k) for k in self.kinds])
        start = self.start_kind if self.start_kind in self.kinds else self.form.kind
        if self.kinds:
            listing.highlighted = self.kinds.index(start) if start in self.kinds else 0
            self.form.show_kind(self.kinds[listing.highlighted or 0])
            if self.start_target:
                self.form.query_one("#rp-target", Select).value = self.start_target
                self.start_target = None
        if self.start_request:
            self.form.query_one("#rp-request", Input).value = self.start_request
            self.start_request = None
            self.form.query_one("#rp-purpose").focus()
            return
        listing.focus()
        if self.made is not None:
            self.show_facts(self.made)

    @on(OptionList.OptionHighlighted, "#rp-kinds")
    def _kind(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.form.show_kind(event.option.id)

    @on(OptionList.OptionSelected, "#rp-kinds")
    def _chosen(self) -> None:
        self.form.query_one("#rp-purpose").focus()

    # ---- generating -----------------------------------------------------------------

    def _progress(self, done: int, total: int, step: str, params: dict[str, object]) -> None:
        """Called on the worker thread: hand the update to the event loop."""
        self.app.call_from_thread(self._show_progress, done, step, params)

    def _show_progress(self, done: int, step: str, params: dict[str, object]) -> None:
        self.query_one("#rp-progress", ProgressBar).update(progress=done)
        self.query_one("#rp-step", Static).update(t(f"reporting.step.{step}", **params))

    @work(exclusive=True, group="generate", exit_on_error=False)
    async def action_generate(self) -> None:
        if self.generating:
            return
        options = self.form.options()
        try:
            options.purpose = produce.check_purpose(options.purpose)
            if options.kind == "recovery-sheet":
                typed = self.form.take_recovery_key()
                if not typed:
                    raise InputError("reporting.recovery_key_needed")
                self._show_progress(0, "checking_key", {})
                canonical = await run_secret(check_recovery_key, self.session, typed,
                                             secrets=[typed], on_orphan=wipe)
                options.recovery_key = canonical.decode("ascii")
                wipe(canonical)
            self.generating = True
            self.made = None
            self.query_one("#rp-facts", Static).update(t("reporting.ui.working"))
            session = self.session
            role = t("reporting.r.cosigner", options.lang)
            signers = [(p, role, t("reporting.ui.cosign_opinion", options.lang))
                       for p in self.cosigners]
            self.made = await in_thread(run.generate, session, options, signers,
                                        self._progress)
            self.show_facts(self.made)
            self.dispose_cosigners()  # each signed this report; a next one needs them again
        except ConftermError as exc:
            self._show_progress(0, "failed", {})
            facts = self.query_one("#rp-facts", Static)
            facts.update(Text(exc.message()))
            facts.set_class(True, "warn")
            self.show_error(exc)
        finally:
            self.generating = False
            options.recovery_key = None

    def show_facts(self, made: run.Generated) -> None:
        report, issued = made.prepared.report, made.issued
        lines = [t("reporting.ui.facts", report_id=report.report_id, title=report.title,
                   pages=issued.pages, rows=issued.rows),
                 t("reporting.ui.facts_codes", code=issued.short_code,
                   checkpoint=report.checkpoint)]
        facts = self.query_one("#rp-facts", Static)
        if made.missing:
            first = made.missing[0]
            lines.append(t("reporting.ui.facts_missing", count=len(made.missing),
                           chars=" ".join(m.char for m in made.missing[:12]),
                           where=first.where))
        facts.set_class(bool(made.missing), "warn")
        lines.append(t("reporting.ui.facts_next"))
        facts.update("\n".join(lines))

    # ---- co-signers -----------------------------------------------------------------

    @work(exclusive=True, group="cosign", exit_on_error=False)
    async def action_cosign(self) -> None:
        from confterm.dialogs.step_up import StepUpDialog

        found = await self.app.push_screen_wait(StepUpDialog(
            people.ROLES, t("reporting.ui.cosign_purpose")))
        if found is None:
            return
        if found.name == self.session.person.name or \
                any(p.name == found.name for p in self.cosigners):
            found.dispose()
            self.notify(t("reporting.cosigner_is_generator", person=found.name)
                        if found.name == self.session.person.name
                        else t("reporting.ui.cosigner_twice", person=found.name),
                        severity="error")
            return
        self.cosigners.append(found)
        self.show_cosigners()

    def show_cosigners(self) -> None:
        names = t("ui.list_sep").join(p.name for p in self.cosigners)
        self.query_one("#rp-cosigners", Static).update(
            t("reporting.ui.cosigners", names=names) if names
            else t("reporting.ui.no_cosigners"))

    def dispose_cosigners(self) -> None:
        for presence in self.cosigners:
            presence.dispose()
        self.cosigners = []
        if self.is_mounted:
            self.show_cosigners()

    def on_unmount(self) -> None:
        for presence in self.cosigners:  # locked or left: their keys go now
            presence.dispose()

    # ---- handing it over ------------------------------------------------------------

    def _ready(self) -> run.Generated | None:
        if self.made is None:
            self.notify(t("reporting.ui.generate_first"), severity="warning")
        return self.made

    @work(exclusive=True, group="deliver", exit_on_error=False)
    async def action_print(self) -> None:
        from confterm.dialogs.report_deliver import PrintDialog

        made = self._ready()
        if made is not None and await self._accept_missing(made):
            result = await self.app.push_screen_wait(PrintDialog(made, self.form.options()
                                                                 .purpose))
            if result:
                self.notify(result, timeout=10)

    @work(exclusive=True, group="deliver", exit_on_error=False)
    async def action_save(self) -> None:
        from confterm.dialogs.report_deliver import SaveDialog

        made = self._ready()
        if made is not None and await self._accept_missing(made):
            result = await self.app.push_screen_wait(SaveDialog(made, self.form.options()
                                                                .purpose))
            if result:
                self.notify(result, timeout=10)

    async def _accept_missing(self, made: run.Generated) -> bool:
        if not made.missing:
            return True
        from confterm.dialogs.confirm import ConfirmDialog

        chars = " ".join(f"{m.char} ({m.codepoint})" for m in made.missing[:12])
        answer = await self.app.push_screen_wait(ConfirmDialog(
            t("reporting.ui.missing_title"), t("reporting.ui.missing_question", chars=chars,
                                               where=made.missing[0].where)))
        return bool(answer)

    def action_verify_code(self) -> None:
        from confterm.screens.report_verify import VerifyCodeScreen

        self.app.push_screen(VerifyCodeScreen())


def _declare() -> None:
    scope = ("reports",)
    for command in (
        Command("reports.generate", "reporting.ui.cmd.generate", "ctrl+g", "screen.generate",
                scope),
        Command("reports.print", "reporting.ui.cmd.print", "ctrl+o", "screen.print", scope),
        Command("reports.save", "reporting.ui.cmd.save", "ctrl+s", "screen.save", scope),
        Command("reports.verify", "reporting.ui.cmd.verify", "ctrl+f", "screen.verify_code",
                scope),
        Command("reports.cosign", "reporting.ui.cmd.cosign", "ctrl+n", "screen.cosign", scope),
        # The form's fields take every letter, so the area keys cannot leave it: Esc can
        # (an open drop-down still closes first: its own Esc binding comes before).
        Command("reports.home", "ui.area.home", "escape", "app.open_area('home')", scope),
    ):
        declare(command)


_declare()
register_area(Area("reports", "reporting.ui.area", "f6", ReportsScreen, order=60,
                   summary_key="reporting.ui.summary"))
