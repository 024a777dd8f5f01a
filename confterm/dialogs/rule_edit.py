"""Edit or add a retention rule (administrator).

A rule decides when every record of its category may be destroyed, so the dialog says,
before saving, how many records the change will recompute, and the screen says afterwards
how many retention ends actually moved. Only fields the administrator really changed are
passed to ``rules.edit``: the built-in categories take their names and legal basis from
the message catalogue, and re-saving the displayed text would copy it into the row (and
into the audit trail as a change nobody made).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from confterm.dialogs.form import FormDialog, row, wide
from confterm.i18n import t
from confterm.vault.catalogue import rules, rules_admin
from confterm.vault.retention_rules import COUNTED_FROM, FISCAL_YEAR_END, RetentionRule
from confterm.vault.session import Ctx

TEXTS = ("name_zh", "name_en", "basis_zh", "basis_en")


@dataclass(frozen=True)
class RuleSaved:
    """What the screen reports after the dialog closes."""

    category: str
    name: str
    added: bool
    recomputed: int


def years_text(rule: RetentionRule) -> str:
    """"30", or the word for permanent in the current language (which parse_years reads)."""
    return t("catalogue.period.permanent") if rule.years is None else str(rule.years)


def shown_texts(rule: RetentionRule) -> dict[str, str]:
    """The names and basis as the administrator sees them (catalogue text for built-ins)."""
    return {"name_zh": rule.name("zh_CN"), "name_en": rule.name("en"),
            "basis_zh": rule.basis("zh_CN"), "basis_en": rule.basis("en")}


class RuleDialog(FormDialog[RuleSaved]):
    """``RuleDialog(rule, version)`` edits; ``RuleDialog()`` adds a category."""

    HELP_KEY = "rules.help_rule"
    OK_KEY = "rules.save"
    DEFAULT_CSS = """
    RuleDialog #rule-preview { margin-top: 1; color: $warning; }
    """

    def __init__(self, rule: RetentionRule | None = None, version: int | None = None) -> None:
        super().__init__()
        self.rule = rule
        self.version = version
        self.shown = shown_texts(rule) if rule else dict.fromkeys(TEXTS, "")

    def title_text(self) -> str:
        if self.rule is None:
            return t("rules.add_title")
        return t("rules.edit_title", category=self.rule.category, name=self.rule.name())

    def fields(self) -> Iterable[Widget]:
        rule = self.rule
        if rule is None:
            yield from row(t("rules.field.category"), Input(
                id="rule-category", compact=True, max_length=40,
                placeholder=t("rules.category_hint")))
        for name in TEXTS:
            yield from row(t(f"rules.field.{name}"), Input(
                self.shown[name], id=f"rule-{name}", compact=True, max_length=500))
        yield from row(t("rules.field.years"), Input(
            years_text(rule) if rule else "", id="rule-years", compact=True, max_length=10,
            placeholder=t("rules.years_hint")))
        yield from row(t("rules.field.counted_from"), Select(
            [(t(f"rules.counted_from.{c}"), c) for c in COUNTED_FROM],
            value=rule.counted_from if rule else FISCAL_YEAR_END, allow_blank=False,
            id="rule-counted-from", compact=True))
        yield from row(t("rules.field.firm_rule"), Select(
            [(t("rules.kind.legal"), False), (t("rules.kind.firm"), True)],
            value=rule.firm_rule if rule else False, allow_blank=False, id="rule-firm",
            compact=True))
        yield from row(t("rules.field.aliases"), Input(
            "、".join(rule.aliases) if rule else "", id="rule-aliases", compact=True,
            placeholder=t("rules.aliases_hint")))
        yield from wide(Static(t("rules.add_note") if rule is None else "",
                               id="rule-preview"))

    async def on_mount(self) -> None:
        # Inline styles: the app's stylesheet (.dialog, .form-grid) outranks DEFAULT_CSS,
        # and nine fields need the wider, gap-free form to fit a 24-line terminal.
        self.query_one(".dialog").styles.width = 96
        self.query_one(".form-grid").styles.grid_gutter_horizontal = 0
        first = "#rule-category" if self.rule is None else "#rule-years"
        self.query_one(first).focus()
        if self.rule is not None:
            try:
                count = await self.service(_count, self.rule.category)
            except Exception as exc:  # the count is advice; the edit itself still works
                self.show_error(exc)
                return
            self.query_one("#rule-preview", Static).update(
                t("rules.will_recompute", count=f"{count:,}", name=self.rule.name()))

    def value(self, name: str) -> str:
        return self.query_one(f"#rule-{name}", Input).value.strip()

    def typed(self, category: str) -> dict[str, Any]:
        """Every field as typed (years parsed: a bad period is refused here)."""
        return {
            "years": rules_admin.parse_years(self.value("years"), category),
            "counted_from": str(self.query_one("#rule-counted-from", Select).value),
            "firm_rule": bool(self.query_one("#rule-firm", Select).value),
            "aliases": rules_admin.parse_aliases(self.value("aliases")),
            **{name: self.value(name) for name in TEXTS}}

    async def submit(self) -> None:
        if self.rule is None:
            await self._add()
            return
        rule = self.rule
        typed = self.typed(rule.category)
        before: dict[str, Any] = {"years": rule.years, "counted_from": rule.counted_from,
                                  "firm_rule": rule.firm_rule, "aliases": rule.aliases,
                                  **self.shown}
        changes = {k: v for k, v in typed.items() if v != before[k]}
        if not changes:
            self.say(t("rules.nothing_changed"))
            return
        if "years" not in changes:
            changes["years"] = "keep"  # rules.edit's marker for "leave the period alone"
        self.say(t("rules.saving"), "busy")
        recomputed = await self.service(_edit, rule.category, self.version, changes)
        self.dismiss(RuleSaved(rule.category, rule.name(), False, int(recomputed)))

    async def _add(self) -> None:
        category = self.value("category")
        typed = self.typed(category)
        new = RetentionRule(category=category, **typed)  # validates code, period, count
        await self.service(rules.add, new)
        self.dismiss(RuleSaved(category, new.name(), True, 0))


def _edit(ctx: Ctx, category: str, version: int | None, changes: dict[str, Any]) -> int:
    return rules.edit(ctx, category, version, **changes)


def _count(ctx: Ctx, category: str) -> int:
    return rules_admin.records_of_category(ctx.conn, category)
