"""What a person can do from the archive browser: filter, sort, mark, classify, label,
move, hold, import, export, and jump to a client's records or a box's contents.

Mixed into :class:`confterm.screens.archive.ArchiveScreen`. Each action opens a dialog that
calls one catalogue service; afterwards the list is re-read where it stands (recount), so
the cursor stays on the row the person was working on.
"""

from __future__ import annotations

from typing import Any

from confterm.dialogs.archive_change import ClassifyDialog, LabelsDialog, MoveDialog
from confterm.dialogs.archive_export import ExportDialog
from confterm.dialogs.archive_filter import FilterDialog
from confterm.dialogs.archive_hold import HoldDialog
from confterm.dialogs.archive_import import ImportDialog
from confterm.dialogs.archive_scope import Scope, scopes_for
from confterm.dialogs.record_form import open_record_form
from confterm.i18n import t
from confterm.vault.catalogue import labels
from confterm.vault.catalogue.filters import Filters
from confterm.widgets.record_browser import RecordBrowser


class ArchiveActions:
    @property
    def browser(self) -> RecordBrowser:
        node: Any = self
        return node.query_one(RecordBrowser)

    @property
    def node(self) -> Any:
        return self

    def scopes(self, query: bool = True, client: bool = False) -> list[Scope]:
        b = self.browser
        lst, cur = b.records, b.records.current
        return scopes_for(
            cur.id if cur else None, cur.archive_no if cur else "", lst.marked_ids,
            b.current_filters() if query else None, lst.count, lst.exact,
            (cur.client_id, cur.client_name) if client and cur else None)

    def _targets(self) -> Scope | None:
        found = [s for s in self.scopes(query=False) if s.kind in ("selection", "record")]
        if not found:
            self.node.notify(t("archive.nothing"), severity="warning")
            return None
        return found[0]

    def _changed(self, result: Any) -> None:
        """After a dialog: re-read the list where it stands (marks were used up)."""
        if result is None:
            return
        lst = self.browser.records
        lst.clear_marks()
        self.node.run_worker(lst.recount(), group="recount", exclusive=True,
                             exit_on_error=False)

    # ---- finding --------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.node.query_one("#browser-search").focus()

    def action_focus_list(self) -> None:
        self.browser.records.focus()

    def action_filters(self) -> None:
        b = self.browser
        self.node.app.push_screen(FilterDialog(b.filters, b.names), self._filtered)

    def _filtered(self, result: Filters | None) -> None:
        if result is not None:
            self.node.run_worker(self.browser.set_filters(result), group="filters",
                                 exclusive=True, exit_on_error=False)

    def action_reset_filters(self) -> None:
        self.node.run_worker(self.browser.set_filters(Filters(text="")), group="filters",
                             exclusive=True, exit_on_error=False)

    def action_sort(self) -> None:
        self.browser.cycle_sort()

    def action_reverse(self) -> None:
        self.browser.reverse()

    def action_mark_page(self) -> None:
        self.browser.records.mark_visible()
        self.browser.show_state()

    def action_unmark(self) -> None:
        self.browser.records.clear_marks()
        self.browser.show_state()

    def action_client_records(self) -> None:
        cur = self.browser.records.current
        if cur is not None:
            self.node.run_worker(self.browser.set_filters(Filters(client_id=cur.client_id,
                                                                  text="")),
                                 group="filters", exclusive=True, exit_on_error=False)

    def action_box_contents(self) -> None:
        cur = self.browser.records.current
        if cur is None:
            return
        if cur.location_id is None:
            self.node.notify(t("archive.no_place"), severity="warning")
            return
        self.node.run_worker(self.browser.set_filters(Filters(location_id=cur.location_id,
                                                              text="")),
                             group="filters", exclusive=True, exit_on_error=False)

    # ---- changing -------------------------------------------------------------------

    def action_classify(self) -> None:
        scopes = self.scopes()
        if not scopes:
            self.node.notify(t("archive.nothing"), severity="warning")
            return
        self.node.app.push_screen(ClassifyDialog(scopes, self.browser.names["level"]),
                                  self._changed)

    async def action_labels(self) -> None:
        if self._targets() is None:
            return
        known = await self.node.service(lambda ctx: labels.all_labels(ctx.conn))
        self.node.app.push_screen(LabelsDialog(self.scopes(query=False),
                                               [name for _id, name in known]), self._changed)

    def action_move(self) -> None:
        scope = self._targets()
        if scope is not None:
            self.node.app.push_screen(MoveDialog(scope.describe(), ids=scope.ids),
                                      self._changed)

    def action_hold(self) -> None:
        scopes = self.scopes(client=True)
        if not scopes:
            self.node.notify(t("archive.nothing"), severity="warning")
            return
        self.node.app.push_screen(HoldDialog(scopes), self._changed)

    def action_import(self) -> None:
        self.node.app.push_screen(ImportDialog(), self._imported)

    def _imported(self, result: int | None) -> None:
        if result:
            self.node.run_worker(self.browser.load(), group="reload", exclusive=True,
                                 exit_on_error=False)

    async def action_new_record(self) -> None:
        await self._open_record_form(None)

    async def action_edit_record(self) -> None:
        cur = self.browser.records.current
        if cur is None:
            self.node.notify(t("archive.nothing"), severity="warning")
            return
        await self._open_record_form(cur.id)

    async def _open_record_form(self, record_id: int | None) -> None:
        try:  # the record may be gone meanwhile: a message, not a crash
            form = await open_record_form(self.node, record_id)
        except Exception as exc:
            self.node.show_error(exc)
            return
        self.node.app.push_screen(form, self._record_saved)

    def _record_saved(self, result: Any) -> None:
        """After the record form: re-read the list where it stands (marks kept) and the
        detail pane (the recount announces the row under the cursor again)."""
        if result is not None:
            self.node.run_worker(self.browser.records.recount(), group="recount",
                                 exclusive=True, exit_on_error=False)

    def action_export(self) -> None:
        b = self.browser
        f = b.current_filters()
        scope = Scope("query", filters=f, count=b.records.count, exact=b.records.exact) \
            if not f.empty else Scope("all", count=b.records.count, exact=b.records.exact)
        self.node.app.push_screen(ExportDialog(scope))
