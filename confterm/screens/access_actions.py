"""The Access screen's actions: each opens a dialog or calls one vault service.

Kept apart from the screen's loading and filtering so each file reads in one sitting. The
vault services decide who may do what; these methods only gather and show.
"""

from __future__ import annotations

from typing import Any

from textual import work

from confterm.dialogs.access_change import ChangeDialog
from confterm.dialogs.access_decide import DecideChangeDialog, DecideRequestDialog
from confterm.dialogs.access_fulfil import CopiesDialog, LendDialog, ReturnDialog
from confterm.dialogs.access_request import RegisterRequestDialog
from confterm.dialogs.access_reveal import RevealDialog
from confterm.dialogs.confirm import ConfirmDialog
from confterm.i18n import t
from confterm.vault.access import change_batch, fulfil, reveal, views


class AccessActions:
    """Mixed into AccessScreen (which provides selection, ``service`` and reloading)."""

    view: str
    app: Any
    service: Any
    start_reload: Any
    notify: Any
    show_error: Any
    selected: Any
    selected_request_id: Any
    selected_archive_no: Any

    async def _dialog(self, dialog: Any) -> None:
        if await self.app.push_screen_wait(dialog):
            self.start_reload()

    async def _current_detail(self) -> views.RequestDetail | None:
        request_id = self.selected_request_id()
        if request_id is None:
            self.notify(t("access.ui.pick_request"), severity="warning")
            return None
        return await self.service(views.request_detail, request_id)

    @work(exit_on_error=False, group="dialog")
    async def action_new(self) -> None:
        await self._dialog(RegisterRequestDialog())

    @work(exit_on_error=False, group="dialog")
    async def action_decide(self) -> None:
        if self.view == "changes":
            proposal = self.selected()
            if proposal is not None:
                batch, lines = None, None
                if proposal.batch_id is not None:
                    batch = await self.service(change_batch.get_batch, proposal.batch_id)
                    lines = await self.service(change_batch.summary, proposal.batch_id)
                await self._dialog(DecideChangeDialog(proposal, batch, lines))
            return
        detail = await self._current_detail()
        if detail is not None:
            await self._dialog(DecideRequestDialog(detail))

    @work(exit_on_error=False, group="dialog")
    async def action_lend(self) -> None:
        if (detail := await self._current_detail()) is not None:
            await self._dialog(LendDialog(detail))

    @work(exit_on_error=False, group="dialog")
    async def action_give_back(self) -> None:
        item = self.selected()
        loan_id = item.id if self.view == "loans" and item is not None else None
        if (detail := await self._current_detail()) is not None:
            await self._dialog(ReturnDialog(detail, loan_id))

    @work(exit_on_error=False, group="dialog")
    async def action_copies(self) -> None:
        if (detail := await self._current_detail()) is not None:
            await self._dialog(CopiesDialog(detail))

    @work(exit_on_error=False, group="dialog")
    async def action_consult(self) -> None:
        detail = await self._current_detail()
        if detail is None:
            return
        step = fulfil.close_consultation if detail.consultation_open else \
            fulfil.open_consultation
        try:
            await self.service(step, detail.request.id)
        except Exception as exc:
            self.show_error(exc)
            return
        self.notify(t("access.ui.consult_closed" if detail.consultation_open else
                      "access.ui.consult_opened", request=detail.request.id))
        self.start_reload()

    @work(exit_on_error=False, group="dialog")
    async def action_close_request(self) -> None:
        detail = await self._current_detail()
        if detail is None or not await self.app.push_screen_wait(ConfirmDialog(
                t("access.ui.close_title"), t("access.ui.close_question",
                                              request=detail.request.id))):
            return
        try:
            await self.service(fulfil.close_request, detail.request.id)
        except Exception as exc:
            self.show_error(exc)
            return
        self.start_reload()

    @work(exit_on_error=False, group="dialog")
    async def action_reveal(self) -> None:
        request_id = self.selected_request_id()
        if request_id is None:
            self.notify(t("access.ui.pick_request"), severity="warning")
            return
        found = await self.service(reveal.clients_of_request, request_id)
        await self.app.push_screen_wait(RevealDialog(request_id, found))
        self.start_reload()

    @work(exit_on_error=False, group="dialog")
    async def action_change(self) -> None:
        await self._dialog(ChangeDialog(self.selected_archive_no()))

    def action_history(self) -> None:
        from confterm.screens.access_history import RecordHistoryScreen

        self.app.push_screen(RecordHistoryScreen(self.selected_archive_no()))

    @work(exit_on_error=False, group="dialog")
    async def action_export_content(self) -> None:
        """Write the granted records' content to a file under the selected export request
        (the vault's guard decides; a refusal shows on the dialog's message line)."""
        from confterm.dialogs.access_content_export import ContentExportDialog

        if (detail := await self._current_detail()) is not None:
            await self._dialog(ContentExportDialog(detail))

    def action_print_content(self) -> None:
        """The Reports area with the record content sheet chosen for the selected request."""
        from confterm.screens.reports import ReportsScreen

        request_id = self.selected_request_id()
        if request_id is None:
            self.notify(t("access.ui.pick_request"), severity="warning")
            return
        self.app.push_screen(ReportsScreen("record-content", request=str(request_id)))
