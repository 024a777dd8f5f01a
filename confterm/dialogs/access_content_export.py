"""Export the content of the records a request grants to a file the person names.

The file holds clients' personal information unmasked, so the dialog says so before the
person confirms, and names the records it will hold. Whether the export may happen at all
is the vault's decision (``content_export``): an attempt under a request that does not
cover every record is refused on the message line and audited, and no file appears.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input, Static

from confterm.dialogs.form import row, wide
from confterm.dialogs.request_dialog import RequestDialog
from confterm.errors import InputError
from confterm.i18n import language, t
from confterm.vault.access import content_export

_SHOWN = 6  # archive numbers named in the dialog; the rest are counted


def default_path(request_id: int) -> str:
    return str(Path.home() / f"confterm-request-{request_id}-{date.today():%Y%m%d}.xlsx")


class ContentExportDialog(RequestDialog[int | None]):
    TITLE_KEY = "content.ui.export_title"
    OK_KEY = "content.ui.export_ok"

    def fields(self) -> Iterable[Widget]:
        granted = [r.archive_no for r in self.detail.records if r.granted]
        shown = t("ui.list_sep").join(granted[:_SHOWN]) + ("…" if len(granted) > _SHOWN
                                                           else "")
        yield from wide(Static(t("content.ui.export_warning"), classes="form-note"))
        yield from row(t("content.ui.export_records"), Static(t(
            "content.ui.export_records_value", count=len(granted), archive_nos=shown or "—")))
        yield from row(t("content.ui.export_file"), Input(
            default_path(self.detail.request.id), id="content-export-file", compact=True))

    def on_mount(self) -> None:
        self.query_one("#content-export-file").focus()

    async def submit(self) -> None:
        text = self.query_one("#content-export-file", Input).value.strip()
        if not text:
            raise InputError("content.ui.export_no_file")
        path = content_export.check_target(text)
        self.say(t("content.ui.export_working"), "busy")
        done = await self.service(content_export.export_request, self.detail.request.id,
                                  path, language())
        self.app.notify(t("content.ui.export_done", count=done.records, file=str(done.path)),
                        timeout=10)
        self.dismiss(done.records)
