"""Everything the Access screen shows about one request, fetched in one call."""

from __future__ import annotations

from dataclasses import dataclass

from confterm.vault.access import decisions, fulfil, requests
from confterm.vault.access.model import Decision, Loan, Request, local_day
from confterm.vault.session import Ctx


@dataclass(frozen=True)
class CoveredRecord:
    id: int
    archive_no: str
    title: str
    granted: bool
    out_on_loan: bool


@dataclass(frozen=True)
class RequestDetail:
    request: Request
    records: list[CoveredRecord]
    decision: Decision | None
    signature_ok: bool
    loans: list[Loan]
    consultation_open: bool
    shown_status: str  # "expired" for an approval past its last day

    @property
    def open_loans(self) -> list[Loan]:
        return [loan for loan in self.loans if loan.returned_at is None]

    @property
    def lendable(self) -> list[CoveredRecord]:
        return [r for r in self.records if r.granted and not r.out_on_loan]


def request_detail(ctx: Ctx, request_id: int) -> RequestDetail:
    request = requests.get(ctx.conn, request_id)
    loans = fulfil.loans_for_request(ctx, request_id)
    out = {row[0] for row in ctx.conn.execute(
        "SELECT l.record_id FROM access_loans l JOIN access_request_records rr"
        " ON rr.record_id = l.record_id WHERE rr.request_id = ? AND l.returned_at IS NULL",
        (int(request_id),))}
    records = [CoveredRecord(rid, number, title, granted, rid in out)
               for rid, number, title, granted in requests.covered(ctx.conn, request_id)]
    decision = decisions.get_decision(ctx, request_id)
    shown = "expired" if request.status in ("approved", "partial") and \
        request.expired(local_day(ctx.now())) else request.status
    return RequestDetail(request, records, decision,
                         decision is not None and decisions.verify_decision(ctx, request_id),
                         loans, fulfil.open_consultation_id(ctx, request_id) is not None, shown)
