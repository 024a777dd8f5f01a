"""The archive browser as a record picker, for other areas (access requests, reports...).

It is the same browser (search as you type, filters, sort, detail pane) full-screen over
the caller, in a selection mode: Space marks records, Enter returns the marked ones (or
the highlighted one if none is marked), Esc returns None. Use it from a worker:

    from confterm.screens.record_picker import RecordPicker

    @work(exit_on_error=False)
    async def choose(self) -> None:
        picked = await self.app.push_screen_wait(RecordPicker(
            title=t("access.ui.pick_records"), filters=Filters(client_id=client_id)))
        if picked:  # a PickedRecords, or None when cancelled
            field.value = ", ".join(picked.archive_numbers)   # or use picked.ids

or with a callback: ``self.app.push_screen(RecordPicker(), on_picked)``. ``limit`` caps
how many may be picked (1 for a single record); ``exclude_destroyed`` hides destroyed
records (the default: a request cannot ask for them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from confterm.commands import Command, declare
from confterm.i18n import t
from confterm.screens.base import ConftermDialog
from confterm.vault.catalogue.browse import RecordRow
from confterm.vault.catalogue.filters import Filters
from confterm.widgets.lazy_list import LazyList
from confterm.widgets.record_browser import RecordBrowser


@dataclass(frozen=True)
class PickedRecords:
    """What the picker returns: record ids and their archive numbers, in the same order."""

    ids: tuple[int, ...]
    archive_numbers: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.ids)


class RecordPicker(ConftermDialog[PickedRecords | None]):
    SCREEN_ID = "record_picker"
    HELP_KEY = "archive.help.picker"
    DEFAULT_CSS = """
    RecordPicker { align: left top; background: $background; }
    RecordPicker > #picker-box { width: 100%; height: 100%; background: $background; }
    RecordPicker #picker-title { height: 1; padding: 0 1; background: $primary-background;
                                 text-style: bold; }
    RecordPicker #picker-status { height: 1; margin: 0 1; color: $warning; }
    """

    def __init__(self, title: str = "", filters: Filters | None = None, limit: int = 1000,
                 exclude_destroyed: bool = True) -> None:
        super().__init__()
        self.title_text = title or t("archive.picker_title")
        self.filters = filters or Filters()
        self.limit = max(1, limit)
        self.exclude_destroyed = exclude_destroyed

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(self.title_text, id="picker-title")
            yield RecordBrowser(self.filters, id="picker-browser")
            yield Static(id="picker-status")
            yield Footer(show_command_palette=False)

    @property
    def browser(self) -> RecordBrowser:
        return self.query_one(RecordBrowser)

    async def reload(self) -> None:
        self.browser.records.focus()
        await self.browser.load()
        self._status()

    @on(RecordBrowser.StateChanged)
    @on(LazyList.Highlighted)
    def _status(self) -> None:
        n = len(self.browser.records.marks)
        self.query_one("#picker-status", Static).update(
            t("archive.picker_status", n=n, limit=self.limit))

    def _picked_rows(self) -> list[RecordRow]:
        lst = self.browser.records
        rows: list[RecordRow] = list(lst.marks.values()) if lst.marks else (
            [lst.current] if lst.current is not None else [])
        if self.exclude_destroyed:
            rows = [r for r in rows if r.status != "destroyed"]
        return sorted(rows, key=lambda r: r.archive_no)

    def action_pick(self) -> None:
        rows = self._picked_rows()
        if not rows:
            self.notify(t("archive.picker_none"), severity="warning")
            return
        if len(rows) > self.limit:
            self.notify(t("archive.picker_too_many", n=len(rows), limit=self.limit),
                        severity="warning")
            return
        self.dismiss(PickedRecords(tuple(r.id for r in rows), tuple(r.archive_no for r in rows)))

    @on(LazyList.Selected)
    def _enter(self) -> None:
        self.action_pick()

    def action_cancel(self) -> None:
        """Esc in the search box goes back to the list; Esc in the list cancels."""
        if isinstance(self.focused, Input):
            self.browser.records.focus()
            return
        self.dismiss(None)

    def action_focus_search(self) -> None:
        self.query_one("#browser-search").focus()

    def action_filters(self) -> None:
        from confterm.dialogs.archive_filter import FilterDialog

        b = self.browser
        self.app.push_screen(FilterDialog(b.filters, b.names), self._filtered)

    def _filtered(self, result: Filters | None) -> None:
        if result is not None:
            self.run_worker(self.browser.set_filters(replace(result)), group="filters",
                            exclusive=True, exit_on_error=False)

    def action_sort(self) -> None:
        self.browser.cycle_sort()

    def action_reverse(self) -> None:
        self.browser.reverse()

    def action_mark_page(self) -> None:
        self.browser.records.mark_visible()
        self._status()


_C = ("record_picker",)
for _command in (
    Command("record_picker.pick", "archive.cmd.pick", "enter", "screen.pick", scope=_C),
    Command("record_picker.cancel", "archive.cmd.cancel", "escape", "screen.cancel", scope=_C),
    Command("record_picker.search", "archive.cmd.search", "slash", "screen.focus_search",
            scope=_C, key_display="/"),
    Command("record_picker.filters", "archive.cmd.filters", "f", "screen.filters", scope=_C),
    Command("record_picker.sort", "archive.cmd.sort", "s", "screen.sort", scope=_C),
    Command("record_picker.reverse", "archive.cmd.reverse", "d", "screen.reverse", scope=_C,
            show=False),
    Command("record_picker.mark", "archive.cmd.mark", "space", "", scope=_C),
    Command("record_picker.mark_page", "archive.cmd.mark_page", "ctrl+a", "screen.mark_page",
            scope=_C, show=False),
):
    declare(_command)
