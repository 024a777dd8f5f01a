"""A newest-first list of audit events that reads only the rows on screen.

Line API (``ScrollView.render_line``), like Toolong: the widget's virtual height is the
number of rows, but only the visible window (plus a margin) is ever fetched, by key, from
the database thread. Unfiltered, row ``i`` is event ``head - i`` (the chain has no gaps),
so dragging the scrollbar to the middle of a million events fetches one small range.
Filtered, rows are read in keyset pages as the cursor approaches the end of what is loaded.
Columns are padded by terminal cells (``rich.cells``), so Chinese names line up.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from confterm.i18n import catalogue, t
from confterm.vault import audit_query
from confterm.vault.audit_query import AuditFilter, AuditRow

PAGE = 200  # rows per keyset page (filtered)
MARGIN = 60  # rows fetched beyond the visible window (unfiltered)
CACHE_LIMIT = 5000


def local_time(ts: str) -> str:
    try:
        moment = datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return ts[:19]
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def action_name(action: str) -> str:
    """What an event is called in the person's language (its code when it has no name:
    an event written by a newer confterm, say)."""
    key = f"audit_action.{action}"
    return t(key) if key in catalogue() else action


def columns(head: int, total: int) -> list[tuple[str, int]]:
    """(header key, width in cells); the last column takes what is left."""
    action = 40 if total >= 130 else 32 if total >= 110 else 24  # the longest names: ~38
    return [("seq", max(4, len(str(head)))), ("time", 19), ("actor", 12), ("action", action),
            ("object", 0)]


def fit(text: str, width: int) -> str:
    """Exactly ``width`` cells: padded, or cut with an ellipsis (wide characters count 2)."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, max(0, width - 1)).rstrip() + "…", width)


def format_row(cells: list[str], widths: list[tuple[str, int]], total: int) -> str:
    out = []
    used = 0
    for (name, width), text in zip(widths, cells, strict=True):
        if width == 0:
            width = max(0, total - used)
        if name == "seq":  # numbers right-aligned, by cells (the header may be Chinese)
            text = " " * max(0, width - cell_len(text)) + text
        out.append(fit(text, width))
        used += width + 1
    return " ".join(out)


class AuditList(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False), Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False), Binding("end", "jump(-1)", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"audit-list--cursor", "audit-list--pending"}
    DEFAULT_CSS = """
    AuditList { overflow-x: hidden; }
    AuditList > .audit-list--cursor { background: $accent 40%; text-style: bold; }
    AuditList > .audit-list--pending { color: $text-muted; }
    """

    class Highlighted(Message):
        def __init__(self, row: AuditRow | None) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.filter = AuditFilter()
        self.head = 0
        self.bounds: tuple[int, int] | None = None
        self.rows: dict[int, AuditRow] = {}
        self.more = False  # filtered: more rows may follow the loaded ones
        self.count = 0  # rows known to exist (unfiltered: head)
        self.cursor = 0
        self._pending = False
        self._generation = 0

    # -- data -------------------------------------------------------------------------

    @property
    def filtered(self) -> bool:
        return not self.filter.empty

    async def reset(self, flt: AuditFilter) -> None:
        """Start over with ``flt``: the newest rows first, cursor on the first row."""
        app: Any = self.app
        self._generation += 1
        self.filter, self.rows, self.cursor = flt, {}, 0
        self.head = await app.session.acall(lambda ctx: audit_query.head_seq(ctx.conn))
        if self.filtered:
            self.bounds = await app.session.acall(
                lambda ctx: audit_query.date_bounds(ctx.conn, flt))
            self.count, self.more = 0, self.bounds is not None
            await self._load_more()
        else:
            self.count, self.more = self.head, False
            await self._load_window(0)
        self._resize()
        self.scroll_to(y=0, animate=False)
        self.post_message(self.Highlighted(self.rows.get(0)))

    async def _load_window(self, first: int) -> None:
        height = max(self.size.height, 20)
        low_index = max(0, first - MARGIN)
        high_index = min(self.count - 1, first + height + MARGIN)
        if high_index < low_index:
            return
        high_seq, low_seq = self.head - low_index, self.head - high_index
        app: Any = self.app
        found = await app.session.acall(
            lambda ctx: audit_query.window(ctx.conn, high_seq, low_seq))
        if len(self.rows) > CACHE_LIMIT:
            self.rows = {}
        for row in found:
            self.rows[self.head - row.seq] = row

    async def _load_more(self) -> None:
        if not self.more or self.bounds is None:
            return
        before = self.rows[self.count - 1].seq if self.count else None
        flt, bounds = self.filter, self.bounds
        app: Any = self.app
        found = await app.session.acall(
            lambda ctx: audit_query.page(ctx.conn, flt, before, PAGE, bounds=bounds))
        for i, row in enumerate(found, start=self.count):
            self.rows[i] = row
        self.count += len(found)
        self.more = len(found) == PAGE

    def _resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width,
                                 self.count + (1 if self.more else 0))
        self.refresh()

    def _need(self, index: int) -> None:
        """A visible row is missing: fetch around it (once at a time, latest wins)."""
        if self._pending:
            return
        self._pending = True
        generation = self._generation

        async def fetch() -> None:
            try:
                if self.filtered:
                    await self._load_more()
                else:
                    await self._load_window(index)
            finally:
                self._pending = False
            if generation == self._generation:
                self._resize()
                self.post_message(self.Highlighted(self.rows.get(self.cursor)))
                if not self.filtered and self.cursor not in self.rows \
                        and abs(self.cursor - index) > MARGIN:
                    self._need(self.cursor)  # the cursor moved on while this was fetched

        self.run_worker(fetch(), group="audit-fetch", exit_on_error=False)

    # -- drawing ----------------------------------------------------------------------

    def header(self) -> str:
        widths = columns(self.head, self.size.width)
        return format_row([t(f"ui.audit.col_{name}") for name, _ in widths], widths,
                          self.size.width)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        if index >= self.count + (1 if self.more else 0):
            return Strip.blank(width)
        row = self.rows.get(index)
        if row is None:
            self._need(index)
            style = self.get_component_rich_style("audit-list--pending")
            return Strip([Segment(set_cell_size(t("ui.audit.loading"), width), style)], width)
        widths = columns(self.head, width)
        text = format_row([str(row.seq), local_time(row.ts), row.actor, action_name(row.action),
                           row.object_text], widths, width)
        style = self.get_component_rich_style("audit-list--cursor") if index == self.cursor \
            else Style()
        return Strip([Segment(set_cell_size(text, width), style)], width)

    # -- cursor -----------------------------------------------------------------------

    def _set_cursor(self, index: int) -> None:
        last = self.count - 1 + (1 if self.more else 0)
        index = max(0, min(index, last))
        self.cursor = index
        top = int(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + self.size.height:
            self.scroll_to(y=index - self.size.height + 1, animate=False)
        if (self.filtered and self.more and index >= self.count - 1) or \
                (not self.filtered and index not in self.rows):
            self._need(index)  # do not wait for a render to notice (it may not come yet)
        self.refresh()
        self.post_message(self.Highlighted(self.rows.get(index)))

    def on_click(self, event: events.Click) -> None:
        self._set_cursor(int(self.scroll_offset.y) + event.y)

    def action_move(self, delta: int) -> None:
        self._set_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._set_cursor(self.cursor + direction * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        self._set_cursor(0 if where == 0 else self.count - 1)
