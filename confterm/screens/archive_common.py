"""What the Archive area's five views share: the tab line, switching views, the view keys.

The Archive area (key ``j``, 卷) is one area with five screens: records (the browser),
clients, locations, holds and the review queue, switched with the keys 1-5 like the other
areas' views. Switching replaces the area's screen, so Esc/Home always leads back home.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from confterm.commands import Command, declare
from confterm.i18n import t

VIEWS = ("records", "clients", "locations", "holds", "review")
SCREEN_IDS = {"records": "archive", "clients": "archive_clients",
              "locations": "archive_locations", "holds": "archive_holds",
              "review": "archive_review"}
ALL_SCREENS = tuple(SCREEN_IDS.values())


def tabs(current: str) -> Text:
    parts: list[tuple[str, str] | str] = []
    for i, view in enumerate(VIEWS):
        style = "reverse bold" if view == current else ""
        parts.append((f" {i + 1} {t(f'archive.view.{view}')} ", style))
        parts.append(" ")
    return Text.assemble(*parts)


def make_screen(view: str, **kwargs: Any) -> Any:
    """A fresh screen for ``view`` (imported here: the modules import this one)."""
    if view == "records":
        from confterm.screens.archive import ArchiveScreen

        return ArchiveScreen(**kwargs)
    if view == "clients":
        from confterm.screens.archive_clients import ClientsScreen

        return ClientsScreen(**kwargs)
    if view == "locations":
        from confterm.screens.archive_locations import LocationsScreen

        return LocationsScreen(**kwargs)
    if view == "holds":
        from confterm.screens.archive_holds import HoldsScreen

        return HoldsScreen(**kwargs)
    from confterm.screens.archive_review import ReviewScreen

    return ReviewScreen(**kwargs)


class ViewsMixin:
    """``action_view`` for the five Archive screens."""

    async def action_view(self, view: str, **kwargs: Any) -> None:
        node: Any = self
        if view not in VIEWS:
            return
        await node.app.switch_screen(make_screen(view, **kwargs))


for _i, _view in enumerate(VIEWS):
    declare(Command(f"archive.view_{_view}", f"archive.view.{_view}", str(_i + 1),
                    f"screen.view('{_view}')", scope=ALL_SCREENS, show=False))
