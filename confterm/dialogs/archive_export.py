"""Export the records matching the browser's query to CSV or XLSX, with a stated purpose.

This is the one way catalogue data leaves the encrypted vault as plain text, so it is
explicit: a file name the person types, a purpose, and an audit event (by the export
service) naming the person, purpose, file, record count and the file's SHA-256. Clients'
personal information is never part of an export.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from confterm.dialogs.archive_scope import Scope
from confterm.dialogs.form import FormDialog, row, wide
from confterm.errors import InputError
from confterm.i18n import language, t
from confterm.vault.catalogue import export
from confterm.vault.catalogue.filters import Filters


def default_path(fmt: str = "xlsx") -> str:
    return str(Path.home() / f"confterm-export-{date.today():%Y%m%d}.{fmt}")


class ExportDialog(FormDialog[int | None]):
    TITLE_KEY = "archive.export.title"
    OK_KEY = "archive.export.ok"

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self.scope = scope

    def fields(self) -> Iterable[Widget]:
        yield from row(t("archive.form.scope"), Static(self.scope.describe()))
        yield from row(t("archive.export.format"), Select(
            [("XLSX", "xlsx"), ("CSV (UTF-8)", "csv")], value="xlsx", allow_blank=False,
            id="export-format", compact=True))
        yield from row(t("archive.export.file"), Input(default_path(), id="export-file",
                                                       compact=True))
        yield from row(t("archive.export.purpose"), Input(id="export-purpose", compact=True))
        yield from wide(Static(t("archive.export.note"), classes="form-note"))

    def on_mount(self) -> None:
        self.query_one("#export-purpose").focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        field = self.query_one("#export-file", Input)
        path = Path(field.value.strip() or default_path())
        if event.value in ("csv", "xlsx") and path.suffix.lower() in (".csv", ".xlsx"):
            field.value = str(path.with_suffix(f".{event.value}"))

    async def submit(self) -> None:
        fmt = str(self.query_one("#export-format", Select).value)
        text = self.query_one("#export-file", Input).value.strip()
        if not text:
            raise InputError("archive.export.no_file")
        path = Path(text).expanduser()
        if path.exists():
            raise InputError("archive.export.exists", file=str(path))
        purpose = self.query_one("#export-purpose", Input).value
        filters = self.scope.filters or Filters()
        self.say(t("archive.working"), "busy")
        n = await self.service(export.export, path, fmt, purpose, filters, language())
        self.app.notify(t("archive.export.done", n=n, file=str(path)), timeout=10)
        self.dismiss(n)
