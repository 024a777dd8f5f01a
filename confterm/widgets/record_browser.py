"""The archive browser's body: search box, filter line, record list and detail pane.

Shared by the Archive screen and the record picker, so both search, filter and sort the
same way. Typing in the search box restarts the list after a short pause (``DEBOUNCE``);
the restart runs as an exclusive worker, so a newer keystroke cancels the previous query
(a query not yet started never runs; a finished one's answer is dropped by the list's
generation check). The detail pane follows the cursor, also debounced, so holding the
arrow key does not queue a detail read per row.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from confterm.i18n import language, t
from confterm.vault.catalogue import classify, clients, detail, labels, locations, rules
from confterm.vault.catalogue.common import local_today
from confterm.vault.catalogue.detail import RecordDetail
from confterm.vault.catalogue.filters import Filters
from confterm.vault.catalogue.sources import RecordSource
from confterm.vault.session import Ctx
from confterm.widgets.filter_text import filter_chips
from confterm.widgets.lazy_list import LazyList
from confterm.widgets.record_detail import RecordDetailPane
from confterm.widgets.record_list import RecordList

DEBOUNCE = 0.12
COUNT_PAUSE = 0.4
"""A search is counted only once typing has paused this long after its first page."""
DETAIL_DELAY = 0.08
NARROW = 130
SORT_ORDER = ("archive_no", "title", "client", "fiscal_year", "retention_end")


def names(ctx: Ctx, f: Filters) -> dict[str, dict[Any, str]]:
    """Display names: categories, levels, and what the filters' ids stand for."""
    lang = language()
    out: dict[str, dict[Any, str]] = {
        "category": {rule.category: rule.name(lang) for rule, _v in rules.list_rules(ctx.conn)},
        "level": {lv.code: lv.name(lang) for lv in classify.levels(ctx.conn)},
        "client": {}, "location": {}, "label": {}}
    if f.client_id is not None:
        out["client"][f.client_id] = clients.get(ctx.conn, f.client_id).name
    if f.location_id is not None:
        out["location"][f.location_id] = locations.get(ctx.conn, f.location_id).path
    if f.label_id is not None:
        out["label"] = dict(labels.all_labels(ctx.conn))
    return out


def record_detail(ctx: Ctx, record_id: int) -> RecordDetail:
    return detail.record_detail(ctx.conn, record_id, local_today(ctx))


class RecordBrowser(Vertical):
    DEFAULT_CSS = """
    RecordBrowser { height: 1fr; }
    RecordBrowser #browser-bar { height: 1; margin: 1 1 0 1; }
    RecordBrowser #browser-bar Label { width: auto; padding: 0 1 0 0; color: $accent; }
    RecordBrowser #browser-search { width: 1fr; background: $surface; }
    RecordBrowser #browser-search:focus { background: $primary 25%; }
    RecordBrowser #browser-filters { height: 1; margin: 0 1; color: $text-muted; }
    RecordBrowser #browser-body { height: 1fr; margin: 0 1; }
    RecordBrowser #browser-list { width: 1fr; }
    RecordBrowser #browser-detail { width: 56; }
    RecordBrowser.-narrow #browser-body { layout: vertical; }
    RecordBrowser.-narrow #browser-detail {
        width: 1fr; height: 8; border-left: none; border-top: solid $primary;
    }
    """

    class StateChanged(Message):
        """Count, selection, sort or filters changed (the screen may show more)."""

    def __init__(self, filters: Filters | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        start = filters or Filters()
        self.filters = start.without_text()
        self.initial_text = start.text or ""
        self.sort, self.descending = "archive_no", False
        self.names: dict[str, dict[Any, str]] = {}
        self.order_note: str | None = None
        self._search_timer: Timer | None = None
        self._detail_timer: Timer | None = None
        self.applied = 0  # completed restarts (tests wait on it)
        self.shown: Filters | None = None  # the query the list shows now
        self._asked = self.initial_text  # the search text of the last restart asked for

    def compose(self) -> ComposeResult:
        with Horizontal(id="browser-bar"):
            yield Label(t("archive.search"))
            yield Input(self.initial_text, id="browser-search", compact=True,
                        placeholder=t("archive.search_placeholder"))
        yield Static(id="browser-filters")
        with Horizontal(id="browser-body"):
            yield RecordList(id="browser-list")
            yield RecordDetailPane(id="browser-detail")

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    @property
    def records(self) -> RecordList:
        return self.query_one("#browser-list", RecordList)

    @property
    def search_text(self) -> str:
        return self.query_one("#browser-search", Input).value

    def current_filters(self) -> Filters:
        text = self.search_text.strip()
        return replace(self.filters, text=text or None)

    def source(self) -> RecordSource:
        return RecordSource(self.current_filters(), self.sort, self.descending)

    async def _service(self, fn: Any, *args: Any) -> Any:
        app: Any = self.app
        return await app.session.acall(fn, *args)

    # ---- (re)starting the list ------------------------------------------------------

    async def load(self) -> None:
        """Names for the columns and the filter line, then the first page."""
        self.names = await self._service(names, self.filters)
        lst = self.records
        lst.category_names, lst.level_names = self.names["category"], self.names["level"]
        await self.apply()

    async def apply(self, keep_marks: bool = False) -> None:
        self.order_note = None
        source = self.source()
        await self.records.reset(source, keep_marks=keep_marks,
                                 count_after=COUNT_PAUSE if source.filters.text else 0.0)
        self.applied += 1
        self.shown = source.filters
        self.show_state()

    def restart(self, keep_marks: bool = True) -> None:
        """Apply the current search, filters and sort (an exclusive worker: the newest wins)."""
        self._asked = self.search_text

        async def run() -> None:
            try:
                await self.apply(keep_marks)
            except Exception as exc:
                screen: Any = self.screen
                if hasattr(screen, "show_error"):
                    screen.show_error(exc)

        self.run_worker(run(), group="browser-apply", exclusive=True, exit_on_error=False)

    async def set_filters(self, filters: Filters) -> None:
        self.filters = filters.without_text()
        if filters.text is not None:
            self.query_one("#browser-search", Input).value = filters.text
        self.names = await self._service(names, self.filters)
        self.restart(keep_marks=False)

    def cycle_sort(self) -> None:
        at = SORT_ORDER.index(self.sort) if self.sort in SORT_ORDER else -1
        self.sort = SORT_ORDER[(at + 1) % len(SORT_ORDER)]
        self.restart()

    def reverse(self) -> None:
        self.descending = not self.descending
        self.restart()

    @on(Input.Changed, "#browser-search")
    def _typed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        if event.value == self._asked:
            return  # set by a jump or a reset that already restarted the list
        self._search_timer = self.set_timer(DEBOUNCE, lambda: self.restart(keep_marks=True))

    @on(Input.Submitted, "#browser-search")
    def _enter(self) -> None:
        self.records.focus()

    # ---- the line under the search box ----------------------------------------------

    def filter_parts(self) -> list[str]:
        return filter_chips(self.filters, self.names)

    def show_state(self) -> None:
        lst = self.records
        count = f"{lst.count:,}" if lst.exact else t("archive.at_least", n=f"{lst.count:,}")
        pieces = [t("archive.count", count=count)]
        pieces += self.filter_parts()
        arrow = "↓" if self.descending else "↑"
        pieces.append(t("archive.sorted_by", column=t(f"archive.col.{self.sort}"), arrow=arrow))
        if lst.marks:
            pieces.append(t("archive.marked", n=len(lst.marks)))
        chunk = lst.first_chunk()
        if chunk is not None and chunk.order is not None:
            pieces.append(t("archive.broad_search"))
        if not lst.counted:
            pieces.append(t("archive.counting"))
        self.query_one("#browser-filters", Static).update(" · ".join(pieces))
        self.post_message(self.StateChanged())

    @on(LazyList.Counted, "#browser-list")
    def _counted(self) -> None:
        self.show_state()

    # ---- detail ---------------------------------------------------------------------

    @on(LazyList.Highlighted, "#browser-list")
    def _highlighted(self, event: LazyList.Highlighted) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        row = event.row
        pane = self.query_one("#browser-detail", RecordDetailPane)
        if row is None:
            pane.show(None)
            return
        self._detail_timer = self.set_timer(DETAIL_DELAY, lambda: self._fetch_detail(row.id))
        if len(self.records.marks) != getattr(self, "_shown_marks", -1):
            self._shown_marks = len(self.records.marks)
            self.show_state()

    def _fetch_detail(self, record_id: int) -> None:
        async def run() -> None:
            try:
                found = await self._service(record_detail, record_id)
            except Exception:
                return  # gone meanwhile (destroyed, locked): the pane keeps the last one
            current = self.records.current
            if current is not None and current.id == record_id:
                self.query_one("#browser-detail", RecordDetailPane).show(found)

        self.run_worker(run(), group="browser-detail", exclusive=True, exit_on_error=False)



