"""The command palette (ctrl+p): every command available on the current screen.

It lists the same declarations the footer and help use (``confterm.commands``), filtered
by the screen, the unlocked person's roles and the lock state, with their keys beside them.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from confterm import commands


class CommandsProvider(Provider):
    def _available(self) -> list[commands.Command]:
        app: Any = self.app
        screen: Any = self.screen
        own = screen.screen_commands() if hasattr(screen, "screen_commands") else []
        return [c for c in own + commands.global_commands()
                if c.action and app.command_available(c) and c.id != "palette"]

    def _run(self, command: commands.Command) -> None:
        self.app.call_later(self.app.run_action, command.action, self.screen)

    async def discover(self) -> Hits:
        for command in self._available():
            yield DiscoveryHit(command.label, partial(self._run, command),
                               help=command.keys_shown)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._available():
            score = max(matcher.match(command.label), matcher.match(command.id))
            if score > 0:
                yield Hit(score, matcher.highlight(command.label), partial(self._run, command),
                          help=command.keys_shown)
