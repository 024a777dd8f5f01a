"""A yes/no question, for acts that cannot be undone from the screen (disable a person)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Static

from confterm.dialogs.form import FormDialog, wide


class ConfirmDialog(FormDialog[bool]):
    OK_KEY = "ui.dialog.yes"

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_line = title
        self.question = question

    def title_text(self) -> str:
        return self.title_line

    def fields(self) -> Iterable[Widget]:
        yield from wide(Static(self.question))

    def on_mount(self) -> None:
        self.query_one("#form-cancel").focus()  # the safe choice is the default

    async def submit(self) -> None:
        self.dismiss(True)
