"""Appraisal (鉴定): decide, per expired record, destroy / extend / keep as unresolved.

A draft lists eligible records; each gets a decision. Issuing the appraisal gives it its
number (JD-YYYY-NNN), signs the opinion with the issuer's key, and applies the decisions
that change records at once: an extension becomes a ``record_extensions`` row (the
catalogue recomputes the retention end), an unresolved matter sets the record's flag with
its reason. Only "destroy" decisions can later go onto a destruction register.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from confterm.errors import ConftermError, InputError
from confterm.vault import people
from confterm.vault.catalogue import retention_sync
from confterm.vault.destruction import guard
from confterm.vault.destruction.common import (
    chunks,
    clean,
    local_today,
    marks,
    next_number,
    refuse,
    sign_as_actor,
    stamp,
)
from confterm.vault.session import Ctx

DECISIONS = ("destroy", "extend", "unresolved")
ROLES = ("custodian", "approver")
MAX_ITEMS = 100_000


@dataclass(frozen=True)
class AppraisalItem:
    record_id: int
    archive_no: str
    title: str
    client_name: str
    category: str
    retention_end: str
    decision: str | None
    extend_years: int | None
    reason: str


def create_appraisal(ctx: Ctx, record_ids: Sequence[int]) -> int:
    """A draft appraisal of ``record_ids`` (each must be eligible now); returns its id."""
    people.require_role(ctx.actor, *ROLES)
    ids = list(dict.fromkeys(int(i) for i in record_ids))
    if not ids:
        raise InputError("destruction.appraisal_empty")
    if len(ids) > MAX_ITEMS:
        raise InputError("destruction.too_many_items", maximum=MAX_ITEMS)
    error = guard.first_refusal(ctx.conn, guard.problems(ctx.conn, ids, local_today(ctx)))
    if error is not None:
        raise refuse(ctx, "appraisal.create", "appraisal", "-", error)
    with ctx.transaction():
        cur = ctx.conn.execute("INSERT INTO destruction_appraisals(created_by, created_at)"
                               " VALUES (?, ?)", (ctx.actor.name, stamp(ctx)))
        aid = int(cur.lastrowid or 0)
        ctx.conn.executemany("INSERT INTO destruction_appraisal_items(appraisal_id, record_id,"
                             " position) VALUES (?, ?, ?)",
                             [(aid, rid, n) for n, rid in enumerate(ids, start=1)])
        ctx.audit("destruction.appraisal_create", "appraisal", aid, {"records": len(ids)})
    return aid


def _draft(ctx: Ctx, appraisal_id: int) -> None:
    row = ctx.conn.execute("SELECT status FROM destruction_appraisals WHERE id = ?",
                           (appraisal_id,)).fetchone()
    if row is None:
        raise InputError("destruction.unknown_appraisal", appraisal=appraisal_id)
    if row[0] != "draft":
        raise InputError("destruction.appraisal_not_draft", appraisal=appraisal_id,
                         status=row[0])


def decide(ctx: Ctx, appraisal_id: int, record_ids: Sequence[int], decision: str,
           years: int | None = None, reason: str = "") -> int:
    """Set the decision of some items of a draft; returns how many items changed.

    'extend' needs a reason and ``years`` (None keeps the record permanently); 'unresolved'
    needs the reason (the matter that is still open).
    """
    people.require_role(ctx.actor, *ROLES)
    if decision not in DECISIONS:
        raise InputError("destruction.bad_decision", decision=decision,
                         choices=", ".join(DECISIONS))
    text = clean(reason, "reason", required=decision != "destroy")
    if decision == "extend" and years is not None and not 1 <= int(years) <= 200:
        raise InputError("destruction.bad_years", years=years)
    with ctx.transaction():
        _draft(ctx, appraisal_id)
        changed = 0
        for part in chunks([int(i) for i in record_ids]):
            cur = ctx.conn.execute(
                "UPDATE destruction_appraisal_items SET decision = ?, extend_years = ?,"
                f" reason = ? WHERE appraisal_id = ? AND record_id IN ({marks(len(part))})",
                (decision, years if decision == "extend" else None, text, appraisal_id,
                 *part))
            changed += cur.rowcount
        if changed:
            ctx.audit("destruction.appraisal_decide", "appraisal", appraisal_id,
                      {"decision": decision, "records": changed, "years": years,
                       "reason": text})
    return changed


def items(ctx: Ctx, appraisal_id: int) -> list[AppraisalItem]:
    rows = ctx.conn.execute(
        "SELECT i.record_id, r.archive_no, r.title, coalesce(c.name, ''), r.category,"
        " r.retention_end, i.decision, i.extend_years, i.reason"
        " FROM destruction_appraisal_items i JOIN records r ON r.id = i.record_id"
        " LEFT JOIN clients c ON c.id = r.client_id WHERE i.appraisal_id = ?"
        " ORDER BY i.position", (appraisal_id,))
    return [AppraisalItem(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])
            for r in rows]


def issue_appraisal(ctx: Ctx, appraisal_id: int, opinion: str) -> str:
    """Number, sign and apply a fully decided draft; returns the opinion's number."""
    people.require_role(ctx.actor, *ROLES)
    text = clean(opinion, "opinion", limit=4000)
    try:
        with ctx.transaction():
            return _issue(ctx, appraisal_id, text)
    except ConftermError as exc:
        if exc.key == "destruction.record_refused":
            raise refuse(ctx, "appraisal.issue", "appraisal", appraisal_id, exc) from None
        raise


def _issue(ctx: Ctx, appraisal_id: int, opinion: str) -> str:
    _draft(ctx, appraisal_id)
    listed = items(ctx, appraisal_id)
    undecided = [i for i in listed if i.decision is None]
    if undecided:
        raise InputError("destruction.appraisal_undecided", count=len(undecided),
                         archive_no=undecided[0].archive_no)
    today = local_today(ctx)
    destroy = [i.record_id for i in listed if i.decision == "destroy"]
    error = guard.first_refusal(ctx.conn, guard.problems(ctx.conn, destroy, today))
    if error is not None:
        raise error
    number = next_number(ctx.conn, "destruction_appraisals", "JD", today.year)
    at = stamp(ctx)
    payload: dict[str, object] = {
        "kind": "appraisal_opinion", "number": number, "opinion": opinion,
        "issued_by": ctx.actor.name, "issued_at": at,
        "items": [[i.archive_no, i.decision, i.extend_years, i.reason] for i in listed]}
    signed = sign_as_actor(ctx, payload)
    for item in listed:
        if item.decision == "extend":
            ctx.conn.execute(
                "INSERT INTO record_extensions(record_id, years, reason, source, counted_from,"
                " reference, created_at, created_by) VALUES (?, ?, ?, 'appraisal', ?, ?, ?, ?)",
                (item.record_id, item.extend_years, item.reason, today.isoformat(), number, at,
                 ctx.actor.name))
            ctx.audit("record.extend", "record", item.record_id,
                      {"years": item.extend_years, "appraisal": number})
        elif item.decision == "unresolved":
            ctx.conn.execute("UPDATE records SET unresolved = 1, unresolved_reason = ?,"
                             " updated_at = ?, version = version + 1 WHERE id = ?",
                             (item.reason, at, item.record_id))
            ctx.audit("record.unresolved", "record", item.record_id, {"appraisal": number})
    extended = [i.record_id for i in listed if i.decision == "extend"]
    if extended:
        retention_sync.refresh(ctx.conn, extended)
    seq = ctx.audit("destruction.appraisal_issue", "appraisal", appraisal_id,
                    {"number": number, "destroy": len(destroy), "extend": len(extended),
                     "unresolved": sum(1 for i in listed if i.decision == "unresolved")})
    ctx.conn.execute("UPDATE destruction_appraisals SET status = 'issued', number = ?,"
                     " opinion = ?, issued_by = ?, issued_at = ?, payload = ?, signature = ?,"
                     " public_key = ?, audit_seq = ? WHERE id = ?",
                     (number, opinion, ctx.actor.name, at, signed.payload, signed.signature,
                      signed.public_key, seq, appraisal_id))
    return number


def cancel_appraisal(ctx: Ctx, appraisal_id: int, reason: str) -> None:
    """Withdraw a draft (issued opinions are kept as issued)."""
    people.require_role(ctx.actor, *ROLES)
    text = clean(reason, "reason")
    with ctx.transaction():
        _draft(ctx, appraisal_id)
        ctx.conn.execute("UPDATE destruction_appraisals SET status = 'cancelled', opinion = ?"
                         " WHERE id = ?", (text, appraisal_id))
        ctx.audit("destruction.appraisal_cancel", "appraisal", appraisal_id, {"reason": text})
