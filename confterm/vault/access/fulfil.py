"""Fulfilling an approved request: consultations opened and closed, copies counted, loans
lent with a due date and taken back checked for completeness.

Each step is an access event tied to the request (the register's rows) and an audit event
in the same transaction. A loan can only come back once; coming back short is refused
unless the custodian writes down what is missing, and then the loan is flagged incomplete
for good: missing archive material must never disappear silently.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.vault import people
from confterm.vault.access import records_view, requests
from confterm.vault.access.guard import check_request_allows, log_event
from confterm.vault.access.model import (
    Loan,
    Request,
    clean_text,
    field_label,
    local_day,
    parse_day,
    utc_text,
)
from confterm.vault.session import Ctx


def _usable(ctx: Ctx, request_id: int, record_id: int | None, act: str) -> Request:
    """The request, if it allows ``act`` (on ``record_id``) today; refusals are audited."""
    people.require_role(ctx.actor, "custodian")
    request = requests.get(ctx.conn, request_id)
    try:
        check_request_allows(ctx, request, record_id, act)
        ids = [record_id] if record_id is not None else \
            [c[0] for c in requests.covered(ctx.conn, request.id) if c[3]]
        for fact in records_view.facts(ctx.conn, ids).values():
            records_view.refuse_unusable(fact)
    except (PermissionDenied, ConflictError) as exc:
        requests.record_refusal(ctx, f"access.{act}_refused", "access_request", request.id,
                                exc, {"record": record_id})
        raise
    return request


def open_consultation(ctx: Ctx, request_id: int, note: str = "") -> int:
    """Start a consultation session (the requester is reading now); returns its id."""
    request = _usable(ctx, request_id, None, "consult_open")
    with ctx.transaction():
        row = ctx.conn.execute("SELECT opened_at FROM access_consultations"
                               " WHERE request_id = ? AND closed_at IS NULL",
                               (request.id,)).fetchone()
        if row is not None:
            raise ConflictError("access.consultation_already_open", request=request.id)
        cur = ctx.conn.execute("INSERT INTO access_consultations(request_id, opened_at,"
                               " opened_by) VALUES (?,?,?)",
                               (request.id, utc_text(ctx.now()), ctx.actor.name))
        log_event(ctx, request.id, None, "consult_open", note)
    return int(cur.lastrowid or 0)


def close_consultation(ctx: Ctx, request_id: int, note: str = "") -> None:
    """End the open consultation session (possible even after expiry: it records a fact)."""
    people.require_role(ctx.actor, "custodian")
    request = requests.get(ctx.conn, request_id)
    with ctx.transaction():
        row = ctx.conn.execute("SELECT id FROM access_consultations"
                               " WHERE request_id = ? AND closed_at IS NULL",
                               (request.id,)).fetchone()
        if row is None:
            raise ConflictError("access.consultation_not_open", request=request.id)
        ctx.conn.execute("UPDATE access_consultations SET closed_at = ?, closed_by = ?"
                         " WHERE id = ?", (utc_text(ctx.now()), ctx.actor.name, row[0]))
        log_event(ctx, request.id, None, "consult_close", note)


def open_consultation_id(ctx: Ctx, request_id: int) -> int | None:
    row = ctx.conn.execute("SELECT id FROM access_consultations WHERE request_id = ?"
                           " AND closed_at IS NULL", (int(request_id),)).fetchone()
    return int(row[0]) if row else None


def record_copies(ctx: Ctx, request_id: int, record_id: int, copies: int,
                  note: str = "") -> int:
    """Count copies made of a granted record under a copy request; returns the audit seq."""
    if not isinstance(copies, int) or copies <= 0:
        raise InputError("access.bad_count", field=field_label("copies"), value=copies)
    request = _usable(ctx, request_id, int(record_id), "copy")
    return log_event(ctx, request.id, int(record_id), "copy", note, quantity=copies)


def lend(ctx: Ctx, request_id: int, record_id: int, due_on: date | str, books_out: int,
         pages_out: int | None = None, note: str = "") -> Loan:
    """Hand a granted record out on a loan request, due back on ``due_on`` (no later than
    the approval's expiry). A record already out cannot go out again."""
    request = _usable(ctx, request_id, int(record_id), "loan_out")
    due = parse_day(due_on, "due_on")
    today = local_day(ctx.now())
    if due < today:
        raise InputError("access.due_in_past", due=due.isoformat(), today=today.isoformat())
    if request.expires_on and due > date.fromisoformat(request.expires_on):
        raise InputError("access.due_after_expiry", due=due.isoformat(),
                         expiry=request.expires_on)
    if not isinstance(books_out, int) or books_out <= 0:
        raise InputError("access.bad_count", field=field_label("books_out"), value=books_out)
    if pages_out is not None and (not isinstance(pages_out, int) or pages_out < 0):
        raise InputError("access.bad_count", field=field_label("pages_out"), value=pages_out)
    with ctx.transaction():
        out = ctx.conn.execute("SELECT id, due_on FROM access_loans WHERE record_id = ?"
                               " AND returned_at IS NULL", (int(record_id),)).fetchone()
        if out is not None:
            fact = records_view.one(ctx.conn, int(record_id))
            raise ConflictError("access.record_already_out", archive_no=fact.archive_no,
                                loan=out[0], due=out[1])
        cur = ctx.conn.execute(
            "INSERT INTO access_loans(request_id, record_id, lent_at, lent_by, due_on,"
            " books_out, pages_out) VALUES (?,?,?,?,?,?,?)",
            (request.id, int(record_id), utc_text(ctx.now()), ctx.actor.name, due.isoformat(),
             books_out, pages_out))
        loan_id = int(cur.lastrowid or 0)
        log_event(ctx, request.id, int(record_id), "loan_out", note, quantity=books_out,
                  extra={"loan": loan_id, "due_on": due.isoformat(), "pages": pages_out})
    return get_loan(ctx, loan_id)


def _check_counts(loan: Loan, books_back: int, pages_back: int | None) -> bool:
    """True when everything lent came back; InputError for impossible counts."""
    if not isinstance(books_back, int) or not 0 <= books_back <= loan.books_out:
        raise InputError("access.bad_books_back", value=books_back, lent=loan.books_out)
    if loan.pages_out is not None:
        if pages_back is None:
            raise InputError("access.pages_back_needed", lent=loan.pages_out)
        if not isinstance(pages_back, int) or not 0 <= pages_back <= loan.pages_out:
            raise InputError("access.bad_pages_back", value=pages_back, lent=loan.pages_out)
    return books_back == loan.books_out and (loan.pages_out is None
                                             or pages_back == loan.pages_out)


def return_loan(ctx: Ctx, loan_id: int, books_back: int, pages_back: int | None = None,
                missing_note: str = "") -> Loan:
    """Take a loan back after counting it. Refused (and audited): a loan already returned;
    a short return without a note of what is missing. With the note, the loan closes
    flagged incomplete."""
    people.require_role(ctx.actor, "custodian")
    loan = get_loan(ctx, loan_id)
    if loan.returned_at is not None:
        exc = ConflictError("access.loan_already_returned", loan=loan.id,
                            archive_no=loan.archive_no, returned=loan.returned_at[:10])
        requests.record_refusal(ctx, "access.loan_return_refused", "access_loan", loan.id, exc)
        raise exc
    complete = _check_counts(loan, books_back, pages_back)
    note = clean_text(missing_note, "missing_note", required=False)
    if not complete and not note:
        exc = ConflictError("access.loan_incomplete", loan=loan.id, archive_no=loan.archive_no,
                            books=books_back, lent=loan.books_out)
        requests.record_refusal(ctx, "access.loan_return_refused", "access_loan", loan.id, exc,
                                {"books_back": books_back, "pages_back": pages_back})
        raise exc
    with ctx.transaction():
        changed = ctx.conn.execute(
            "UPDATE access_loans SET returned_at = ?, received_by = ?, books_back = ?,"
            " pages_back = ?, complete = ?, return_note = ? WHERE id = ? AND returned_at IS NULL",
            (utc_text(ctx.now()), ctx.actor.name, books_back, pages_back, int(complete), note,
             loan.id)).rowcount
        if changed != 1:
            raise ConflictError("access.loan_already_returned", loan=loan.id,
                                archive_no=loan.archive_no, returned="")
        log_event(ctx, loan.request_id, loan.record_id, "loan_return", note,
                  quantity=books_back, extra={"loan": loan.id, "complete": complete,
                                              "pages": pages_back,
                                              "late": loan.overdue(local_day(ctx.now()))})
    return get_loan(ctx, loan.id)


LOAN_COLUMNS = ("l.id, l.request_id, l.record_id, r.archive_no, q.requester_name, l.lent_at,"
                " l.lent_by, l.due_on, l.books_out, l.pages_out, l.returned_at, l.books_back,"
                " l.complete, l.return_note")
LOAN_FROM = ("access_loans l JOIN records r ON r.id = l.record_id"
             " JOIN access_requests q ON q.id = l.request_id")


def loan_from_row(row: tuple[object, ...]) -> Loan:
    r: Any = row
    complete = None if r[12] is None else bool(r[12])
    return Loan(int(r[0]), int(r[1]), int(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]),
                str(r[7]), int(r[8]), r[9], r[10], r[11], complete, str(r[13]))


def get_loan(ctx: Ctx, loan_id: int) -> Loan:
    row = ctx.conn.execute(f"SELECT {LOAN_COLUMNS} FROM {LOAN_FROM} WHERE l.id = ?",
                           (int(loan_id),)).fetchone()
    if row is None:
        raise InputError("access.unknown_loan", loan=loan_id)
    return loan_from_row(tuple(row))


def loans_for_request(ctx: Ctx, request_id: int) -> list[Loan]:
    rows = ctx.conn.execute(f"SELECT {LOAN_COLUMNS} FROM {LOAN_FROM} WHERE l.request_id = ?"
                            " ORDER BY l.id", (int(request_id),))
    return [loan_from_row(tuple(r)) for r in rows]


def close_request(ctx: Ctx, request_id: int, note: str = "") -> Request:
    """Mark a decided request finished. Refused while a loan is out or a consultation open."""
    people.require_role(ctx.actor, "custodian")
    request = requests.get(ctx.conn, request_id)
    requests.require_status(request, "approved", "partial", "denied")
    with ctx.transaction():
        out = ctx.conn.execute("SELECT count(*) FROM access_loans WHERE request_id = ?"
                               " AND returned_at IS NULL", (request.id,)).fetchone()[0]
        if out:
            raise ConflictError("access.close_with_loans_out", request=request.id, count=out)
        if open_consultation_id(ctx, request.id) is not None:
            raise ConflictError("access.close_with_consultation_open", request=request.id)
        ctx.conn.execute("UPDATE access_requests SET status = 'closed', closed_at = ?"
                         " WHERE id = ?", (utc_text(ctx.now()), request.id))
        ctx.audit("access.request.close", "access_request", request.id,
                  {"was": request.status, "note": note[:200]})
    return requests.get(ctx.conn, request.id)
