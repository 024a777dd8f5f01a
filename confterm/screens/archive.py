"""Archive (档案): the browser over every record, the first of the area's five views.

A search box that matches as you type (any substring of title, archive number, client
name or code, also one or two Chinese characters), filters, sort, marks for acting on
many records at once, and a detail pane with the computed retention end, its legal basis,
the status and why. The list reads only the visible page by key, so it is as quick at a
million records as at a hundred. Actions are declared commands (footer, palette, help).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from confterm.areas import Area, register_area
from confterm.commands import Command, declare
from confterm.i18n import t
from confterm.screens import archive_common
from confterm.screens.archive_actions import ArchiveActions
from confterm.screens.archive_common import ViewsMixin, tabs
from confterm.screens.base import ConftermScreen
from confterm.vault.catalogue.filters import Filters
from confterm.widgets.lazy_list import LazyList
from confterm.widgets.record_browser import RecordBrowser
from confterm.widgets.top_bar import TopBar

ROLES = ("custodian", "administrator", "auditor", "approver")


class ArchiveScreen(ArchiveActions, ViewsMixin, ConftermScreen):
    SCREEN_ID = "archive"
    HELP_KEY = "archive.help.records"
    DEFAULT_CSS = """
    .archive-views { height: 1; margin: 1 1 0 1; }
    """

    def __init__(self, filters: Filters | None = None) -> None:
        super().__init__()
        self.filters = filters or Filters()
        self.keep_cursor = 0  # the row to highlight again after a language switch
        self.keep_order: tuple[str, bool] | None = None  # and the sort it was in

    def compose(self) -> ComposeResult:
        yield TopBar(t("archive.area"))
        yield Static(tabs("records"), classes="archive-views")
        yield RecordBrowser(self.filters, id="archive-browser")
        yield Footer(show_command_palette=False)

    async def reload(self) -> None:
        browser = self.browser
        browser.records.focus()
        if self.keep_order is not None:
            browser.sort, browser.descending = self.keep_order
            self.keep_order = None
        await browser.load()
        if self.keep_cursor:  # the same query after a language switch: the same row
            browser.records.move_to(min(self.keep_cursor, max(0, browser.records.count - 1)))
            self.keep_cursor = 0

    def before_recompose(self) -> None:
        self.keep_cursor = self.browser.records.cursor
        self.keep_order = (self.browser.sort, self.browser.descending)

    @on(LazyList.Selected)
    def action_read_detail(self) -> None:
        """Enter: into the detail pane (arrows scroll it; Esc goes back to the list)."""
        self.query_one("#browser-detail").focus()

    @on(RecordBrowser.StateChanged)
    def _remember(self) -> None:
        """Keep the query, so a language switch (which recomposes) shows the same list."""
        self.filters = self.browser.current_filters()


_C = "archive"
for _command in (
    Command("archive.search", "archive.cmd.search", "slash", "screen.focus_search", scope=(_C,),
            key_display="/"),
    Command("archive.list", "archive.cmd.list", "escape", "screen.focus_list", scope=(_C,),
            show=False),
    Command("archive.detail", "archive.cmd.detail", "enter", "screen.read_detail",
            scope=(_C,), show=False),
    Command("archive.filters", "archive.cmd.filters", "f", "screen.filters", scope=(_C,)),
    Command("archive.reset", "archive.cmd.reset", "r", "screen.reset_filters", scope=(_C,),
            show=False),
    Command("archive.sort", "archive.cmd.sort", "s", "screen.sort", scope=(_C,)),
    Command("archive.reverse", "archive.cmd.reverse", "d", "screen.reverse", scope=(_C,),
            show=False),
    Command("archive.mark", "archive.cmd.mark", "space", "", scope=(_C,), show=False),
    Command("archive.mark_page", "archive.cmd.mark_page", "ctrl+a", "screen.mark_page",
            scope=(_C,), show=False),
    Command("archive.unmark", "archive.cmd.unmark", "u", "screen.unmark", scope=(_C,),
            show=False),
    Command("archive.classify", "archive.cmd.classify", "c", "screen.classify", scope=(_C,),
            roles=("custodian", "administrator")),
    Command("archive.labels", "archive.cmd.labels", "l", "screen.labels", scope=(_C,),
            roles=("custodian", "administrator"), show=False),
    Command("archive.move", "archive.cmd.move", "m", "screen.move", scope=(_C,),
            roles=("custodian", "administrator")),
    Command("archive.hold", "archive.cmd.hold", "k", "screen.hold", scope=(_C,),
            roles=("custodian", "administrator")),
    Command("archive.client", "archive.cmd.client", "v", "screen.client_records", scope=(_C,),
            show=False),
    Command("archive.box", "archive.cmd.box", "b", "screen.box_contents", scope=(_C,),
            show=False),
    Command("archive.import", "archive.cmd.import", "i", "screen.import", scope=(_C,),
            roles=("custodian", "administrator")),
    Command("archive.export", "archive.cmd.export", "e", "screen.export", scope=(_C,),
            roles=("custodian", "administrator", "auditor")),
    Command("archive.new_record", "forms.cmd.new_record", "n", "screen.new_record",
            scope=(_C,), roles=("custodian", "administrator")),
    Command("archive.edit_record", "forms.cmd.edit_record", "w", "screen.edit_record",
            scope=(_C,), roles=("custodian", "administrator")),
    Command("archive.move_keys", "archive.cmd.move_keys", "up,down,pageup,pagedown,home,end",
            "", scope=archive_common.ALL_SCREENS, show=False, key_display="↑ ↓ PgUp PgDn Home End"),
):
    declare(_command)

register_area(Area("archive", "archive.area", "j", ArchiveScreen, roles=ROLES, order=20,
                   summary_key="archive.area_summary"))
