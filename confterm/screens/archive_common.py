"""What the Archive area's five views share: the tab line, switching views, the view keys.

The Archive area (key ``j``, 卷) is one area with five screens: records (the browser),
clients, locations, holds and the review queue, switched with the keys 1-5 like the other
areas' views. Switching replaces the area's screen, so ``h`` always leads back home.
The area's lines on the home screen (records due for review, holds in force) are here too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.text import Text

from confterm.attention import AttentionItem, register_attention
from confterm.commands import Command, declare
from confterm.i18n import t
from confterm.vault.catalogue import classify
from confterm.vault.catalogue.common import local_today
from confterm.vault.session import Ctx

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


@register_attention
def review_due(ctx: Ctx) -> list[AttentionItem]:
    """Records whose classification is due for review (counted up to 10,000)."""
    days = classify.review_days(ctx.conn)
    due = (local_today(ctx) - timedelta(days=days)).isoformat()
    n = int(ctx.conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM records INDEXED BY records_by_reviewed"
        " WHERE state = 'active' AND reviewed_at < ? LIMIT 10001)", (due,)).fetchone()[0])
    if not n:
        return []
    count = f"{n:,}" if n <= 10_000 else t("archive.at_least", n="10,000")
    return [AttentionItem("archive.attention_review", {"count": count, "days": days},
                          "info", "archive")]


@register_attention
def holds_in_force(ctx: Ctx) -> list[AttentionItem]:
    n = int(ctx.conn.execute("SELECT count(*) FROM holds WHERE released_at IS NULL"
                             ).fetchone()[0])
    return [AttentionItem("archive.attention_holds", {"count": n}, "info", "archive")] \
        if n else []
