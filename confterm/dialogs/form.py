"""The shape every confterm form dialog shares: a title, fields, a message line, buttons.

Subclasses compose their fields in ``fields()`` and implement ``submit()``; pressing Enter
in the last field or the OK button runs it as a worker owned by the dialog, so the slow
parts (Argon2id) never block the UI and closing the dialog (or locking) cancels it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Static

from confterm.errors import ConftermError
from confterm.i18n import t
from confterm.screens.base import ConftermDialog

R = TypeVar("R")


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
            yield from self.fields()
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(t(self.OK_KEY), id="form-ok", variant="primary")
                yield Button(t("ui.cmd.cancel"), id="form-cancel")
        yield Footer(show_command_palette=False)

    def title_text(self) -> str:
        return t(self.TITLE_KEY)

    def say(self, text: str, kind: str = "error") -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_classes(kind)

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
            event.input.screen.focus_next()

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
