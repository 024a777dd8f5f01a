"""Legal holds and revealing a client's personal information.

A hold names a reason, an owner (a court, the tax bureau, counsel) and a scope: a client,
chosen records, or the current query (kept as a saved query, so records catalogued later
that match are held too). Releasing needs a reason. Revealing a deregistered client's
personal information (PIPL art. 47: restricted processing) needs a stated purpose and,
where the access module is installed, an approved request covering that client; both the
reveal and the request check are audited by their services. The revealed values live only
in this dialog and are gone when it closes.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Static

from confterm.dialogs.archive_change import ScopedDialog
from confterm.dialogs.archive_scope import Scope
from confterm.dialogs.form import FormDialog, row, wide
from confterm.errors import InputError
from confterm.i18n import t
from confterm.vault.catalogue import clients, holds
from confterm.vault.catalogue.common import require_reason
from confterm.vault.session import Ctx


def _create(ctx: Ctx, scope: Scope, reason: str, owner: str, reference: str) -> int:
    if scope.kind == "client":
        return holds.create(ctx, reason, owner, "client", client_id=scope.client_id,
                            reference=reference)
    if scope.kind == "query":
        return holds.create(ctx, reason, owner, "query", filters=scope.filters,
                            reference=reference)
    return holds.create(ctx, reason, owner, "records", record_ids=list(scope.ids),
                        reference=reference)


class HoldDialog(ScopedDialog):
    """Start a legal hold; returns the new hold's number."""

    TITLE_KEY = "archive.hold.title"
    OK_KEY = "archive.hold.ok"

    def fields(self) -> Iterable[Widget]:
        yield from self.scope_row()
        yield from row(t("archive.form.reason"), Input(id="hold-reason", compact=True))
        yield from row(t("archive.hold.owner"), Input(id="hold-owner", compact=True,
                                                      placeholder=t("archive.hold.owner_hint")))
        yield from row(t("archive.hold.reference"), Input(id="hold-reference", compact=True))
        yield from wide(Static(t("archive.hold.note"), classes="form-note"))

    def on_mount(self) -> None:
        self.query_one("#hold-reason").focus()

    async def submit(self) -> None:
        hold_id = await self.service(_create, self.scope(), self.text("hold-reason"),
                                     self.text("hold-owner"), self.text("hold-reference"))
        self.app.notify(t("archive.hold.done", id=hold_id))
        self.dismiss(hold_id)


class ReleaseDialog(FormDialog[bool | None]):
    TITLE_KEY = "archive.release.title"
    OK_KEY = "archive.release.ok"

    def __init__(self, hold: holds.Hold) -> None:
        super().__init__()
        self.hold = hold

    def title_text(self) -> str:
        return t("archive.release.what", id=self.hold.id, reason=self.hold.reason,
                 owner=self.hold.owner, records=self.hold.records)

    def fields(self) -> Iterable[Widget]:
        yield from row(t("archive.form.reason"), Input(id="release-reason", compact=True))

    def on_mount(self) -> None:
        self.query_one("#release-reason").focus()

    async def submit(self) -> None:
        reason = self.query_one("#release-reason", Input).value
        await self.service(holds.release, self.hold.id, reason)
        self.app.notify(t("archive.release.done", id=self.hold.id))
        self.dismiss(True)


def _has_access_tables(ctx: Ctx) -> bool:
    return ctx.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                            " AND name = 'access_requests'").fetchone() is not None


def reveal(ctx: Ctx, client_id: int, purpose: str, request_id: int | None) -> dict[str, str]:
    """The access guard (when installed) then the catalogue's audited reveal."""
    purpose = require_reason(purpose)
    try:
        from confterm.vault.access import guard
    except ImportError:  # the access module is optional: the purpose alone is required
        guard = None  # type: ignore[assignment]
    if guard is not None and _has_access_tables(ctx):
        guard.require_client_reveal(ctx, client_id, request_id, note=purpose)
    return clients.reveal(ctx, client_id, purpose)


class RevealDialog(FormDialog[bool | None]):
    """State a purpose (and the covering request), then read the unmasked values here."""

    TITLE_KEY = "archive.reveal.title"
    OK_KEY = "archive.reveal.ok"

    def __init__(self, client: clients.Client) -> None:
        super().__init__()
        self.client = client
        self.revealed = False

    def title_text(self) -> str:
        return t("archive.reveal.title_client", client=self.client.name,
                 code=self.client.credit_code)

    def fields(self) -> Iterable[Widget]:
        yield from row(t("archive.reveal.purpose"), Input(id="reveal-purpose", compact=True))
        yield from row(t("archive.reveal.request"), Input(
            id="reveal-request", compact=True, restrict=r"[0-9]*",
            placeholder=t("archive.reveal.request_hint")))
        yield from wide(Static(t("archive.reveal.note"), id="reveal-values",
                               classes="form-note"))

    def on_mount(self) -> None:
        self.query_one("#reveal-purpose").focus()

    async def submit(self) -> None:
        if self.revealed:
            self.dismiss(True)
            return
        purpose = self.query_one("#reveal-purpose", Input).value
        text = self.query_one("#reveal-request", Input).value.strip()
        if text and not text.isdigit():
            raise InputError("archive.reveal.bad_request", value=text[:20])
        values = await self.service(reveal, self.client.id, purpose,
                                    int(text) if text else None)
        lines = [f"{t(f'records.field.{k}')}: {v or '—'}" for k, v in values.items()]
        box = self.query_one("#reveal-values", Static)
        box.update("\n".join(lines))
        box.set_classes("revealed")
        self.revealed = True
        self.say(t("archive.reveal.audited"), "busy")
        self.query_one("#form-ok").label = t("archive.reveal.close")  # type: ignore[attr-defined]
