"""Home: who is unlocked, facts about the vault, what needs attention, and every area."""

from __future__ import annotations

from typing import Any, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from confterm import attention
from confterm.areas import FAILED as areas_failed
from confterm.areas import Area, areas_for, register_area
from confterm.areas import get as areas_get
from confterm.i18n import t
from confterm.screens.base import ConftermScreen
from confterm.vault import settings
from confterm.vault.session import Ctx
from confterm.widgets.top_bar import TopBar, roles_text

W = TypeVar("W", bound=Widget)


def _load(ctx: Ctx) -> tuple[settings.VaultFacts, list[attention.AttentionItem], list[str]]:
    items, failed = attention.collect(ctx)
    return settings.facts(ctx), items, failed


def panel(widget: W, title_key: str) -> W:
    """A bordered panel with a title (set in compose, so a language switch renames it)."""
    widget.add_class("panel")
    widget.border_title = t(title_key)
    return widget


_MARK = {"error": ("■", "red"), "warning": ("▲", "yellow"), "info": ("●", "cyan")}


class HomeScreen(ConftermScreen):
    SCREEN_ID = "home"
    HELP_KEY = "ui.help.home"

    def compose(self) -> ComposeResult:
        yield TopBar(t("ui.area.home"))
        with Horizontal(id="home-body"):
            with Vertical(id="home-left"):
                yield panel(Static(id="home-person"), "ui.home.person")
                yield panel(Static(id="home-facts"), "ui.home.facts")
                yield panel(Static(id="home-attention"), "ui.home.attention")
            with Vertical(id="home-right"):
                yield panel(OptionList(id="home-areas"), "ui.home.areas")
                yield Static(id="home-area-summary")
        yield Footer(show_command_palette=False)

    def on_screen_resume(self) -> None:
        """Back from an area: what needs attention may have changed there (a rule edited,
        a loan returned), so the counts are read again."""
        if getattr(self, "loaded", False):
            self.start_reload()

    async def reload(self) -> None:
        person = self.session.person
        self.query_one("#home-person", Static).update(Text.assemble(
            (person.name, "bold"), "\n", roles_text(person.roles)))
        self._show_areas(areas_for(person.roles))
        facts, items, failed = await self.service(_load)
        self._show_facts(facts)
        self._show_attention(items, failed)

    def _show_facts(self, f: settings.VaultFacts) -> None:
        rows = [(t("ui.home.vault_name"), f.name),
                (t("ui.home.people"), t("ui.home.people_count", active=f.people_active,
                                        total=f.people_total)),
                (t("ui.home.events"), f"{f.events:,}"),
                (t("ui.home.head"), f.head_code),
                (t("ui.home.idle"), t("ui.seconds", seconds=int(self.app_idle())))]
        width = max(Text(label).cell_len for label, _ in rows)
        text = Text()
        for label, value in rows:
            text.append(label + " " * (width - Text(label).cell_len) + "  ", "dim")
            text.append(value + "\n")
        text.rstrip()
        self.query_one("#home-facts", Static).update(text)

    def app_idle(self) -> float:
        app: Any = self.app
        return float(app.idle.timeout)

    def _show_attention(self, items: list[attention.AttentionItem], failed: list[str]) -> None:
        text = Text()
        for item in items:
            mark, style = _MARK.get(item.severity, ("●", ""))
            text.append(f"{mark} ", style)
            text.append(t(item.key, **item.params) + "\n")
        for name in failed:
            text.append("■ ", "red")
            text.append(t("ui.home.provider_failed", name=name.rsplit(".", 1)[-1]) + "\n")
        for module, kind in areas_failed.items():
            text.append("■ ", "red")
            text.append(t("ui.home.area_failed", module=module, kind=kind) + "\n")
        if not items and not failed and not areas_failed:
            text.append(t("ui.home.nothing"), "dim")
        text.rstrip()
        self.query_one("#home-attention", Static).update(text)

    def _show_areas(self, found: list[Area]) -> None:
        options = self.query_one("#home-areas", OptionList)
        options.clear_options()
        for area in found:
            if area.id == "home":
                continue
            label = Text.assemble((f" {area.key} ", "reverse"), "  ", t(area.label_key))
            options.add_option(Option(label, id=area.id))
        if options.option_count:
            options.highlighted = 0

    @on(OptionList.OptionHighlighted, "#home-areas")
    def _summary(self, event: OptionList.OptionHighlighted) -> None:
        area = areas_get(event.option.id or "")
        text = t(area.summary_key) if area and area.summary_key else ""
        self.query_one("#home-area-summary", Static).update(text)

    @on(OptionList.OptionSelected, "#home-areas")
    async def _open(self, event: OptionList.OptionSelected) -> None:
        await self.app.run_action(f"app.open_area('{event.option.id}')")

    def action_change_passphrase(self) -> None:
        from confterm.dialogs.own_passphrase import OwnPassphraseDialog

        self.app.push_screen(OwnPassphraseDialog())


register_area(Area("home", "ui.area.home", "h", HomeScreen, order=0, in_footer=True))
