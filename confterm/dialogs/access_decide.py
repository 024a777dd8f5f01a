"""Decide a request or a proposed change: the approver steps up and signs.

The form is filled first (outcome, records granted, expiry, conditions or reason); pressing
OK opens the step-up dialog, where the approver picks their name and types their
passphrase; the decision is signed with their key and stored by the vault service, which
refuses the registrant (or proposer) whatever this dialog offers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList, Static

from confterm.dialogs.form import FormDialog, row, wide
from confterm.dialogs.request_dialog import RequestDialog
from confterm.dialogs.step_up import StepUpDialog
from confterm.errors import InputError
from confterm.i18n import t
from confterm.vault.access import change_batch, changes, decisions
from confterm.vault.access.change_batch import Batch
from confterm.vault.access.changes import Proposal
from confterm.vault.access.model import OUTCOMES, clean_text


class DecideRequestDialog(RequestDialog[bool]):
    TITLE_KEY = "access.ui.decide_title"
    OK_KEY = "access.ui.decide_ok"
    DEFAULT_CSS = "DecideRequestDialog .dialog { width: 90; overflow-y: auto; }"

    def fields(self) -> Iterable[Widget]:
        q = self.detail.request
        yield from wide(Static(t("access.ui.decide_summary", kind=t(f"access.kind.{q.kind}"),
                                 requester=q.requester_name, org=q.requester_org,
                                 purpose=q.purpose, basis=q.legal_basis,
                                 registrant=q.registered_by), id="decide-summary"))
        yield from row(t("access.ui.outcome"), Select(
            [(t(f"access.outcome.{o}"), o) for o in OUTCOMES], value="approve",
            allow_blank=False, id="decide-outcome", compact=True))
        yield from row(t("access.ui.granted"), SelectionList[int](
            *[(f"{r.archive_no}  {r.title}", r.id, True) for r in self.detail.records],
            id="decide-records", compact=True))
        yield from row(t("access.field.expires_on"),
                       Input(q.wanted_to, id="decide-expires", compact=True, max_length=10,
                             restrict=r"[0-9-]*"))
        yield from row(t("access.field.conditions"), Input(id="decide-conditions",
                                                           compact=True))
        yield from row(t("access.field.reason"), Input(id="decide-reason", compact=True))

    async def submit(self) -> None:
        outcome = str(self.query_one("#decide-outcome", Select).value)
        granted = list(self.query_one("#decide-records", SelectionList).selected)
        # The vault checks these too; asking first spares the approver a useless passphrase.
        clean_text(self.query_one("#decide-reason", Input).value, "reason",
                   required=outcome == "deny")
        clean_text(self.query_one("#decide-conditions", Input).value, "conditions",
                   required=outcome == "partial")
        request = self.detail.request
        app: Any = self.app
        duty = "request" if self.session.person.name == request.registered_by else None
        found = await app.push_screen_wait(StepUpDialog(
            "approver", t("access.ui.step_up_purpose", request=request.id), duty))
        if found is None:
            return
        with found as presence:
            await self.service(
                _decide, request.id, outcome, presence,
                self.query_one("#decide-expires", Input).value.strip() or None,
                self.query_one("#decide-conditions", Input).value,
                self.query_one("#decide-reason", Input).value,
                granted if outcome == "partial" else None)
        app.notify(t("access.ui.decided", request=request.id,
                     outcome=t(f"access.outcome.{outcome}")))
        self.dismiss(True)


def _decide(ctx: Any, request_id: int, outcome: str, presence: Any, expires: str | None,
            conditions: str, reason: str, granted: list[int] | None) -> None:
    decisions.decide(ctx, request_id, outcome, presence, expires_on=expires,
                     conditions=conditions, reason=reason, granted_ids=granted)


class DecideChangeDialog(FormDialog[bool]):
    """Accept or reject one proposed change, or every pending change of its batch (a
    classification or move of many records proposed in one act)."""

    TITLE_KEY = "access.ui.change_decide_title"
    OK_KEY = "access.ui.decide_ok"
    DEFAULT_CSS = "DecideChangeDialog .dialog { width: 90; }"

    def __init__(self, proposal: Proposal, batch: Batch | None = None,
                 lines: list[tuple[str, int, bool]] | None = None) -> None:
        super().__init__()
        self.proposal = proposal
        self.whole = batch if batch is not None and batch.pending > 1 else None
        self.lines = lines or []

    def title_text(self) -> str:
        return t(self.TITLE_KEY, change=self.proposal.id, archive_no=self.proposal.archive_no)

    def fields(self) -> Iterable[Widget]:
        p = self.proposal
        summary = t("access.ui.change_summary", changes=p.shown, reason=p.reason,
                    proposer=p.proposed_by)
        box = Static(summary, id="change-summary")
        yield from wide(box)
        if self.whole is not None:
            # The approver sees what the whole batch would do (downgrades called out)
            # before choosing to decide it all; deciding one change is the default.
            text = [t("access.ui.batch_summary", n=self.whole.pending)]
            text += [t("access.ui.batch_line", count=n, change=change)
                     + (t("access.ui.batch_lowering") if lower else "")
                     for change, n, lower in self.lines[:8]]
            yield from wide(Static("\n".join(text), id="batch-summary"))
            yield from row(t("access.ui.change_scope"), Select(
                [(t("access.ui.change_scope_one", change=p.id), "one"),
                 (t("access.ui.change_scope_batch", batch=self.whole.id,
                    n=self.whole.pending), "batch")],
                value="one", allow_blank=False, id="change-scope", compact=True))
        yield from row(t("access.ui.outcome"), Select(
            [(t("access.ui.accept"), "accept"), (t("access.ui.reject"), "reject")],
            value="accept", allow_blank=False, id="change-outcome", compact=True))
        yield from row(t("access.field.note"), Input(id="change-note", compact=True))

    def whole_batch(self) -> bool:
        return self.whole is not None and \
            self.query_one("#change-scope", Select).value == "batch"

    async def submit(self) -> None:
        accept = self.query_one("#change-outcome", Select).value == "accept"
        note = self.query_one("#change-note", Input).value
        if not accept and not note.strip():  # say so before the approver types a passphrase
            raise InputError("access.reject_needs_note")
        app: Any = self.app
        duty = "change" if self.session.person.name == self.proposal.proposed_by else None
        batch = self.whole if self.whole_batch() else None
        purpose = t("access.ui.batch_step_up", batch=batch.id, n=batch.pending) if batch \
            else t("access.ui.change_step_up", change=self.proposal.id)
        found = await app.push_screen_wait(StepUpDialog("approver", purpose, duty))
        if found is None:
            return
        with found as presence:
            if batch is not None:
                decided = await self.service(change_batch.decide_batch, batch.id, accept,
                                             presence, note, batch.pending)
                app.notify(t("access.ui.batch_decided", batch=batch.id,
                             accepted=decided.accepted, rejected=decided.rejected,
                             conflicts=decided.conflicts))
            else:
                await self.service(changes.decide, self.proposal.id, accept, presence, note)
                app.notify(t("access.ui.change_decided", change=self.proposal.id))
        self.dismiss(True)
