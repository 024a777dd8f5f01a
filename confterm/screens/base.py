"""What every confterm screen and dialog shares.

- Key bindings come from ``confterm.commands`` (for this screen's ``SCREEN_ID`` and the
  unlocked person's roles) and are rebuilt when the language changes.
- ``reload()`` fetches what the screen shows; it runs after mount and after a language
  switch (which recomposes the screen), so the same code path serves both.
- ``service(fn, ...)`` awaits a vault service on the database thread; errors a person
  should read are shown with ``show_error``.
- A ``TooSmall`` notice is mounted on each screen; CSS shows it instead of the layout when
  the terminal is too small.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual import events, on
from textual.screen import ModalScreen, Screen

from confterm import commands
from confterm.errors import ConftermError, InputError
from confterm.i18n import t
from confterm.vault.session import VaultSession
from confterm.widgets.too_small import TooSmall

R = TypeVar("R")
RECOMPOSE_RETRY = 0.05  # seconds before a timer's callback tries again on a rebuilt screen


def when_composed(method: Callable[..., None]) -> Callable[..., None]:
    """For a callback a timer calls on a screen: while a language switch rebuilds the
    screen its widgets are briefly gone, so the call waits until they are back instead of
    failing to find them (which would end the app)."""

    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "recomposing", False):
            self.set_timer(RECOMPOSE_RETRY, lambda: guarded(self, *args, **kwargs))
            return
        method(self, *args, **kwargs)

    return guarded


class CommandsMixin:
    """Bindings from the command declarations; language-aware reload."""

    SCREEN_ID: ClassVar[str] = ""
    HELP_KEY: ClassVar[str] = ""  # catalogue key explaining the screen
    DATA: ClassVar[bool] = True  # a screen showing vault data (ANY-scoped commands apply)
    loaded = False  # set once ``reload`` has finished (tests and the benchmark wait for it)
    recomposing = False  # true while a language switch rebuilds the widgets

    def install_commands(self) -> None:
        node: Any = self
        bound = self.screen_commands()
        if node.is_modal:  # a modal footer shows only its own bindings: repeat the app's
            bound += [c for c in commands.global_commands() if c.show]
        node._bindings = commands.bindings_map(node._merged_bindings, bound)

    def screen_commands(self) -> list[commands.Command]:
        """This screen's commands for the unlocked person (not the key to itself)."""
        node: Any = self
        roles = node.app.roles if hasattr(node.app, "roles") else None
        return [c for c in commands.for_screen(self.SCREEN_ID, self.DATA, roles)
                if c.id != f"area.{self.SCREEN_ID}"]

    async def refresh_language(self) -> None:
        node: Any = self
        self.install_commands()
        self.before_recompose()
        node.workers.cancel_group(node, "reload")  # it would look for the widgets going away
        self.recomposing = True
        try:
            await node.recompose()
            await node.mount(TooSmall())
        finally:
            self.recomposing = False
        node.refresh_bindings()
        self.start_reload()

    def before_recompose(self) -> None:
        """Keep what the widgets hold that ``reload`` should bring back after a language
        switch (a highlighted row, opened branches); override."""

    async def reload(self) -> None:
        """Fetch and show this screen's data (override)."""

    def start_reload(self) -> None:
        """Run ``reload`` as a worker owned by this screen: removing the screen (e.g. on
        lock) cancels it, and an error becomes a message rather than a crash."""
        node: Any = self

        async def guarded() -> None:
            try:
                await self.reload()
                self.loaded = True
            except Exception as exc:  # shown, not raised: a failed fetch must not exit
                self.show_error(exc)

        # The function, not a coroutine: a run cancelled before it starts leaves nothing
        # un-awaited behind (a newer reload, or the screen removed on lock).
        node.run_worker(guarded, exclusive=True, group="reload", exit_on_error=False)

    @property
    def session(self) -> VaultSession:
        node: Any = self
        session: VaultSession | None = getattr(node.app, "session", None)
        if session is None:
            raise InputError("vault.locked")
        return session

    async def service(self, fn: Any, *args: Any) -> Any:
        """Run ``fn(ctx, *args)`` on the database thread without blocking the UI."""
        return await self.session.acall(fn, *args)

    def show_error(self, error: BaseException) -> None:
        node: Any = self
        if self.DATA and getattr(node.app, "session", None) is None:
            return  # locked meanwhile: the lock screen shows nothing of this screen
        text = error.message() if isinstance(error, ConftermError) else \
            t("ui.unexpected", kind=type(error).__name__)
        node.notify(text, severity="error", timeout=8)


class ConftermScreen(CommandsMixin, Screen[None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.install_commands()

    @on(events.Mount)
    async def _mount_common(self) -> None:
        await self.mount(TooSmall())
        self.start_reload()

    def action_reload(self) -> None:
        self.start_reload()


class ConftermDialog(CommandsMixin, ModalScreen[R]):
    """A modal dialog: opaque enough to read, removed with its screen stack on lock."""

    SCREEN_ID = "dialog"
    DATA = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.install_commands()

    @on(events.Mount)
    async def _mount_common(self) -> None:
        await self.mount(TooSmall())
        self.start_reload()

    def action_cancel(self) -> None:
        self.dismiss(None)
