"""Deciding a request: an approver, proven present and never its registrant, signs.

The separation of duties is checked here, in the service, against the request's stored
registrant and the person the presence proves, so no screen, script or test harness can
approve its own request. The decision is canonical JSON signed with the approver's Ed25519
key and checked against the key enrolled for that person before anything is written, so a
presence object carrying someone else's key is refused too.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Protocol

from confterm.errors import ConflictError, ConftermError, InputError, PermissionDenied
from confterm.vault import keys, people
from confterm.vault.access import records_view, requests
from confterm.vault.access.model import (
    OUTCOMES,
    Decision,
    Request,
    clean_text,
    local_day,
    parse_day,
    utc_text,
)
from confterm.vault.audit import canonical_json
from confterm.vault.people import Person
from confterm.vault.session import Ctx

SIGNED_TYPE = "confterm-access-decision-v1"


class Signer(Protocol):
    """A person proven present at the terminal (``confterm.vault.presence.Presence``)."""

    person: Person

    def sign(self, message: bytes) -> bytes: ...


def request_digest(ctx: Ctx, request: Request) -> str:
    """SHA-256 over what was asked, so the signature also binds the request's content."""
    covered = requests.covered(ctx.conn, request.id)
    body = {"id": request.id, "kind": request.kind, "requester": request.requester_name,
            "organisation": request.requester_org, "id_doc": request.id_doc_masked,
            "relation": request.relation, "purpose": request.purpose,
            "legal_basis": request.legal_basis, "wanted": [request.wanted_from,
                                                            request.wanted_to],
            "registered_by": request.registered_by, "records": [c[0] for c in covered]}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def _approver(ctx: Ctx, signer: Signer, request: Request) -> Person:
    """The enrolled, active person behind ``signer``, allowed to decide this request."""
    person = people.get(ctx.conn, signer.person.name)
    if person is None or not person.active:
        raise PermissionDenied("people.unknown", person=signer.person.name)
    people.require_role(person, "approver")
    people.require_distinct(request.registered_by, person, "request")
    return person


def _expiry(ctx: Ctx, request: Request, expires_on: date | str | None) -> date:
    today = local_day(ctx.now())
    expiry = parse_day(expires_on, "expires_on") if expires_on else \
        date.fromisoformat(request.wanted_to)
    if expiry < today:
        raise InputError("access.expiry_in_past", expiry=expiry.isoformat(),
                         today=today.isoformat())
    return expiry


def _granted(ctx: Ctx, request: Request, outcome: str,
             granted_ids: list[int] | None) -> list[int]:
    asked = [c[0] for c in requests.covered(ctx.conn, request.id)]
    if outcome == "deny":
        return []
    if outcome == "approve":
        chosen = asked
    else:
        chosen = sorted({int(i) for i in granted_ids or []})
        outside = [i for i in chosen if i not in asked]
        if outside:
            raise InputError("access.grant_outside_request", record=outside[0])
        if not chosen:
            raise InputError("access.partial_needs_records")
        if len(chosen) == len(asked):
            raise InputError("access.partial_is_everything")
    found = records_view.facts(ctx.conn, chosen)
    for record_id in chosen:
        records_view.refuse_unusable(found[record_id])
    return chosen


def decide(ctx: Ctx, request_id: int, outcome: str, signer: Signer, *,
           expires_on: date | str | None = None, conditions: str = "", reason: str = "",
           granted_ids: list[int] | None = None) -> Decision:
    """Approve, deny, or approve part (``granted_ids``) of a pending request.

    Approving part needs conditions; denying needs a reason; an approval expires on
    ``expires_on`` (default: the last day wanted). A record destroyed, being destroyed or
    put on hold since registration cannot be granted. A refused attempt by the registrant
    to approve their own request is audited.
    """
    if outcome not in OUTCOMES:
        raise InputError("access.bad_outcome", outcome=outcome, outcomes=", ".join(OUTCOMES))
    request = requests.get(ctx.conn, request_id)
    try:
        approver = _approver(ctx, signer, request)
    except PermissionDenied as exc:
        requests.record_refusal(ctx, "access.request.decide_refused", "access_request",
                                request.id, exc, {"approver": signer.person.name,
                                                  "registrant": request.registered_by})
        raise
    requests.require_status(request, "pending")
    conditions = clean_text(conditions, "conditions", required=outcome == "partial")
    reason = clean_text(reason, "reason", required=outcome == "deny")
    granted = _granted(ctx, request, outcome, granted_ids)
    expiry = None if outcome == "deny" else _expiry(ctx, request, expires_on).isoformat()
    decided_at = utc_text(ctx.now())
    archive = {r[0]: r[1] for r in requests.covered(ctx.conn, request.id)}
    body = {"type": SIGNED_TYPE, "vault": ctx.session.vault_id, "request": request.id,
            "request_digest": request_digest(ctx, request), "outcome": outcome,
            "granted": granted, "archive_nos": [archive[i] for i in granted],
            "expires_on": expiry, "conditions": conditions, "reason": reason,
            "approver": approver.name, "registrant": request.registered_by,
            "decided_at": decided_at}
    payload = canonical_json(body)
    signature = signer.sign(payload.encode("utf-8"))
    if not keys.verify_signature(approver.public_key, signature, payload.encode("utf-8")):
        raise ConflictError("presence.key_mismatch", person=approver.name)
    status = {"approve": "approved", "deny": "denied", "partial": "partial"}[outcome]
    fingerprint = keys.fingerprint(approver.public_key)
    with ctx.transaction():
        if requests.get(ctx.conn, request.id).status != "pending":  # decided meanwhile
            raise ConflictError("access.request_is_decided", request=request.id)
        seq = ctx.audit(f"access.request.{outcome}", "access_request", request.id, {
            "approver": approver.name, "at_terminal_of": ctx.actor.name,
            "granted": len(granted), "asked": len(archive), "expires_on": expiry,
            "conditions": conditions, "reason": reason, "key": fingerprint,
            "signature": signature.hex()}, actor=approver.name)
        ctx.conn.execute(
            "INSERT INTO access_decisions(request_id, outcome, approver, decided_at,"
            " expires_on, conditions, reason, payload, signature, public_key,"
            " key_fingerprint, audit_seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (request.id, outcome, approver.name, decided_at, expiry, conditions, reason,
             payload, signature, approver.public_key, fingerprint, seq))
        ctx.conn.execute("UPDATE access_requests SET status = ?, expires_on = ? WHERE id = ?",
                         (status, expiry, request.id))
        ctx.conn.executemany("UPDATE access_request_records SET granted = 1"
                             " WHERE request_id = ? AND record_id = ?",
                             [(request.id, rid) for rid in granted])
    found = get_decision(ctx, request.id)
    assert found is not None
    return found


_DECISION_COLUMNS = ("request_id, outcome, approver, decided_at, expires_on, conditions,"
                     " reason, payload, signature, public_key, key_fingerprint")


def get_decision(ctx: Ctx, request_id: int) -> Decision | None:
    row = ctx.conn.execute(f"SELECT {_DECISION_COLUMNS} FROM access_decisions"
                           " WHERE request_id = ?", (int(request_id),)).fetchone()
    if row is None:
        return None
    return Decision(int(row[0]), str(row[1]), str(row[2]), str(row[3]), row[4], str(row[5]),
                    str(row[6]), str(row[7]), bytes(row[8]), bytes(row[9]), str(row[10]))


def verify_decision(ctx: Ctx, request_id: int) -> bool:
    """Is the stored decision still exactly what its approver signed, for this request?"""
    decision = get_decision(ctx, request_id)
    if decision is None:
        return False
    try:
        body = json.loads(decision.payload)
        request = requests.get(ctx.conn, request_id)
    except (ValueError, ConftermError):
        return False
    return (keys.verify_signature(decision.public_key, decision.signature,
                                  decision.payload.encode("utf-8"))
            and body.get("request") == request_id
            and body.get("request_digest") == request_digest(ctx, request)
            and body.get("approver") == decision.approver)
