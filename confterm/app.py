"""The confterm application: wiring only (modes, idle lock, clipboard gate, language).

Two modes: ``gate`` (unlock or lock screen; no vault data) and ``vault`` (home and every
area, opened per person). Locking closes the session at once, switches to a fresh gate and
removes the whole vault mode: its screen stack, dialogs included, and the workers those
screens own. Nothing a screen does can keep the vault unlocked.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import get_system_commands_provider

from confterm import areas, commands
from confterm.guards import GuardsMixin
from confterm.i18n import LANGUAGES, default_language, language, set_language, t
from confterm.idle import Clock, IdleTracker
from confterm.palette import CommandsProvider
from confterm.screens.base import CommandsMixin
from confterm.screens.lock import LockScreen
from confterm.screens.unlock import UnlockScreen
from confterm.unlocking import Unlocked
from confterm.vault import settings
from confterm.vault.kdf import KdfParams
from confterm.vault.session import VaultSession
from confterm.widgets.too_small import too_small


class ConftermApp(GuardsMixin):
    CSS_PATH = "app.tcss"
    TITLE = "confterm"
    DEFAULT_MODE = "gate"
    MODES: ClassVar[dict[str, Any]] = {"gate": UnlockScreen}
    COMMANDS: ClassVar[set[Any]] = {CommandsProvider, get_system_commands_provider}

    def __init__(self, vault_path: Path, lang: str | None, idle_timeout: int | None,
                 clock: Clock = time.monotonic, idle_poll: float = 1.0,
                 kdf_params: KdfParams | None = None) -> None:
        super().__init__()
        self.vault_path, self.kdf_params = vault_path, kdf_params
        self.lang_forced, self.idle_override = lang is not None, idle_timeout
        self.session: VaultSession | None = None
        self.idle = IdleTracker(idle_timeout or settings.DEFAULT_IDLE_TIMEOUT, clock)
        self._idle_poll = idle_poll
        self.install_global_bindings()

    @property
    def roles(self) -> frozenset[str] | None:
        return self.session.person.roles if self.session else None

    def install_global_bindings(self) -> None:
        self._bindings = commands.bindings_map(self._merged_bindings, commands.global_commands(),
                                               drop_actions=frozenset({"quit", "command_palette"}))

    def command_available(self, command: commands.Command) -> bool:
        unlocked = self.session is not None
        return command.when == "always" or (command.when == "unlocked") == unlocked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.session is not None if action == "lock" else True

    def on_mount(self) -> None:
        self.set_interval(self._idle_poll, self.poll_idle)
        self.set_class(too_small(*self.size), "-too-small")

    def on_unmount(self) -> None:
        """Quitting closes the vault like a lock does (keys wiped, lock file released)."""
        if self.session is not None:
            self.session.close(wait=True)
            self.session = None

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(too_small(*event.size), "-too-small")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseEvent | events.Paste):
            self.idle.mark()  # Paste is not an InputEvent (FINDINGS.md): listed on its own
        await super().on_event(event)

    def poll_idle(self) -> None:
        if self.session is not None and self.idle.expired():
            self.lock()

    def enter_vault(self, unlocked: Unlocked) -> None:
        """Start a person's session at home (a fresh screen stack every time)."""
        self.session = unlocked.session
        if not self.lang_forced and unlocked.lang in LANGUAGES:
            set_language(unlocked.lang)
        self.install_global_bindings()
        self.idle.timeout = float(self.idle_override or unlocked.idle_timeout)
        self.idle.mark()
        home = areas.get("home")
        assert home is not None
        self._enter_mode("vault", home.screen, "gate")
        # Everything imported so far lives as long as the app: keep it out of full GC passes,
        # whose 140-200 ms pauses were the page-down outliers of the archive browser.
        gc.freeze()

    def lock(self) -> None:
        session, self.session = self.session, None
        if session is None:
            return
        session.close(wait=False)  # keys wiped now; a running query is interrupted
        self.clear_notifications()
        self._enter_mode("gate", LockScreen, "vault")
        self.install_global_bindings()

    def _enter_mode(self, mode: str, factory: Any, old: str) -> None:
        """Switch to a fresh ``mode`` and drop ``old`` with everything stacked in it.

        A new screen normally makes Textual re-parse every stylesheet twice (its CSS
        counter starts at -1), ~0.1 s on this machine; the sources have not changed, so
        the screen is marked current and the rules are applied as its widgets mount."""

        def fresh() -> Any:
            screen = factory()
            screen._css_update_count = self._css_update_count
            return screen

        self.add_mode(mode, fresh)
        self.switch_mode(mode)
        self.remove_mode(old)

    def action_lock(self) -> None:
        self.lock()

    async def action_open_area(self, area_id: str) -> None:
        area = areas.get(area_id)
        if self.session is None or area is None:
            return
        if not area.allowed(self.session.person.roles):
            self.notify(t("ui.area_denied", area=t(area.label_key)), severity="error")
            return
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        if area_id != "home":
            await self.push_screen(area.screen())

    def action_help(self) -> None:
        from confterm.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_switch_language(self) -> None:
        new = LANGUAGES[(LANGUAGES.index(language()) + 1) % len(LANGUAGES)]
        set_language(new)
        self.install_global_bindings()
        if self.session is not None:
            await self.session.acall(settings.set_own_language, new)
        for screen in list(self.screen_stack):
            if isinstance(screen, CommandsMixin):
                await screen.refresh_language()
        self.refresh_bindings()


def create_app(vault_path: Path, lang: str | None = None, idle_timeout: int | None = None,
               clock: Clock = time.monotonic, *, idle_poll: float = 1.0,
               kdf_params: KdfParams | None = None) -> ConftermApp:
    """The one way to build the app, shared by the CLI, the tests and the benchmark."""
    set_language(lang or default_language())
    return ConftermApp(Path(vault_path).expanduser(), lang, idle_timeout, clock, idle_poll,
                       kdf_params)
