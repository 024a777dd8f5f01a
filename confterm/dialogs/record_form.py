"""Catalogue one record by hand, or edit every field of one record at once.

A new record goes through ``records.create`` (the same checks as an import). An edit goes
through change control (``changes.edit_record``): fields such as the title or notes change
at once; controlled ones (level, archive number, client, category, years, personal-info
flag, the location of a personal-info record) become one proposal an approver accepts in
the Access area. The labels of controlled fields carry a mark so the person knows before
saving which part will wait. The form remembers the version it loaded; if someone changes
the record meanwhile, the vault refuses the edit and nothing is overwritten.

The dialog is taller than a small terminal: the whole dialog scrolls, and the focused
field and the message line are kept in view.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import on
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from confterm.dialogs import record_form_data as data
from confterm.dialogs.archive_change import LabelsDialog
from confterm.dialogs.form import FormDialog, row
from confterm.i18n import t
from confterm.screens.base import when_composed
from confterm.vault.access.changes import EditOutcome
from confterm.vault.catalogue.record_input import MEDIA

INPUTS = ("archive_no", "title", "client_id", "fiscal_year", "start_year", "end_year",
          "volume_no", "books", "pages", "scrapped_year", "location_id", "unresolved_reason")
CONTROL_MARK = " ◆"
FORM_CSS = """
{cls} .form-grid TextArea {{ height: 3; min-height: 3; }}
{cls} .form-hint {{ color: $text-muted; }}
"""


def tall_form(form: FormDialog[Any], width: int) -> None:
    """Wide, gap-free and scrolling as a whole: inline styles, because the app's stylesheet
    (.dialog, .form-grid) outranks a dialog's DEFAULT_CSS. The focused field is scrolled
    into view by Textual; the message line by ``say``. (A grid sizes an auto row by its
    content, so a TextArea needs a min-height; hints sit in the field column, where
    their height is measured at the width they are drawn in.)"""
    dialog = form.query_one(".dialog")
    dialog.styles.width = width
    dialog.styles.max_height = "95%"
    dialog.styles.overflow_y = "auto"
    for grid in form.query(".form-grid"):
        grid.styles.grid_gutter_horizontal = 0  # between rows


def field_label(field: str) -> str:
    return t(f"access.record_field.{field}")


def applied_text(outcome: EditOutcome, proposed: Iterable[str]) -> str:
    """One sentence per part: what changed now, what waits for an approver (and where)."""
    sep = t("ui.list_sep")
    parts = []
    if outcome.applied:
        parts.append(t("forms.record.applied",
                       fields=sep.join(field_label(f) for f in outcome.applied)))
    if outcome.proposal_id is not None:
        parts.append(t("forms.record.proposed", change=outcome.proposal_id,
                       fields=sep.join(field_label(f) for f in proposed)))
    return "\n".join(parts)


class RecordForm(FormDialog[int | EditOutcome | None]):
    """New record (``record`` None; returns the new id) or edit (returns EditOutcome).

    The choices and the record are read before the dialog opens (``open_record_form``), so
    the fields are filled as they are made and the version is the one the person sees."""

    OK_KEY = "forms.save"
    DEFAULT_CSS = FORM_CSS.format(cls="RecordForm")

    def __init__(self, choices: data.Choices, record: data.Loaded | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.record = record
        self.start: dict[str, data.FormValue] = dict(record.values) if record else {
            **dict.fromkeys(data.FIELDS, ""), "books": "1", "medium": "paper",
            "level": "internal" if any(c == "internal" for _n, c in choices.levels)
            else (choices.levels[0][1] if choices.levels else ""),
            "personal_info": False, "unresolved": False}
        self._client_timer: Timer | None = None

    def title_text(self) -> str:
        if self.record is None:
            return t("forms.record.title_new")
        return t("forms.record.title_edit", archive_no=self.record.archive_no,
                 version=self.record.version)

    def label(self, field: str) -> str:
        """The field's name, marked when changing it needs an approver."""
        controlled = self.record is not None and field in self.record.controlled
        return field_label(field) + (CONTROL_MARK if controlled else "")

    def _input(self, field: str, digits: bool = False, **kwargs: object) -> Iterable[Widget]:
        box = Input(str(self.start[field]), id=f"rf-{field}", compact=True,
                    restrict=r"[0-9]*" if digits else None,
                    **kwargs)  # type: ignore[arg-type]
        yield from row(self.label(field), box)

    def _select(self, field: str, options: list[tuple[str, str]]) -> Iterable[Widget]:
        value = self.start[field]
        known = any(code == value for _n, code in options)
        yield from row(self.label(field), Select(
            options, value=value if known else Select.NULL, id=f"rf-{field}", compact=True,
            allow_blank=not known, prompt=t("forms.record.pick")))

    def _flag(self, field: str) -> Iterable[Widget]:
        yield from row("", Checkbox(self.label(field), bool(self.start[field]),
                                    id=f"rf-{field}", compact=True))

    def fields(self) -> Iterable[Widget]:
        c = self.choices
        yield from self._input("archive_no")
        yield from self._input("title")
        yield from self._input("client_id", placeholder=t("forms.record.client_hint"),
                               suggester=SuggestFromList(c.clients))
        yield from row("", Static("", id="rf-client-found", classes="form-hint"))
        yield from self._select("category", c.categories)
        yield from self._select("level", c.levels)
        for field in ("fiscal_year", "start_year", "end_year"):
            yield from self._input(field, digits=True)
        yield from self._input("volume_no")
        yield from self._input("books", digits=True)
        yield from self._input("pages", digits=True)
        yield from self._select("medium", [(t(f"catalogue.medium.{m}"), m) for m in MEDIA])
        yield from self._input("scrapped_year", digits=True,
                               placeholder=t("forms.record.scrapped_hint"))
        yield from self._input("location_id", placeholder=t("forms.record.location_hint"),
                               suggester=SuggestFromList(c.places))
        yield from self._flag("personal_info")
        yield from self._flag("unresolved")
        yield from self._input("unresolved_reason")
        yield from row(field_label("notes"), TextArea(str(self.start["notes"]), id="rf-notes",
                                                      compact=True))
        if self.record is None:
            yield from row(t("forms.record.labels"), Input(
                id="rf-labels", compact=True, placeholder=t("forms.record.labels_hint"),
                suggester=SuggestFromList(c.labels)))
        else:
            yield from row(t("forms.reason"), Input(id="rf-reason", compact=True))
            yield from row("", Static(t("forms.record.control_note",
                                        mark=CONTROL_MARK.strip()), classes="form-hint"))

    def on_mount(self) -> None:
        tall_form(self, 100)
        self.query_one("#rf-archive_no").focus()
        if self.start["client_id"]:
            self._find_client()

    # ---- the client line: whom the typed code or name names ---------------------------

    @on(Input.Changed, "#rf-client_id")
    def _client_typed(self) -> None:
        if self._client_timer is not None:
            self._client_timer.stop()
        self._client_timer = self.set_timer(0.15, self._find_client)

    @when_composed
    def _find_client(self) -> None:
        async def run() -> None:
            text = self.query_one("#rf-client_id", Input).value.strip()
            found = await self.service(data.client_line, text) if text else ""
            self.query_one("#rf-client-found", Static).update(
                t("forms.record.client_found", client=found) if found
                else t("forms.record.client_none") if text else "")

        self.run_worker(run(), group="client-line", exclusive=True, exit_on_error=False)

    # ---- saving ---------------------------------------------------------------------

    def values(self) -> dict[str, data.FormValue]:
        out: dict[str, data.FormValue] = {
            f: self.query_one(f"#rf-{f}", Input).value for f in INPUTS}
        for field in data.CHOICE_FIELDS:
            value = self.query_one(f"#rf-{field}", Select).value
            out[field] = "" if value is Select.NULL else str(value)
        for field in data.FLAG_FIELDS:
            out[field] = self.query_one(f"#rf-{field}", Checkbox).value
        out["notes"] = self.query_one("#rf-notes", TextArea).text
        return out

    def say(self, text: str, kind: str = "error") -> None:
        super().say(text, kind)
        if text:
            self.query_one("#form-message").scroll_visible(animate=False)

    async def submit(self) -> None:
        values = self.values()
        if self.record is None:
            names = LabelsDialog.split(self.query_one("#rf-labels", Input).value)
            record_id: int = await self.service(data.create, values, names)
            self.app.notify(t("forms.record.created", archive_no=values["archive_no"]))
            self.dismiss(record_id)
            return
        changed = {f: v for f, v in values.items() if v != self.record.values[f]}
        if not changed:
            self.say(t("forms.nothing_changed"))
            return
        outcome: EditOutcome = await self.service(
            data.edit, self.record.record_id, self.record.version, changed,
            self.query_one("#rf-reason", Input).value)
        proposed = [f for f in changed if f in self.record.controlled]
        self.app.notify(applied_text(outcome, proposed), timeout=12)
        self.dismiss(outcome)


async def open_record_form(node: Any, record_id: int | None = None) -> RecordForm:
    """Read the choices (and the record) on the database thread, then make the form."""
    choices: data.Choices = await node.service(data.choices)
    loaded = await node.service(data.load, record_id) if record_id is not None else None
    return RecordForm(choices, loaded)
