"""Print (choose a printer and copies) or save (choose a path) an issued report, with a
purpose. CUPS's state is shown before anything is sent: not installed, scheduler down, no
printer, or each queue's own status; sending and saving run off the UI thread, and every
outcome, a failed print included, is audited by ``confterm.vault.reporting.deliver``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from confterm.dialogs.form import FormDialog, row, wide
from confterm.errors import InputError
from confterm.i18n import t
from confterm.reports import printing
from confterm.unlocking import in_thread
from confterm.vault.reporting import deliver, produce, run


class _DeliverDialog(FormDialog[str | None]):
    def __init__(self, made: run.Generated, purpose: str) -> None:
        super().__init__()
        self.made = made
        self.purpose = purpose

    def title_text(self) -> str:
        report = self.made.prepared.report
        return t(self.TITLE_KEY, report_id=report.report_id, title=report.title)

    def _purpose(self) -> str:
        return produce.check_purpose(self.query_one("#rd-purpose", Input).value)

    def purpose_row(self) -> Iterable[Widget]:
        yield from row(t("reporting.ui.f.purpose"), Input(self.purpose, id="rd-purpose",
                                                          compact=True))


class PrintDialog(_DeliverDialog):
    TITLE_KEY = "reporting.ui.print_title"
    OK_KEY = "reporting.ui.cmd.print"

    def __init__(self, made: run.Generated, purpose: str) -> None:
        super().__init__(made, purpose)
        self.printers: list[printing.Printer] = []

    def fields(self) -> Iterable[Widget]:
        yield from wide(Static(t("reporting.ui.cups_checking"), id="rd-cups"))
        yield from row(t("reporting.ui.f.printer"), OptionList(id="rd-printers", compact=True))
        yield from row(t("reporting.ui.f.copies"), Input("1", id="rd-copies", compact=True,
                                                         type="integer"))
        yield from self.purpose_row()

    async def reload(self) -> None:
        status = self.query_one("#rd-cups", Static)
        try:
            self.printers = await in_thread(printing.list_printers)
        except printing.PrintingError as exc:
            status.update(exc.message())
            status.add_class("error")
            return
        listing = self.query_one("#rd-printers", OptionList)
        listing.clear_options()
        listing.add_options([Option(self._line(p), id=p.name) for p in self.printers])
        if not self.printers:
            status.update(printing.NoPrinters().message())
            status.add_class("error")
            return
        default = next((i for i, p in enumerate(self.printers) if p.is_default), 0)
        listing.highlighted = default
        status.update(t("reporting.ui.cups_ready", count=len(self.printers)))
        listing.focus()

    @staticmethod
    def _line(p: printing.Printer) -> str:
        marks = [t("reporting.ui.printer_default")] if p.is_default else []
        if not p.enabled:
            marks.append(t("reporting.ui.printer_disabled"))
        if not p.accepting:
            marks.append(t("reporting.ui.printer_rejecting"))
        extra = f"  ({', '.join(marks)})" if marks else ""
        return f"{p.name}{extra}  —  {p.status}"

    async def submit(self) -> None:
        listing = self.query_one("#rd-printers", OptionList)
        if listing.highlighted is None or not self.printers:
            raise InputError("reporting.ui.pick_printer")
        printer = self.printers[listing.highlighted].name
        text = self.query_one("#rd-copies", Input).value.strip()
        copies = int(text) if text.isdigit() else 0
        purpose = self._purpose()
        self.say(t("reporting.ui.sending", printer=printer), "busy")
        made = self.made
        done = await in_thread(deliver.print_report, self.app_any.session, made.issued,
                               made.produced.pdf, printer, copies, purpose)
        key = "reporting.cli.queued" if done.queued else "reporting.cli.printed"
        self.dismiss(t(key, printer=done.printer, job=done.job_id, copies=done.copies))


class SaveDialog(_DeliverDialog):
    TITLE_KEY = "reporting.ui.save_title"
    OK_KEY = "reporting.ui.cmd.save"

    def fields(self) -> Iterable[Widget]:
        default = Path.home() / f"{self.made.issued.report_id}.pdf"
        yield from row(t("reporting.ui.f.path"), Input(str(default), id="rd-path",
                                                       compact=True))
        yield from self.purpose_row()
        yield from wide(Static(t("reporting.ui.save_note")))

    async def submit(self) -> None:
        text = self.query_one("#rd-path", Input).value.strip()
        if not text:
            raise InputError("reporting.ui.path_needed")
        purpose = self._purpose()
        made = self.made
        saved = await in_thread(deliver.save, self.app_any.session, made.issued,
                                made.produced.pdf, Path(text), purpose)
        self.dismiss(t("reporting.cli.saved", path=str(saved)))
