"""Show a client's masked personal information under the selected request (logged).

The values are shown in this dialog only, for as long as it is open; the app never puts
them on the clipboard, and locking removes the dialog with everything else.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Select, Static

from confterm.dialogs.form import FormDialog, row, wide
from confterm.i18n import t
from confterm.vault.access import reveal


class RevealDialog(FormDialog[bool]):
    TITLE_KEY = "access.ui.reveal_title"
    OK_KEY = "access.ui.reveal_ok"

    def __init__(self, request_id: int, clients: list[tuple[int, str]]) -> None:
        super().__init__()
        self.request_id = request_id
        self.clients = clients
        self.shown = False

    def title_text(self) -> str:
        return t(self.TITLE_KEY, request=self.request_id)

    def fields(self) -> Iterable[Widget]:
        yield from wide(Static(t("access.ui.reveal_warning")))
        yield from row(t("access.ui.filter.client"), Select(
            [(name, cid) for cid, name in self.clients],
            value=self.clients[0][0] if self.clients else Select.NULL,
            allow_blank=not self.clients, id="reveal-client", compact=True))
        yield from wide(Static("", id="reveal-values"))

    def on_mount(self) -> None:
        self.query_one("#form-ok").focus()  # Enter reveals; Esc leaves without reading

    async def submit(self) -> None:
        client = self.query_one("#reveal-client", Select).value
        if not isinstance(client, int):
            self.say(t("access.ui.reveal_nothing"))
            return
        values = await self.service(reveal.reveal_client, self.request_id, client)
        self.query_one("#reveal-values", Static).update(t(
            "access.ui.reveal_values", representative=values["legal_representative"] or "—",
            contact=values["liquidation_contact"] or "—"))
        self.shown = True
        self.say(t("access.ui.reveal_logged"), "busy")
