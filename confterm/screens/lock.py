"""The lock screen: opaque, and nothing on it but "Locked" and how to unlock."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Footer, Static

from confterm.i18n import t
from confterm.screens.base import ConftermScreen


class LockScreen(ConftermScreen):
    SCREEN_ID = "lock"
    HELP_KEY = "ui.help.lock"
    DATA = False

    def compose(self) -> ComposeResult:
        with Middle(id="lock-box"):
            with Center():
                yield Static(t("ui.lock.title"), id="lock-title")
            yield Static(t("ui.lock.how"), id="lock-how")
        yield Footer(show_command_palette=False)

    def action_unlock(self) -> None:
        from confterm.screens.unlock import UnlockScreen

        self.app.push_screen(UnlockScreen())
