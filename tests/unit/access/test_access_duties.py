"""Separation of duties cannot be bypassed from the API: the registrant never approves,
the proposer never accepts, and a presence must really be the approver it claims."""

from __future__ import annotations

import json

import pytest

from confterm.errors import ConflictError, PermissionDenied
from confterm.vault import lifecycle
from confterm.vault.access import changes, decisions, requests
from confterm.vault.presence import Presence
from confterm.vault.secrets import passphrase_bytes
from tests.unit.access.conftest import (
    APPROVER,
    BOTH,
    BOTH_PASS,
    CUSTODIAN,
    draft,
    step_up,
)


def _events(session, action: str) -> list[dict[str, object]]:
    return session.call(lambda ctx: [json.loads(r[0]) for r in ctx.conn.execute(
        "SELECT details FROM audit_events WHERE action = ? ORDER BY seq", (action,))])


def test_registrant_cannot_approve_own_request_even_holding_both_roles(world, open_as) -> None:
    s = open_as(BOTH)
    req = s.call(requests.register, draft(world.records[:2]))
    with step_up(s, BOTH) as me, pytest.raises(PermissionDenied, match="registered this"):
        s.call(decisions.decide, req.id, "approve", me)
    assert s.call(requests.get_request, req.id).status == "pending"
    assert s.call(decisions.get_decision, req.id) is None
    refused = _events(s, "access.request.decide_refused")
    assert refused and refused[-1]["approver"] == BOTH


def test_registrant_cannot_approve_when_someone_else_is_unlocked(world, open_as) -> None:
    """The check compares with the stored registrant, not with whoever is at the keyboard."""
    s = open_as(BOTH)
    req = s.call(requests.register, draft(world.records[:1]))
    s = open_as(CUSTODIAN)
    with step_up(s, BOTH) as registrant, pytest.raises(PermissionDenied):
        s.call(decisions.decide, req.id, "approve", registrant)
    with step_up(s, APPROVER) as other:
        decided = s.call(decisions.decide, req.id, "approve", other)
    assert decided.approver == APPROVER


def test_a_custodian_without_the_approver_role_cannot_decide(world, open_as) -> None:
    s = open_as(BOTH)
    req = s.call(requests.register, draft(world.records[:1]))
    with step_up(s, CUSTODIAN, role="custodian") as custodian, \
            pytest.raises(PermissionDenied, match="approver"):
        s.call(decisions.decide, req.id, "approve", custodian)


def test_a_presence_carrying_someone_elses_key_is_refused(world, open_as) -> None:
    """A hand-made Presence naming the approver but holding the registrant's key."""
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft(world.records[:1]))
    seed = lifecycle.verify_person_secret(s, BOTH, passphrase_bytes(BOTH_PASS))
    approver = step_up(s, APPROVER)
    forged = Presence(approver.person, seed)
    with pytest.raises(ConflictError, match="does not match"):
        s.call(decisions.decide, req.id, "approve", forged)
    assert s.call(requests.get_request, req.id).status == "pending"


def test_the_decision_is_signed_and_verifiable(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft(world.records[:3]))
    with step_up(s, APPROVER) as p:
        d = s.call(decisions.decide, req.id, "partial", p, granted_ids=world.records[:1],
                   conditions="仅限在档案室查阅，不得拍照", expires_on="2026-03-20")
    body = json.loads(d.payload)
    assert body["granted"] == world.records[:1] and body["approver"] == APPROVER
    assert d.key_fingerprint and s.call(decisions.verify_decision, req.id)
    # Tampering with what was granted breaks the signature.
    s.call(lambda ctx: ctx.conn.execute(
        "UPDATE access_decisions SET payload = replace(payload, '\"outcome\":\"partial\"',"
        " '\"outcome\":\"approve\"') WHERE request_id = ?", (req.id,)))
    assert not s.call(decisions.verify_decision, req.id)


def test_a_request_cannot_be_decided_twice(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft(world.records[:1]))
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, req.id, "deny", p, reason="用途与档案无关")
        with pytest.raises(ConflictError, match="denied"):
            s.call(decisions.decide, req.id, "approve", p)


def test_proposer_cannot_accept_own_change(world, open_as) -> None:
    s = open_as(BOTH)
    rid = world.records[1]
    version = s.call(lambda ctx: ctx.conn.execute(
        "SELECT version FROM records WHERE id = ?", (rid,)).fetchone()[0])
    out = s.call(changes.edit_record, rid, version, {"level": "secret"}, "含银行账户信息")
    assert out.proposal_id is not None
    with step_up(s, BOTH) as me, pytest.raises(PermissionDenied, match="proposed this"):
        s.call(changes.decide, out.proposal_id, True, me)
    level = s.call(lambda ctx: ctx.conn.execute(
        "SELECT level FROM records WHERE id = ?", (rid,)).fetchone()[0])
    assert level == "internal"
    assert _events(s, "record.change.decide_refused")



def test_a_wrong_passphrase_at_a_step_up_is_audited(world, open_as) -> None:
    import json

    from confterm.errors import AuthError
    from confterm.vault import presence
    from confterm.vault.secrets import passphrase_bytes
    from tests.unit.access.conftest import APPROVER, CUSTODIAN

    s = open_as(CUSTODIAN)
    with pytest.raises(AuthError):
        presence.verify(s, APPROVER, passphrase_bytes("not the approver's passphrase"),
                        "approver", None)
    rows = s.call(lambda ctx: ctx.conn.execute(
        "SELECT actor, object_id, details FROM audit_events WHERE action = 'presence.failed'"
    ).fetchall())
    assert [(r[0], r[1]) for r in rows] == [(CUSTODIAN, APPROVER)]
    assert json.loads(rows[0][2])["roles"] == ["approver"]
