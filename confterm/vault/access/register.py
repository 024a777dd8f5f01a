"""The access register (查阅登记簿): every request and every act done under one.

Read page by page, newest first, by key (``before`` = the last id seen) so a register with
years of entries pages as fast at the end as at the start. Filters: client, record,
requester, purpose, date, status, kind. Dates are the workstation's calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from confterm.vault.access.fulfil import LOAN_COLUMNS, LOAN_FROM, loan_from_row
from confterm.vault.access.model import Loan, local_day
from confterm.vault.session import Ctx

FILTER_STATUSES = ("pending", "approved", "partial", "denied", "closed", "expired")


@dataclass(frozen=True)
class RegisterFilter:
    client_id: int | None = None
    client_text: str | None = None  # part of a client's name, or its credit code
    record_id: int | None = None
    archive_no: str | None = None  # a record named by its archive number
    requester: str | None = None  # part of the requester's name or organisation
    purpose: str | None = None  # part of the purpose or legal basis
    date_from: date | None = None  # inclusive, local day
    date_to: date | None = None  # inclusive, local day
    status: str | None = None  # FILTER_STATUSES
    kind: str | None = None
    act: str | None = None  # events only
    requester_exact: str | None = None  # one requester's history
    id_doc_masked: str | None = None


@dataclass(frozen=True)
class RequestRow:
    id: int
    kind: str
    requester_name: str
    requester_org: str
    id_doc_masked: str
    relation: str
    purpose: str
    registered_by: str
    registered_at: str
    status: str  # as shown: "expired" for an approval past its last day
    expires_on: str | None
    records: int
    first_archive_no: str
    approver: str | None


@dataclass(frozen=True)
class EventRow:
    id: int
    at: str
    act: str
    request_id: int
    record_id: int | None
    archive_no: str
    requester_name: str
    purpose: str
    actor: str
    quantity: int | None
    note: str


def _utc_start(day: date) -> str:
    local = datetime.combine(day, time.min).astimezone()
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _request_where(flt: RegisterFilter, today: date, alias: str = "q"
                   ) -> tuple[list[str], list[object]]:
    """Clauses on access_requests (aliased) shared by both lists."""
    q = alias
    clauses: list[str] = []
    params: list[object] = []
    if flt.client_id is not None:
        clauses.append(f"EXISTS(SELECT 1 FROM access_request_records c JOIN records cr"
                       f" ON cr.id = c.record_id WHERE c.request_id = {q}.id"
                       f" AND cr.client_id = ?)")
        params.append(flt.client_id)
    if flt.requester:
        clauses.append(f"({q}.requester_name LIKE ? ESCAPE '\\'"
                       f" OR {q}.requester_org LIKE ? ESCAPE '\\')")
        params += [_like(flt.requester), _like(flt.requester)]
    if flt.client_text:
        clauses.append(f"EXISTS(SELECT 1 FROM access_request_records c2 JOIN records cr2"
                       f" ON cr2.id = c2.record_id JOIN clients k ON k.id = cr2.client_id"
                       f" WHERE c2.request_id = {q}.id AND (k.name LIKE ? ESCAPE '\\'"
                       f" OR k.credit_code = ?))")
        params += [_like(flt.client_text), flt.client_text.strip().upper()]
    if flt.requester_exact is not None:
        clauses.append(f"{q}.requester_name = ?")
        params.append(flt.requester_exact)
    if flt.id_doc_masked is not None:
        clauses.append(f"{q}.id_doc_masked = ?")
        params.append(flt.id_doc_masked)
    if flt.purpose:
        clauses.append(f"({q}.purpose LIKE ? ESCAPE '\\' OR {q}.legal_basis LIKE ? ESCAPE '\\')")
        params += [_like(flt.purpose), _like(flt.purpose)]
    if flt.kind:
        clauses.append(f"{q}.kind = ?")
        params.append(flt.kind)
    if flt.status == "expired":
        clauses.append(f"{q}.status IN ('approved', 'partial') AND {q}.expires_on < ?")
        params.append(today.isoformat())
    elif flt.status in ("approved", "partial"):
        clauses.append(f"{q}.status = ? AND ({q}.expires_on IS NULL OR {q}.expires_on >= ?)")
        params += [flt.status, today.isoformat()]
    elif flt.status:
        clauses.append(f"{q}.status = ?")
        params.append(flt.status)
    return clauses, params


def _dates(column: str, flt: RegisterFilter) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if flt.date_from:
        clauses.append(f"{column} >= ?")
        params.append(_utc_start(flt.date_from))
    if flt.date_to:
        clauses.append(f"{column} < ?")
        params.append(_utc_start(flt.date_to + timedelta(days=1)))
    return clauses, params


def shown_status(status: str, expires_on: str | None, today: date) -> str:
    if status in ("approved", "partial") and expires_on and expires_on < today.isoformat():
        return "expired"
    return status


def list_requests(ctx: Ctx, flt: RegisterFilter | None = None, before: int | None = None,
                  limit: int = 50) -> list[RequestRow]:
    """Requests matching ``flt``, newest first, with ``id < before``."""
    flt = flt or RegisterFilter()
    today = local_day(ctx.now())
    clauses, params = _request_where(flt, today)
    more, more_params = _dates("q.registered_at", flt)
    clauses += more
    params += more_params
    # A record's requests come from the by-record index, not a scan of every request.
    if flt.record_id is not None:
        clauses.append("q.id IN (SELECT x.request_id FROM access_request_records x"
                       " WHERE x.record_id = ?)")
        params.append(flt.record_id)
    if flt.archive_no:
        clauses.append("q.id IN (SELECT x.request_id FROM access_request_records x"
                       " JOIN records xr ON xr.id = x.record_id WHERE xr.archive_no = ?)")
        params.append(flt.archive_no.strip())
    if before is not None:
        clauses.append("q.id < ?")
        params.append(before)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = ctx.conn.execute(
        "SELECT q.id, q.kind, q.requester_name, q.requester_org, q.id_doc_masked, q.relation,"
        " q.purpose, q.registered_by, q.registered_at, q.status, q.expires_on,"
        " (SELECT count(*) FROM access_request_records n WHERE n.request_id = q.id),"
        " (SELECT min(r.archive_no) FROM access_request_records a JOIN records r"
        "   ON r.id = a.record_id WHERE a.request_id = q.id),"
        " (SELECT d.approver FROM access_decisions d WHERE d.request_id = q.id)"
        f" FROM access_requests q{where} ORDER BY q.id DESC LIMIT ?", (*params, limit))
    return [RequestRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                       shown_status(r[9], r[10], today), r[10], int(r[11]), str(r[12] or ""),
                       r[13]) for r in rows]


def list_events(ctx: Ctx, flt: RegisterFilter | None = None, before: int | None = None,
                limit: int = 50) -> list[EventRow]:
    """Acts done under requests (reveal, print, export, consultations, copies, loans)."""
    flt = flt or RegisterFilter()
    today = local_day(ctx.now())
    clauses, params = _request_where(flt, today)
    more, more_params = _dates("e.at", flt)
    clauses += more
    params += more_params
    if flt.record_id is not None:
        clauses.append("e.record_id = ?")
        params.append(flt.record_id)
    if flt.archive_no:
        clauses.append("r.archive_no = ?")
        params.append(flt.archive_no.strip())
    if flt.act:
        clauses.append("e.act = ?")
        params.append(flt.act)
    if before is not None:
        clauses.append("e.id < ?")
        params.append(before)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = ctx.conn.execute(
        "SELECT e.id, e.at, e.act, e.request_id, e.record_id, coalesce(r.archive_no, ''),"
        " q.requester_name, q.purpose, e.actor, e.quantity, e.note"
        " FROM access_events e JOIN access_requests q ON q.id = e.request_id"
        f" LEFT JOIN records r ON r.id = e.record_id{where} ORDER BY e.id DESC LIMIT ?",
        (*params, limit))
    return [EventRow(*r) for r in rows]


def record_history(ctx: Ctx, record_id: int, limit: int = 500
                   ) -> tuple[list[RequestRow], list[EventRow]]:
    """Every request naming a record, and every act done on it."""
    flt = RegisterFilter(record_id=int(record_id))
    return list_requests(ctx, flt, limit=limit), list_events(ctx, flt, limit=limit)


def requester_history(ctx: Ctx, name: str, id_doc_masked: str | None = None,
                      limit: int = 500) -> tuple[list[RequestRow], list[EventRow]]:
    """Everything one requester asked for and was given (same name, and the same masked
    ID document when given, to keep two people of one name apart)."""
    flt = RegisterFilter(requester_exact=name, id_doc_masked=id_doc_masked)
    return list_requests(ctx, flt, limit=limit), list_events(ctx, flt, limit=limit)


def open_loans(ctx: Ctx) -> list[Loan]:
    rows = ctx.conn.execute(f"SELECT {LOAN_COLUMNS} FROM {LOAN_FROM}"
                            " WHERE l.returned_at IS NULL ORDER BY l.due_on, l.id")
    return [loan_from_row(tuple(r)) for r in rows]


def overdue_loans(ctx: Ctx, today: date | None = None) -> list[Loan]:
    """Loans still out after their due day. ``today`` defaults to the session clock's local
    day; a loan due on day D is overdue from D + 1 (it may come back any time on D)."""
    day = (today or local_day(ctx.now())).isoformat()
    rows = ctx.conn.execute(f"SELECT {LOAN_COLUMNS} FROM {LOAN_FROM}"
                            " WHERE l.returned_at IS NULL AND l.due_on < ?"
                            " ORDER BY l.due_on, l.id", (day,))
    return [loan_from_row(tuple(r)) for r in rows]


def incomplete_returns(ctx: Ctx) -> list[Loan]:
    rows = ctx.conn.execute(f"SELECT {LOAN_COLUMNS} FROM {LOAN_FROM}"
                            " WHERE l.complete = 0 ORDER BY l.returned_at DESC")
    return [loan_from_row(tuple(r)) for r in rows]


@dataclass(frozen=True)
class AttentionCounts:
    overdue_loans: int
    pending_requests: int
    pending_changes: int


def attention_counts(ctx: Ctx, today: date | None = None) -> AttentionCounts:
    day = (today or local_day(ctx.now())).isoformat()
    one = ctx.conn.execute
    return AttentionCounts(
        int(one("SELECT count(*) FROM access_loans WHERE returned_at IS NULL AND due_on < ?",
                (day,)).fetchone()[0]),
        int(one("SELECT count(*) FROM access_requests WHERE status = 'pending'").fetchone()[0]),
        int(one("SELECT count(*) FROM record_changes WHERE status = 'pending'").fetchone()[0]))
