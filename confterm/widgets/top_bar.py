"""The line at the top of every data screen: where you are and who is unlocked."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widget import Widget

from confterm.i18n import t


def roles_text(roles: frozenset[str]) -> str:
    from confterm.vault.people import ROLES

    return t("ui.list_sep").join(t(f"people.role.{r}") for r in ROLES if r in roles)


class TopBar(Widget):
    """``confterm · 首页                                   李建国（管理员、保管员）``"""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title

    def render(self) -> Text:
        app: Any = self.app
        left = Text.assemble(("confterm", "bold"), "  ·  ", (self.title, "bold"))
        session = getattr(app, "session", None)
        right = Text("")
        if session is not None:
            right = Text(t("ui.person_roles", person=session.person.name,
                           roles=roles_text(session.person.roles)))
        gap = max(1, self.size.width - left.cell_len - right.cell_len - 2)
        return Text.assemble(" ", left, " " * gap, right, " ")
