"""The shape every confterm form dialog shares: a title, labelled fields, a message line,
and OK / Cancel.

Fields sit in a two-column grid (label, then the field) with one-line ("compact") inputs,
so even the enrolment form fits an 80×24 terminal. Subclasses yield their rows from
``fields()`` (``row(label, widget)`` or ``wide(widget)``) and implement ``submit()``;
Enter in the last input or the OK button runs it as a worker owned by the dialog, so slow
work (Argon2id) never blocks the UI and closing the dialog (or locking) cancels it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Static

from confterm.errors import ConftermError
from confterm.i18n import t
from confterm.screens.base import ConftermDialog

R = TypeVar("R")


def row(label: str, widget: Widget) -> Iterable[Widget]:
    """A labelled field: the label in the first column, the field in the second."""
    yield Label(label, classes="form-label")
    yield widget


def wide(widget: Widget) -> Iterable[Widget]:
    """A widget across both columns (an explanation, a list)."""
    widget.add_class("form-wide")
    yield widget


def _segments(items: list[Widget]) -> Iterable[Widget]:
    """Labelled rows in grids, wide widgets between them.

    A grid row that spans both columns is measured at each single column's width (Textual
    8.2 ``GridLayout``), so a paragraph across the form came out a dozen lines too tall.
    Wide widgets therefore sit outside the grids, and every grid gets the same label
    column width so the fields still line up from one grid to the next.
    """
    width = max((cell_len(str(w.content)) for w in items
                 if isinstance(w, Label) and w.has_class("form-label")), default=0)
    run: list[Widget] = []
    for widget in items:
        if widget.has_class("form-wide"):
            if run:
                yield _grid(run, width)
                run = []
            yield widget
        else:
            run.append(widget)
    if run:
        yield _grid(run, width)


def _grid(widgets: list[Widget], label_width: int) -> Grid:
    grid = Grid(*widgets, classes="form-grid")
    if label_width:
        grid.styles.grid_columns = f"{label_width} 1fr"
    return grid


class FormDialog(ConftermDialog[R]):
    TITLE_KEY = ""
    OK_KEY = "ui.dialog.ok"

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def fields(self) -> Iterable[Widget]:
        return []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text(), classes="dialog-title")
            yield from _segments(list(self.fields()))
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(t(self.OK_KEY), id="form-ok", variant="primary", compact=True)
                yield Button(t("ui.cmd.cancel"), id="form-cancel", compact=True)
        yield Footer(show_command_palette=False)

    def title_text(self) -> str:
        return t(self.TITLE_KEY)

    def say(self, text: str, kind: str = "error") -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_classes(kind)

    @property
    def message_text(self) -> str:
        return str(self.query_one("#form-message", Static).render())

    @on(Button.Pressed, "#form-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#form-ok")
    def _ok(self) -> None:
        self.start_submit()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if inputs and event.input is inputs[-1]:
            self.start_submit()
        else:
            self.focus_next()

    def start_submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.run_worker(self._guarded(), exclusive=True, group="submit", exit_on_error=False)

    async def _guarded(self) -> None:
        try:
            await self.submit()
        except ConftermError as exc:
            self.say(exc.message())
        except Exception as exc:  # one sentence, never a traceback
            self.say(t("ui.unexpected", kind=type(exc).__name__))
        finally:
            self.busy = False

    async def submit(self) -> None:
        """Validate, do the work (off the UI thread), then ``self.dismiss(result)``."""

    @property
    def app_any(self) -> Any:
        return self.app
