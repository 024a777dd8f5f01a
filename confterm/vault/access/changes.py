"""Change control: controlled catalogue fields change only when a second person accepts.

Controlled: the classification level, everything the retention period depends on (category,
years, scrapped year, extension), the archive number, the client, the personal-information
flag, and the location of a record in restricted processing (one holding a deregistered
client's personal information, PIPL art. 47). Editing any of these makes a proposal; an
approver other than the proposer, proven present, accepts (applied, signed, audited) or
rejects it. Every other field changes at once, with its reason recorded. Nothing is ever
overwritten: an edit names the record version the person was looking at and is refused
if the record changed since; a proposal is closed as a conflict when a field it changes no
longer holds the value it was proposed against (other fields changing meanwhile, such as a
second proposal on the same record, do not block it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.vault import keys, people
from confterm.vault.access import change_apply
from confterm.vault.access.decisions import Signer
from confterm.vault.access.model import clean_text, local_day, utc_text
from confterm.vault.access.requests import record_refusal
from confterm.vault.audit import canonical_json
from confterm.vault.catalogue.common import require_writer
from confterm.vault.catalogue.record_input import CONTROLLED, controlled_fields
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

SIGNED_TYPE = "confterm-record-change-v1"
_ACTION = {"accepted": "accept", "rejected": "reject", "conflict": "conflict"}
FREE_TEXT = ("notes", "unresolved_reason")
"""Fields whose words may name people: the audit trail (which can never forget) says only
that they changed; the words themselves stay in the vault, where destruction purges them."""

__all__ = ["CONTROLLED", "EditOutcome", "Proposal", "controlled_fields", "decide",
           "edit_record", "get", "of_record", "pending"]


@dataclass(frozen=True)
class Proposal:
    id: int
    record_id: int
    archive_no: str
    fields: dict[str, dict[str, Any]]
    reason: str
    base_version: int
    proposed_by: str
    proposed_at: str
    status: str
    decided_by: str | None
    decided_at: str | None
    decision_note: str
    batch_id: int | None = None
    shown: str = ""  # the changes as a person reads them (change_values.describe)


@dataclass(frozen=True)
class EditOutcome:
    """What an edit did: fields applied now, and the proposal made for the rest."""

    applied: dict[str, dict[str, Any]]
    proposal_id: int | None
    version: int  # the record's version after the direct part


_COLUMNS = ("c.id, c.record_id, r.archive_no, c.fields, c.reason, c.base_version,"
            " c.proposed_by, c.proposed_at, c.status, c.decided_by, c.decided_at,"
            " c.decision_note, c.batch_id")


def _proposal(row: tuple[Any, ...]) -> Proposal:
    return Proposal(int(row[0]), int(row[1]), str(row[2]), json.loads(row[3]), *row[4:])


def get(ctx: Ctx, change_id: int) -> Proposal:
    row = ctx.conn.execute(f"SELECT {_COLUMNS} FROM record_changes c JOIN records r"
                           " ON r.id = c.record_id WHERE c.id = ?", (int(change_id),)).fetchone()
    if row is None:
        raise InputError("access.unknown_change", change=change_id)
    return _proposal(tuple(row))


def pending(ctx: Ctx, limit: int = 500, batch_id: int | None = None,
            after: int | None = None) -> list[Proposal]:
    """Pending proposals, oldest first (keyset: ids ``after`` the last one shown); only
    those of one batch when ``batch_id``."""
    where = " AND c.batch_id = ?" if batch_id is not None else ""
    rows = ctx.conn.execute(f"SELECT {_COLUMNS} FROM record_changes c JOIN records r"
                            f" ON r.id = c.record_id WHERE c.status = 'pending'{where}"
                            " AND c.id > ? ORDER BY c.id LIMIT ?",
                            (*((batch_id,) if batch_id is not None else ()), after or 0,
                             limit))
    return [_proposal(tuple(r)) for r in rows]


def of_record(ctx: Ctx, record_id: int) -> list[Proposal]:
    rows = ctx.conn.execute(f"SELECT {_COLUMNS} FROM record_changes c JOIN records r"
                            " ON r.id = c.record_id WHERE c.record_id = ? ORDER BY c.id",
                            (int(record_id),))
    return [_proposal(tuple(r)) for r in rows]


def edit_record(ctx: Ctx, record_id: int, expected_version: int,
                fields: Mapping[str, Any], reason: str) -> EditOutcome:
    """Apply the uncontrolled fields now and propose the controlled ones, in one
    transaction. ``expected_version`` is the version the person was looking at."""
    require_writer(ctx)
    reason = clean_text(reason, "reason")
    if not fields:
        raise InputError("access.change_nothing")
    with ctx.transaction():
        outcome = edit_within(ctx, record_id, expected_version, fields, reason)
    if not outcome.applied and outcome.proposal_id is None:
        raise InputError("access.change_nothing")
    return outcome


def edit_within(ctx: Ctx, record_id: int, expected_version: int | None,
                fields: Mapping[str, Any], reason: str,
                batch_id: int | None = None) -> EditOutcome:
    """The work of :func:`edit_record` inside the caller's transaction (a batch runs it
    once per record); ``expected_version`` None means "as stored now". Nothing to change
    gives an empty outcome rather than an error, so a batch can skip such records."""
    conn = ctx.conn
    before, delta = change_apply.validate(conn, record_id, fields)
    version = int(before["version"])
    if expected_version is not None:
        change_apply.check_version(before, expected_version)
    controlled = controlled_fields(before)
    direct = {k: v["after"] for k, v in delta.items() if k not in controlled}
    proposed = {k: v for k, v in delta.items() if k in controlled}
    applied: dict[str, dict[str, Any]] = {}
    if direct:
        applied = change_apply.apply(conn, record_id, version, direct, utc_text(ctx.now()),
                                     local_day(ctx.now()))
        direct_id = _insert(ctx, record_id, applied, reason, version, "direct", batch_id)
        version += 1
        _audit(ctx, direct_id, "record.change.direct", before["archive_no"], applied, reason)
    proposal_id = None
    if proposed:
        proposal_id = _insert(ctx, record_id, proposed, reason, version, "pending", batch_id)
        _audit(ctx, proposal_id, "record.change.propose", before["archive_no"], proposed,
               reason)
    return EditOutcome(applied, proposal_id, version)


def _insert(ctx: Ctx, record_id: int, fields: Mapping[str, Any], reason: str, version: int,
            status: str, batch_id: int | None) -> int:
    cur = ctx.conn.execute(
        "INSERT INTO record_changes(record_id, fields, reason, base_version, proposed_by,"
        " proposed_at, status, batch_id) VALUES (?,?,?,?,?,?,?,?)",
        (int(record_id), canonical_json(fields), reason, version, ctx.actor.name,
         utc_text(ctx.now()), status, batch_id))
    return int(cur.lastrowid or 0)


def _audit(ctx: Ctx, change_id: int, action: str, archive_no: str,
           fields: Mapping[str, Any], reason: str) -> None:
    row = ctx.conn.execute("SELECT record_id, base_version FROM record_changes WHERE id = ?",
                           (change_id,)).fetchone()
    seq = ctx.audit(action, "record", row[0], {
        "archive_no": archive_no, "change": change_id, "changes": audited(fields),
        "reason": reason, "base_version": row[1]})
    ctx.conn.execute("UPDATE record_changes SET audit_seq = ? WHERE id = ?", (seq, change_id))


def audited(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` as the audit trail keeps them: free text only as "changed"."""
    return {k: ({"changed": True} if k in FREE_TEXT else v) for k, v in fields.items()}


def decider(ctx: Ctx, proposal: Proposal, signer: Signer) -> people.Person:
    person = people.get(ctx.conn, signer.person.name)
    if person is None or not person.active:
        raise PermissionDenied("people.unknown", person=signer.person.name)
    people.require_role(person, "approver")
    people.require_distinct(proposal.proposed_by, person, "change")
    return person


def decide(ctx: Ctx, change_id: int, accept: bool, signer: Signer, note: str = "") -> Proposal:
    """Accept (apply) or reject a pending proposal, signed by an approver who is not the
    proposer. If the record changed since the proposal, nothing is applied: the proposal
    is closed as a conflict (audited) and ConflictError says so."""
    proposal = get(ctx, change_id)
    try:
        decider(ctx, proposal, signer)  # refusals are audited here, outside the transaction
    except PermissionDenied as exc:
        record_refusal(ctx, "record.change.decide_refused", "record", proposal.record_id, exc,
                       {"change": proposal.id, "approver": signer.person.name})
        raise
    if proposal.status != "pending":
        raise ConflictError("access.change_not_pending", change=proposal.id,
                            status=proposal.status)
    note = clean_text(note, "note", required=not accept)
    with ctx.transaction():
        conflict = decide_within(ctx, proposal, signer, accept, note)
    if conflict is not None:
        raise conflict
    return get(ctx, proposal.id)


def _still_based(conn: Connection, proposal: Proposal) -> int:
    """The version to apply a proposal on. If every field it changes still holds the
    value it was proposed against, applying it overwrites nobody's work, whatever else
    changed on the record meanwhile (another accepted proposal, a new title), so it
    applies on the current version. Otherwise on its base version, which the apply then
    refuses as a conflict."""
    now = change_apply.current(conn, proposal.record_id)
    if all(now.get(k) == v.get("before") for k, v in proposal.fields.items()):
        return int(now["version"])
    return proposal.base_version


def decide_within(ctx: Ctx, proposal: Proposal, signer: Signer, accept: bool,
                  note: str) -> ConflictError | None:
    """Sign, apply (when accepted) and audit one pending proposal inside the caller's
    transaction. Every check of :func:`decide` is made here too (an approver, not the
    proposer, whose key made the signature; the proposal still pending), so a caller
    cannot skip one. A record changed since the proposal closes it as a conflict and
    returns the error; any other refusal (the box is full now) raises, and the caller's
    transaction leaves the proposal pending."""
    approver = decider(ctx, proposal, signer)
    decided_at = utc_text(ctx.now())
    payload = canonical_json({
        "type": SIGNED_TYPE, "vault": ctx.session.vault_id, "change": proposal.id,
        "record": proposal.record_id, "archive_no": proposal.archive_no,
        "fields": proposal.fields, "base_version": proposal.base_version,
        "proposer": proposal.proposed_by, "reason": proposal.reason,
        "outcome": "accept" if accept else "reject", "note": note,
        "approver": approver.name, "decided_at": decided_at}).encode("utf-8")
    signature = signer.sign(payload)
    if not keys.verify_signature(approver.public_key, signature, payload):
        raise ConflictError("presence.key_mismatch", person=approver.name)
    fingerprint = keys.fingerprint(approver.public_key)
    conflict: ConflictError | None = None
    conn = ctx.conn
    status, applied = "rejected", proposal.fields
    if accept:
        try:
            applied = change_apply.apply(
                conn, proposal.record_id, _still_based(conn, proposal),
                {k: v["after"] for k, v in proposal.fields.items()}, decided_at,
                local_day(ctx.now()))
            status = "accepted"
        except ConflictError as exc:
            if exc.key != "access.change_conflict":
                raise
            conflict, status = exc, "conflict"
    seq = ctx.audit(f"record.change.{_ACTION[status]}", "record", proposal.record_id, {
                        "archive_no": proposal.archive_no, "change": proposal.id,
                        "changes": audited(applied), "reason": proposal.reason,
                        "proposer": proposal.proposed_by, "approver": approver.name,
                        "note": note, "key": fingerprint, "signature": signature.hex()},
                    actor=approver.name)
    closed = conn.execute(
        "UPDATE record_changes SET status = ?, decided_by = ?, decided_at = ?,"
        " decision_note = ?, signature = ?, key_fingerprint = ?, decision_seq = ?"
        " WHERE id = ? AND status = 'pending'",
        (status, approver.name, decided_at, note, signature, fingerprint, seq,
         proposal.id)).rowcount
    if closed != 1:  # decided meanwhile: the caller's transaction undoes what was applied
        raise ConflictError("access.change_not_pending", change=proposal.id,
                            status=get(ctx, proposal.id).status)
    return conflict
