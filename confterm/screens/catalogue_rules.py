"""Retention rules, classification levels and the review period (F9).

Administrators edit them here; custodians and auditors read the same tables (the rules
decide when records may be destroyed, so the people who keep and check the archive should
see them), without the keys that change them. The services (``rules``, ``classify``,
``rules_admin``) check the role again and audit every change.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Static

from confterm.areas import Area, register_area
from confterm.commands import Command, declare
from confterm.dialogs.confirm import ConfirmDialog
from confterm.dialogs.level_edit import LevelDialog, ReviewDaysDialog
from confterm.dialogs.rule_edit import RuleDialog, RuleSaved
from confterm.i18n import t
from confterm.screens.base import ConftermScreen
from confterm.vault.catalogue import classify, rules, rules_admin
from confterm.vault.catalogue.classify import Level
from confterm.vault.retention_rules import RetentionRule
from confterm.vault.session import Ctx
from confterm.widgets.table_fill import refill
from confterm.widgets.top_bar import TopBar

ROLES = ("administrator", "custodian", "auditor")
ADMIN = ("administrator",)
RULE_COLUMNS = ("category", "name", "period", "counted_from", "firm_rule", "version",
                "basis")
LEVEL_COLUMNS = ("rank", "code", "name_zh", "name_en", "builtin", "records", "version")
NAME_WIDTH = 24
BASIS_WIDTH = 44

Loaded = tuple[list[tuple[RetentionRule, int]], list[Level], dict[str, int], int]


def _load(ctx: Ctx) -> Loaded:
    conn = ctx.conn
    return (rules.list_rules(conn), classify.levels(conn), rules_admin.level_usage(conn),
            classify.review_days(conn))


def _short(text: str, width: int) -> str:
    """Cut to ``width`` cells (a CJK character takes two), so the table fits 120 columns;
    the edit dialog shows the whole text."""
    if cell_len(text) <= width:
        return text
    out, used = "", 0
    for char in text:
        used += cell_len(char)
        if used > width - 1:
            return out + "…"
        out += char
    return out


class CatalogueRulesScreen(ConftermScreen):
    SCREEN_ID = "catalogue_rules"
    HELP_KEY = "rules.help"
    DEFAULT_CSS = """
    CatalogueRulesScreen .rules-heading { height: 1; padding: 0 1; text-style: bold; }
    CatalogueRulesScreen #rules-table { height: auto; max-height: 60%; }
    CatalogueRulesScreen #levels-table { height: 1fr; min-height: 4; }
    CatalogueRulesScreen #rules-review { height: 1; padding: 0 1; }
    CatalogueRulesScreen #rules-result { height: auto; padding: 0 1; color: $success; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rules: list[tuple[RetentionRule, int]] = []
        self.levels: list[Level] = []
        self.review_days = classify.DEFAULT_REVIEW_DAYS
        self.last_result = ""

    def compose(self) -> ComposeResult:
        yield TopBar(t("rules.area"))
        yield Static(t("rules.rules_heading"), classes="rules-heading")
        yield DataTable(id="rules-table", cursor_type="row", zebra_stripes=True)
        yield Static(t("rules.levels_heading"), classes="rules-heading")
        yield DataTable(id="levels-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="rules-review")
        yield Static(self.last_result, id="rules-result")
        yield Footer(show_command_palette=False)

    async def reload(self) -> None:
        self.rules, self.levels, usage, self.review_days = await self.service(_load)
        table = self.query_one("#rules-table", DataTable)
        cursor = table.cursor_row
        refill(table, [t(f"rules.col.{c}") for c in RULE_COLUMNS],
               [(rule.category, _short(rule.name(), NAME_WIDTH), rule.period_text(),
                 t(f"rules.counted_from.{rule.counted_from}"),
                 t("rules.yes") if rule.firm_rule else "", str(version),
                 _short(rule.basis(), BASIS_WIDTH)) for rule, version in self.rules],
               keys=[rule.category for rule, _ in self.rules])
        if self.rules:
            table.move_cursor(row=min(cursor or 0, len(self.rules) - 1))
        levels = self.query_one("#levels-table", DataTable)
        cursor = levels.cursor_row
        refill(levels, [t(f"rules.col.{c}") for c in LEVEL_COLUMNS],
               [(str(level.rank), level.code, level.name_zh, level.name_en,
                 t("rules.yes") if level.builtin else "", f"{usage.get(level.code, 0):,}",
                 str(level.version)) for level in self.levels],
               keys=[level.code for level in self.levels])
        if self.levels:
            levels.move_cursor(row=min(cursor or 0, len(self.levels) - 1))
        self.query_one("#rules-review", Static).update(
            t("rules.review_line", days=self.review_days))

    def selected_rule(self) -> tuple[RetentionRule, int] | None:
        row = self.query_one("#rules-table", DataTable).cursor_row
        return self.rules[row] if self.rules and 0 <= row < len(self.rules) else None

    def selected_level(self) -> Level | None:
        row = self.query_one("#levels-table", DataTable).cursor_row
        return self.levels[row] if self.levels and 0 <= row < len(self.levels) else None

    def report(self, text: str) -> None:
        """The outcome of the last change stays on screen (and survives a reload); not
        also a toast, which would cover this very line at the bottom of the screen."""
        self.last_result = text
        self.query_one("#rules-result", Static).update(text)
        self.start_reload()

    @work(exit_on_error=False, group="dialog")
    async def action_edit_rule(self) -> None:
        chosen = self.selected_rule()
        if chosen is None:
            return
        saved = await self.app.push_screen_wait(RuleDialog(*chosen))
        if saved:
            self.report(_saved_text(saved))

    @work(exit_on_error=False, group="dialog")
    async def action_add_rule(self) -> None:
        saved = await self.app.push_screen_wait(RuleDialog())
        if saved:
            self.report(_saved_text(saved))

    @work(exit_on_error=False, group="dialog")
    async def action_edit_level(self) -> None:
        level = self.selected_level()
        if level is None:
            return
        code = await self.app.push_screen_wait(LevelDialog(level))
        if code:
            self.report(t("rules.level_saved", code=code))

    @work(exit_on_error=False, group="dialog")
    async def action_add_level(self) -> None:
        next_rank = max((lv.rank for lv in self.levels), default=0) + 10
        code = await self.app.push_screen_wait(LevelDialog(None, next_rank))
        if code:
            self.report(t("rules.level_added", code=code))

    @work(exit_on_error=False, group="dialog")
    async def action_remove_level(self) -> None:
        level = self.selected_level()
        if level is None:
            return
        if not await self.app.push_screen_wait(ConfirmDialog(
                t("rules.remove_title"), t("rules.remove_question", code=level.code,
                                           name=level.name_zh))):
            return
        try:
            await self.service(rules_admin.remove_level, level.code)
        except Exception as exc:
            self.show_error(exc)
            return
        self.report(t("rules.level_removed", code=level.code))

    @work(exit_on_error=False, group="dialog")
    async def action_review_days(self) -> None:
        days = await self.app.push_screen_wait(ReviewDaysDialog(self.review_days))
        if days:
            self.report(t("rules.review_saved", days=days))


def _saved_text(saved: RuleSaved) -> str:
    if saved.added:
        return t("rules.added", category=saved.category, name=saved.name)
    return t("rules.edited", category=saved.category, name=saved.name,
             count=f"{saved.recomputed:,}")


for _command in (
    Command("rules.edit", "rules.cmd.edit", "e", "screen.edit_rule",
            scope=("catalogue_rules",), roles=ADMIN),
    Command("rules.add", "rules.cmd.add", "n", "screen.add_rule",
            scope=("catalogue_rules",), roles=ADMIN),
    Command("rules.level_edit", "rules.cmd.level_edit", "l", "screen.edit_level",
            scope=("catalogue_rules",), roles=ADMIN),
    Command("rules.level_add", "rules.cmd.level_add", "i", "screen.add_level",
            scope=("catalogue_rules",), roles=ADMIN),
    Command("rules.level_remove", "rules.cmd.level_remove", "delete", "screen.remove_level",
            scope=("catalogue_rules",), roles=ADMIN, show=False),
    Command("rules.review", "rules.cmd.review", "d", "screen.review_days",
            scope=("catalogue_rules",), roles=ADMIN),
    Command("rules.refresh", "ui.cmd.refresh", "r", "screen.reload",
            scope=("catalogue_rules",), show=False),
):
    declare(_command)

register_area(Area("catalogue_rules", "rules.area", "f9", CatalogueRulesScreen, roles=ROLES,
                   order=85, summary_key="rules.area_summary"))
# F9 and the palette entry live on the home screen only (like F8): rules change rarely, and
# one more line on every screen's help page pushes that screen's own keys off an 80x24 page.
declare(Command("area.catalogue_rules", "rules.area", "f9", "app.open_area('catalogue_rules')",
                scope=("home",), roles=ROLES, show=False))
