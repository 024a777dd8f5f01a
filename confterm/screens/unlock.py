"""The unlock screen: who you are, your passphrase, and a clear reason when it fails.

The list of people comes from the keyslot file (readable without a key). The Argon2id work
runs on a worker thread while an "unlocking…" line shows; the passphrase buffer is wiped
whatever the outcome. Every failure has its own sentence: wrong passphrase, back-off with
the seconds left, unknown person, damaged keyslot file, damaged database, vault in use,
vault missing.
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from confterm import areas
from confterm.errors import AuthError, ConftermError
from confterm.i18n import t
from confterm.screens.base import ConftermScreen
from confterm.unlocking import in_thread, open_for_ui
from confterm.vault.lifecycle import load_slots
from confterm.widgets.passphrase import PassphraseInput


class PeopleList(OptionList):
    """The enrolled people. Typing on it types the name: a person who types their name
    and presses Enter must not unlock as the first one listed (a wasted attempt against
    someone else's passphrase, and a back-off). Keys that arrive in one burst (an input
    method's text) all reach this list before the focus moves, so each one is handled
    here, in order: the first starts the name, the rest extend it."""

    typing = False  # keys typed on the list since it last got the focus

    def _on_focus(self, event: events.Focus) -> None:
        self.typing = False

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character not in (None, " "):
            event.stop()
            event.prevent_default()
            self._type(event.character or "")

    def _on_paste(self, event: events.Paste) -> None:
        if event.text.strip():
            event.stop()
            self._type(event.text.strip())

    def _type(self, text: str) -> None:
        screen: Any = self.screen
        screen.type_name(text, first=not self.typing)
        self.typing = True


def _names(app: Any) -> list[str]:
    loaded = load_slots(app.vault_path)
    return [s.person for s in loaded.file.slots if s.kind == "passphrase" and s.person]


class UnlockScreen(ConftermScreen):
    SCREEN_ID = "unlock"
    HELP_KEY = "ui.help.unlock"
    DATA = False
    AUTO_FOCUS = "#unlock-name"

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        app: Any = self.app
        with Vertical(id="unlock-box"):
            yield Static(t("ui.unlock.title"), id="unlock-title")
            yield Static(t("ui.unlock.vault", path=str(app.vault_path)), id="unlock-vault")
            with Grid(classes="form-grid"):
                yield Label(t("ui.unlock.people"), id="unlock-people-label")
                yield PeopleList(id="unlock-people", compact=True)
                yield Label(t("ui.unlock.name"))
                yield Input(id="unlock-name", placeholder=t("ui.unlock.name_placeholder"),
                            compact=True, select_on_focus=False)  # see PeopleList
                yield Label(t("ui.unlock.passphrase"))
                yield PassphraseInput(id="unlock-pass", compact=True)
            yield Static("", id="unlock-status")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        # While the person types, import every area's module on a worker thread, so the
        # first unlock does not pay for it (~0.8 s with all features) after the KDF.
        self.call_after_refresh(lambda: self.run_worker(areas.discover, thread=True,
                                                        exit_on_error=False))

    async def reload(self) -> None:
        try:
            self.names = await in_thread(_names, self.app)
        except ConftermError as exc:
            self.names = []
            self.set_status(exc.message(), "error")
        people = self.query_one("#unlock-people", OptionList)
        people.clear_options()
        people.add_options([Option(name) for name in self.names])
        people.display = bool(self.names)
        self.query_one("#unlock-people-label").display = bool(self.names)
        if len(self.names) == 1:
            self.query_one("#unlock-name", Input).value = self.names[0]
            self.query_one("#unlock-pass").focus()
        elif self.names:
            people.highlighted = 0
            people.focus()

    def set_status(self, text: str, kind: str = "") -> None:
        status = self.query_one("#unlock-status", Static)
        status.update(text)
        status.set_classes(f"-{kind}" if kind else "")

    @on(OptionList.OptionSelected, "#unlock-people")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#unlock-name", Input).value = str(event.option.prompt)
        self.query_one("#unlock-pass").focus()

    def type_name(self, text: str, first: bool) -> None:
        """Text typed while the list of people had the focus: the start of a name (the
        field gets the focus) or, for keys that came in the same burst, more of it."""
        name = self.query_one("#unlock-name", Input)
        name.value = text if first else name.value + text
        name.cursor_position = len(name.value)
        self.set_focus(name)

    @on(Input.Submitted, "#unlock-name")
    def _name_done(self) -> None:
        self.query_one("#unlock-pass").focus()

    @on(Input.Submitted, "#unlock-pass")
    def _pass_done(self) -> None:
        self.action_unlock()

    def action_unlock(self) -> None:
        if self.busy:
            return
        name = " ".join(self.query_one("#unlock-name", Input).value.split())
        field = self.query_one("#unlock-pass", PassphraseInput)
        if not name:
            self.set_status(t("ui.unlock.name_required"), "error")
            self.query_one("#unlock-name").focus()
            return
        if not field.value:
            self.set_status(AuthError("auth.empty_passphrase").message(), "error")
            field.focus()
            return
        secret = field.take_secret()
        self.busy = True
        self.set_status(t("ui.unlock.working", person=name), "busy")
        self.run_worker(self._unlock(name, secret), exclusive=True, group="unlock",
                        exit_on_error=False)

    async def _unlock(self, name: str, secret: bytearray) -> None:
        app: Any = self.app
        try:
            unlocked = await open_for_ui(app.vault_path, name, secret)
        except ConftermError as exc:
            self.busy = False
            self.set_status(exc.message(), "error")
            self.query_one("#unlock-pass").focus()
            return
        except Exception as exc:  # one sentence, never a traceback
            self.busy = False
            self.set_status(t("ui.unexpected", kind=type(exc).__name__), "error")
            return
        app.enter_vault(unlocked)
