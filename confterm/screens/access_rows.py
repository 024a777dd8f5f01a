"""How the Access screen's tables read: columns and cells of each view, and the detail pane.

Pure formatting (no database, no widgets), so the screen module stays about behaviour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from rich.text import Text

from confterm.i18n import t
from confterm.vault.access.changes import Proposal
from confterm.vault.access.model import Loan
from confterm.vault.access.register import EventRow, RequestRow
from confterm.vault.access.views import RequestDetail

VIEWS = ("requests", "events", "loans", "changes")
COLUMNS = {
    "requests": ("no", "kind", "requester", "relation", "purpose", "records", "status",
                 "registered", "registrant", "approver", "expires"),
    "events": ("at", "act", "archive_no", "request", "requester", "purpose", "actor",
               "quantity", "note"),
    "loans": ("loan", "archive_no", "requester", "lent", "due", "books", "state"),
    "changes": ("change", "archive_no", "changes", "reason", "proposer", "proposed", "state"),
}
_STATUS_STYLE = {"pending": "yellow", "approved": "green", "partial": "green",
                 "denied": "red", "expired": "dim", "closed": "dim"}


MAX_WIDTH = 40


def local_time(utc_text: str | None) -> str:
    """'2026-03-10T02:00:00.000000Z' -> '2026-03-10 10:00' on a workstation in China."""
    if not utc_text:
        return ""
    moment = datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def headers(view: str) -> list[str]:
    return [t(f"access.ui.col.{c}") for c in COLUMNS[view]]


def status_text(status: str) -> Text:
    return Text(t(f"access.status.{status}"), _STATUS_STYLE.get(status, ""))


def request_cells(r: RequestRow) -> tuple[Any, ...]:
    return (str(r.id), t(f"access.kind.{r.kind}"), f"{r.requester_name} {r.requester_org}",
            t(f"access.relation.{r.relation}"), r.purpose,
            f"{r.first_archive_no} (+{r.records - 1})" if r.records > 1 else r.first_archive_no,
            status_text(r.status), local_time(r.registered_at), r.registered_by,
            r.approver or "", r.expires_on or "")


def event_cells(e: EventRow) -> tuple[Any, ...]:
    return (local_time(e.at), t(f"access.act.{e.act}"), e.archive_no, str(e.request_id),
            e.requester_name, e.purpose, e.actor,
            "" if e.quantity is None else str(e.quantity), e.note)


def loan_state(loan: Loan, today: date) -> Text:
    if loan.returned_at is not None:
        return Text(t("access.ui.loan_returned" if loan.complete else
                      "access.ui.loan_incomplete"), "dim" if loan.complete else "red")
    if loan.overdue(today):
        return Text(t("access.ui.loan_overdue", days=(today - date.fromisoformat(
            loan.due_on)).days), "bold red")
    return Text(t("access.ui.loan_out"), "yellow")


def loan_cells(loan: Loan, today: date) -> tuple[Any, ...]:
    return (str(loan.id), loan.archive_no, loan.requester, local_time(loan.lent_at),
            loan.due_on, str(loan.books_out), loan_state(loan, today))


def change_cells(p: Proposal) -> tuple[Any, ...]:
    number = str(p.id) if p.batch_id is None else t("access.ui.change_in_batch", change=p.id,
                                                     batch=p.batch_id)
    return (number, p.archive_no, p.shown, p.reason, p.proposed_by,
            local_time(p.proposed_at), t(f"access.ui.change_status.{p.status}"))


def detail_text(d: RequestDetail) -> Text:
    q = d.request
    text = Text()
    text.append(t("access.ui.detail_head", request=q.id, kind=t(f"access.kind.{q.kind}"),
                  requester=q.requester_name, org=q.requester_org,
                  doc=t(f"access.id_doc.{q.id_doc_type}"), number=q.id_doc_masked), "bold")
    text.append("  ")
    text.append_text(status_text(d.shown_status))
    text.append("\n" + t("access.ui.detail_purpose", purpose=q.purpose, basis=q.legal_basis,
                         start=q.wanted_from, end=q.wanted_to) + "\n")
    marks = [("✔ " if r.granted else "· ") + r.archive_no + (" ⇢" if r.out_on_loan else "")
             for r in d.records]
    text.append(t("access.ui.detail_records", records="  ".join(marks)) + "\n")
    if d.decision is not None:
        dec = d.decision
        text.append(t("access.ui.detail_decision", outcome=t(f"access.outcome.{dec.outcome}"),
                      approver=dec.approver, at=local_time(dec.decided_at),
                      expires=dec.expires_on or "—", key=dec.key_fingerprint))
        text.append("  ")
        text.append(t("access.ui.signature_ok") if d.signature_ok else
                    t("access.ui.signature_bad"), "green" if d.signature_ok else "bold red")
        if dec.conditions or dec.reason:
            text.append("\n" + t("access.ui.detail_conditions",
                                 text=dec.conditions or dec.reason))
    if d.consultation_open:
        text.append("\n" + t("access.ui.consultation_open"), "yellow")
    return text
