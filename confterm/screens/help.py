"""Help (F1 or ?): what the current screen is for, and every key it and the app offer.

Generated from the command declarations, so it always matches the footer and palette.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from confterm import commands
from confterm.i18n import t
from confterm.screens.base import ConftermDialog


class HelpScreen(ConftermDialog[None]):
    HELP_KEY = "ui.help.help"

    def __init__(self, about: Screen[Any]) -> None:
        super().__init__()
        self.about = about

    def _explanation(self) -> str:
        key = getattr(self.about, "HELP_KEY", "")
        return t(key) if key else t("ui.help.generic")

    def _keys(self) -> Table:
        app: Any = self.app
        own = self.about.screen_commands() if hasattr(self.about, "screen_commands") else []
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        seen: set[str] = set()
        for command in own + commands.global_commands():
            if not app.command_available(command) or command.label_key + command.action in seen:
                continue
            seen.add(command.label_key + command.action)
            same = [c.keys_shown for c in own + commands.global_commands()
                    if c.action == command.action and c.label_key == command.label_key]
            table.add_row(" / ".join(dict.fromkeys(same)), command.label)
        return table

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static(Text(t("ui.help.title"), style="bold"), classes="dialog-title")
            yield Static(self._explanation(), id="help-text")
            yield Static(Text(t("ui.help.keys"), style="bold"), classes="dialog-subtitle")
            yield Static(self._keys(), id="help-keys")
        yield Footer(show_command_palette=False)
