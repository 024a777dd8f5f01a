"""Change one field of a record: applied at once, or proposed when the field is controlled.

The dialog reads the record's version when it opens; if someone changes the record before
OK is pressed, the vault refuses the edit as a conflict and nothing is overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from confterm.dialogs.form import FormDialog, row, wide
from confterm.errors import ConftermError
from confterm.i18n import t
from confterm.vault.access import change_values
from confterm.vault.access.change_apply import EDITABLE
from confterm.vault.access.changes import EditOutcome


class ChangeDialog(FormDialog[EditOutcome | None]):
    TITLE_KEY = "access.ui.change_title"
    OK_KEY = "access.ui.change_ok"
    DEFAULT_CSS = "ChangeDialog .dialog { width: 90; }"

    def __init__(self, archive_no: str = "") -> None:
        super().__init__()
        self.archive_no = archive_no
        self.record: tuple[int, int, dict[str, str]] | None = None
        self.loaded_no = ""

    def fields(self) -> Iterable[Widget]:
        yield from row(t("access.record_field.archive_no"),
                       Input(self.archive_no, id="change-archive", compact=True))
        yield from row(t("access.ui.field"), Select(
            [(t(f"access.record_field.{f}"), f) for f in EDITABLE], value="title",
            allow_blank=False, id="change-field", compact=True))
        yield from wide(Static("", id="change-current"))
        yield from row(t("access.field.value"), Input(id="change-value", compact=True))
        yield from row(t("access.field.reason"), Input(id="change-reason", compact=True))

    async def reload(self) -> None:
        if self.archive_no:
            await self._load(self.archive_no)

    @on(Input.Changed, "#change-archive")
    def _archive_typed(self, event: Input.Changed) -> None:
        if event.value.strip() != self.loaded_no:
            self.record = None
            self.query_one("#change-current", Static).update("")

    @on(Input.Submitted, "#change-archive")
    async def _archive_entered(self, event: Input.Submitted) -> None:
        event.stop()
        await self._load(event.value)
        self.query_one("#change-field").focus()

    @on(Select.Changed, "#change-field")
    def _field_changed(self) -> None:
        self._show_current()

    async def _load(self, archive_no: str) -> None:
        try:
            self.record = await self.service(change_values.record_for_edit, archive_no)
        except ConftermError as exc:
            self.record = None
            self.say(exc.message())
            return
        self.loaded_no = archive_no.strip()
        self.say("", "busy")
        self._show_current()

    def _show_current(self) -> None:
        if self.record is None:
            return
        field = str(self.query_one("#change-field", Select).value)
        value = self.record[2].get(field, "")
        self.query_one("#change-current", Static).update(
            t("access.ui.current_value", value=value or "—", version=self.record[1]))
        self.query_one("#change-value", Input).value = value

    async def submit(self) -> None:
        if self.record is None:
            await self._load(self.query_one("#change-archive", Input).value)
            if self.record is None:
                return
        record_id, version, _ = self.record
        outcome: EditOutcome = await self.service(
            change_values.propose_typed, record_id, version,
            str(self.query_one("#change-field", Select).value),
            self.query_one("#change-value", Input).value,
            self.query_one("#change-reason", Input).value)
        key = "access.ui.change_proposed" if outcome.proposal_id else "access.ui.change_applied"
        self.app.notify(t(key, change=outcome.proposal_id or ""))
        self.dismiss(outcome)
