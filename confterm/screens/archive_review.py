"""Review queue (待复核): active records whose classification was not reviewed for the
vault's review period (365 days unless an administrator changes it), oldest review first.

A review either changes the level (``c``, with a reason, audited before/after by the
classification service) or confirms it (``v``, audited as a review). Both take the marked
records, or the highlighted one. The queue can hold most of a large catalogue, so it is a
lazy list like the browser.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import on
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from confterm.commands import Command, declare
from confterm.dialogs.archive_change import ClassifyDialog
from confterm.dialogs.archive_scope import Scope
from confterm.i18n import t
from confterm.screens.archive_common import ViewsMixin, tabs
from confterm.screens.base import ConftermScreen
from confterm.vault.catalogue import classify
from confterm.vault.catalogue.filters import Filters
from confterm.vault.catalogue.sources import ReviewRow, ReviewSource
from confterm.widgets.cells import Column
from confterm.widgets.lazy_list import LazyList
from confterm.widgets.record_browser import names
from confterm.widgets.top_bar import TopBar


class ReviewList(LazyList[ReviewRow]):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.level_names: dict[str, str] = {}

    def columns(self, width: int) -> list[Column]:
        return [Column("archive_no", 22), Column("title", 0), Column("level", 6),
                Column("reviewed", 10)]

    def header_cells(self, columns: list[Column]) -> list[str]:
        return [t(f"archive.col.{c.name}") for c in columns]

    def cells(self, row: ReviewRow, columns: list[Column]) -> list[str]:
        values = {"archive_no": row.archive_no, "title": row.title,
                  "level": self.level_names.get(row.level, row.level),
                  "reviewed": row.reviewed_at[:10]}
        return [values[c.name] for c in columns]

    def row_id(self, row: ReviewRow) -> Hashable:
        return row.id


class ReviewScreen(ViewsMixin, ConftermScreen):
    SCREEN_ID = "archive_review"
    HELP_KEY = "archive.help.review"
    DEFAULT_CSS = """
    ReviewScreen #review-status { height: 1; margin: 1 1 0 1; color: $text-muted; }
    ReviewScreen #review-list { height: 1fr; margin: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.level_names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield TopBar(t("archive.area"))
        yield Static(tabs("review"), classes="archive-views")
        yield Static(id="review-status")
        yield ReviewList(id="review-list")
        yield Footer(show_command_palette=False)

    @property
    def queue(self) -> ReviewList:
        return self.query_one(ReviewList)

    async def reload(self) -> None:
        found = await self.service(names, Filters())
        self.level_names = found["level"]
        self.queue.level_names = self.level_names
        days = await self.service(lambda ctx: classify.review_days(ctx.conn))
        self.days = days
        self.queue.focus()
        await self.queue.reset(ReviewSource())

    @on(LazyList.Counted)
    @on(LazyList.Highlighted)
    def _status(self) -> None:
        q = self.queue
        count = f"{q.count:,}" if q.exact else t("archive.at_least", n=f"{q.count:,}")
        self.query_one("#review-status", Static).update(
            t("archive.review_status", count=count, days=getattr(self, "days", 365),
              marked=len(q.marks)))

    def _scopes(self) -> list[Scope]:
        q = self.queue
        out = []
        if q.marks:
            out.append(Scope("selection", tuple(sorted(int(k) for k in q.marks)),  # type: ignore[call-overload]
                             count=len(q.marks)))
        if q.current is not None:
            out.append(Scope("record", (q.current.id,), count=1, label=q.current.archive_no))
        return out

    def action_classify(self) -> None:
        scopes = self._scopes()
        if scopes:
            self.app.push_screen(ClassifyDialog(scopes, self.level_names), self._changed)

    async def action_reviewed(self) -> None:
        scopes = self._scopes()
        if not scopes:
            return
        try:
            n = await self.service(classify.mark_reviewed, list(scopes[0].ids), "")
        except Exception as exc:
            self.show_error(exc)
            return
        self.notify(t("archive.reviewed_done", n=n))
        self._changed(n)

    def _changed(self, result: object) -> None:
        if result is not None:
            self.queue.clear_marks()
            self.run_worker(self.queue.recount(), group="recount", exclusive=True,
                            exit_on_error=False)


_C = ("archive_review",)
for _command in (
    Command("archive_review.classify", "archive.cmd.classify", "c", "screen.classify", scope=_C,
            roles=("custodian", "administrator")),
    Command("archive_review.reviewed", "archive.cmd.reviewed", "v", "screen.reviewed",
            scope=_C, roles=("custodian", "administrator")),
    Command("archive_review.mark", "archive.cmd.mark", "space", "", scope=_C, show=False),
):
    declare(_command)
