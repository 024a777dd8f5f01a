"""Edit or add a classification level, and set the review period (administrator).

Adding goes through ``rules_admin.add_level``, which refuses a code that already exists:
``classify.save_level`` both adds and renames, and a typo in "add" must not rename a level
thousands of records carry. Both services audit the change.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Static

from confterm.dialogs.form import FormDialog, row, wide
from confterm.i18n import language, t
from confterm.vault.catalogue import classify, rules_admin
from confterm.vault.catalogue.classify import Level


class LevelDialog(FormDialog[str]):
    """``LevelDialog(level)`` edits rank and names; ``LevelDialog()`` adds a level.
    Returns the level's code."""

    HELP_KEY = "rules.help_level"
    OK_KEY = "rules.save"

    def __init__(self, level: Level | None = None, next_rank: int = 50) -> None:
        super().__init__()
        self.level = level
        self.next_rank = next_rank

    def title_text(self) -> str:
        if self.level is None:
            return t("rules.level_add_title")
        return t("rules.level_edit_title", code=self.level.code,
                 name=self.level.name(language()))

    def fields(self) -> Iterable[Widget]:
        level = self.level
        if level is None:
            yield from row(t("rules.field.code"), Input(
                id="level-code", compact=True, max_length=40,
                placeholder=t("rules.category_hint")))
        yield from row(t("rules.field.rank"), Input(
            str(level.rank if level else self.next_rank), id="level-rank", compact=True,
            restrict=r"[0-9]*", max_length=5))
        yield from row(t("rules.field.name_zh"), Input(
            level.name_zh if level else "", id="level-name-zh", compact=True, max_length=100))
        yield from row(t("rules.field.name_en"), Input(
            level.name_en if level else "", id="level-name-en", compact=True, max_length=100))
        yield from wide(Static(t("rules.rank_note")))

    def on_mount(self) -> None:
        self.query_one("#level-code" if self.level is None else "#level-rank").focus()

    def value(self, name: str) -> str:
        return self.query_one(f"#level-{name}", Input).value.strip()

    async def submit(self) -> None:
        rank = rules_admin.parse_rank(self.value("rank"))
        zh, en = self.value("name-zh"), self.value("name-en")
        if self.level is None:
            code = self.value("code")
            await self.service(rules_admin.add_level, code, rank, zh, en)
        else:
            code = self.level.code
            if (rank, zh, en) == (self.level.rank, self.level.name_zh, self.level.name_en):
                self.say(t("rules.nothing_changed"))
                return
            await self.service(classify.save_level, code, rank, zh, en)
        self.dismiss(code)


class ReviewDaysDialog(FormDialog[int]):
    """The review period: records not reviewed for this many days join the review queue."""

    TITLE_KEY = "rules.review_title"
    HELP_KEY = "rules.help_review"
    OK_KEY = "rules.save"

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def fields(self) -> Iterable[Widget]:
        yield from wide(Static(t("rules.review_explain", maximum=rules_admin.MAX_REVIEW_DAYS)))
        yield from row(t("rules.field.review_days"), Input(
            str(self.current), id="review-days", compact=True, restrict=r"[0-9]*",
            max_length=5))

    def on_mount(self) -> None:
        self.query_one("#review-days").focus()

    async def submit(self) -> None:
        days = rules_admin.parse_review_days(self.query_one("#review-days", Input).value)
        await self.service(classify.set_review_days, days)
        self.dismiss(days)
