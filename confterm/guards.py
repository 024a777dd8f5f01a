"""What the app refuses to do with vault content, and the English it must not show.

Mixed into ConftermApp: every copy goes through ``copy_to_clipboard`` (Input, TextArea,
screen selection, ctrl+c), so one override keeps vault data off the clipboard and out of
the terminal's OSC 52 channel; the palette's "Screenshot" command (which writes the screen,
vault data included, to a file) is not offered; and Textual's own English messages are
replaced by catalogue text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.screen import Screen

from confterm.i18n import t


class GuardsMixin(App[None]):
    def copy_to_clipboard(self, text: str) -> None:
        """No vault content ever reaches the clipboard (nor the terminal's, via OSC 52)."""
        self.notify(t("ui.clipboard_disabled"), severity="warning")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Only translated, harmless system commands: no "Screenshot"."""
        yield SystemCommand(t("ui.cmd.theme"), t("ui.cmd.theme_help"), self.action_change_theme)

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder=t("ui.palette_placeholder"),
                                            id="--command-palette"))

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Disabled for the same reason as the palette's screenshot command."""

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (it is "copy" in text fields); say how to quit."""
        self.notify(t("ui.quit_hint"))
