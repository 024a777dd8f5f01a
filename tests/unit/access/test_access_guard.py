"""Revealing, printing or exporting a record's content needs an approved, unexpired request
that grants that record for that act; every refusal is audited."""

from __future__ import annotations

import pytest

from confterm.errors import ConflictError, PermissionDenied
from confterm.vault.access import decisions, guard, requests
from confterm.vault.catalogue import holds
from tests.unit.access.conftest import APPROVER, CUSTODIAN, draft, step_up


def _approved(s, records, kind="consultation", **decide):
    req = s.call(requests.register, draft(records, kind=kind))
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, req.id, decide.pop("outcome", "approve"), p, **decide)
    return req.id


def _count(s, action: str) -> int:
    return s.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM audit_events WHERE action = ?", (action,)).fetchone()[0])


def test_reveal_without_any_request_is_refused_and_audited(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    with pytest.raises(PermissionDenied, match="no approved, unexpired request"):
        s.call(guard.require_covering_request, world.records[0], "reveal")
    assert _count(s, "access.reveal_refused") == 1
    assert _count(s, "access.reveal") == 0


def test_a_pending_request_does_not_cover(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft(world.records[:1]))
    with pytest.raises(PermissionDenied, match="not been decided"):
        s.call(guard.require_covering_request, world.records[0], "reveal", req.id)
    with pytest.raises(PermissionDenied):
        s.call(guard.require_covering_request, world.records[0], "reveal")


def test_an_approved_request_covers_and_logs_the_act(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:2])
    grant = s.call(guard.require_covering_request, world.records[0], "reveal", None, "核对股东")
    assert grant.request_id == rid
    assert _count(s, "access.reveal") == 1


def test_a_denied_request_cannot_be_used(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:1], outcome="deny", reason="无合法依据")
    with pytest.raises(PermissionDenied, match="denied"):
        s.call(guard.require_covering_request, world.records[0], "reveal", rid)
    assert _count(s, "access.reveal_refused") == 1


def test_an_expired_request_cannot_be_used(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:1], expires_on="2026-03-12")
    s.call(guard.require_covering_request, world.records[0], "reveal", rid)
    world.now.advance(days=3)  # 2026-03-13: the day after the last day of use
    with pytest.raises(PermissionDenied, match="expired on 2026-03-12"):
        s.call(guard.require_covering_request, world.records[0], "reveal", rid)
    with pytest.raises(PermissionDenied, match="no approved, unexpired"):
        s.call(guard.require_covering_request, world.records[0], "reveal")


def test_partial_approval_covers_only_the_granted_records(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:3], outcome="partial", granted_ids=world.records[:1],
                    conditions="仅限第1册")
    s.call(guard.require_covering_request, world.records[0], "reveal", rid)
    with pytest.raises(PermissionDenied, match="does not grant record HX-2020-PZ-002"):
        s.call(guard.require_covering_request, world.records[1], "reveal", rid)


def test_the_kind_of_request_limits_the_act(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    consult = _approved(s, world.records[:1], kind="consultation")
    with pytest.raises(PermissionDenied, match="copy or export"):
        s.call(guard.require_covering_request, world.records[0], "print", consult)
    with pytest.raises(PermissionDenied, match="not an export request"):
        s.call(guard.require_covering_request, world.records[0], "export", consult)
    export = _approved(s, world.records[:1], kind="export")
    assert s.call(guard.require_covering_request, world.records[0], "export").request_id \
        == export
    assert s.call(guard.require_covering_request, world.records[0], "print").request_id \
        == export


def test_a_record_put_on_hold_after_approval_is_refused(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:2])
    s.call(holds.create, "税务稽查", "市税务局稽查局", "records", record_ids=[world.records[0]])
    with pytest.raises(ConflictError, match="legal hold"):
        s.call(guard.require_covering_request, world.records[0], "reveal", rid)
    assert _count(s, "access.reveal_refused") == 1
    s.call(guard.require_covering_request, world.records[1], "reveal", rid)


def test_a_record_put_on_hold_while_pending_cannot_be_approved(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft(world.records[:2]))
    s.call(holds.create, "诉讼保全", "区人民法院", "records", record_ids=[world.records[1]])
    with step_up(s, APPROVER) as p:
        with pytest.raises(ConflictError, match="HX-2020-PZ-002 is under a legal hold"):
            s.call(decisions.decide, req.id, "approve", p)
        decided = s.call(decisions.decide, req.id, "partial", p,
                         granted_ids=[world.records[0]], conditions="冻结档案除外")
    assert decided.granted_ids == [world.records[0]]


def test_a_record_entering_destruction_cannot_be_requested_or_revealed(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:1])
    s.call(lambda ctx: ctx.conn.execute(
        "UPDATE records SET state = 'in_destruction' WHERE id = ?", (world.records[0],)))
    with pytest.raises(ConflictError, match="destruction session"):
        s.call(guard.require_covering_request, world.records[0], "reveal", rid)
    with pytest.raises(ConflictError, match="destruction session"):
        s.call(requests.register, draft(world.records[:1]))


def test_client_personal_information_needs_a_request_on_that_client(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    first, second = world.client_ids
    with pytest.raises(PermissionDenied, match="华信商贸"):
        s.call(guard.require_client_reveal, first)
    rid = _approved(s, [world.records[0]])  # record 0 belongs to the first client
    assert s.call(guard.require_client_reveal, first) == rid
    with pytest.raises(PermissionDenied, match="远航物流"):
        s.call(guard.require_client_reveal, second)


def test_inside_a_callers_transaction_the_act_commits_with_it(world, open_as) -> None:
    """The guard joins an open transaction: the caller's act and its log are one unit."""
    s = open_as(CUSTODIAN)
    _approved(s, world.records[:1])

    def export_then_fail(ctx) -> None:
        with ctx.transaction():
            guard.require_covering_request(ctx, world.records[0], "reveal")
            raise RuntimeError("disk full while writing the export")

    with pytest.raises(RuntimeError):
        s.call(export_then_fail)
    assert _count(s, "access.reveal") == 0


def test_client_information_is_revealed_under_the_request_and_logged(world, open_as) -> None:
    from confterm.vault.access import register, reveal

    s = open_as(CUSTODIAN)
    denied = s.call(requests.register, draft([world.records[0]]))
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, denied.id, "deny", p, reason="无依据")
    with pytest.raises(PermissionDenied):
        s.call(reveal.reveal_client, denied.id, world.client_ids[0])
    rid = _approved(s, [world.records[0]])
    assert s.call(reveal.clients_of_request, rid) == [(world.client_ids[0], "华信商贸有限公司")]
    shown = s.call(reveal.reveal_client, rid, world.client_ids[0])
    assert shown["legal_representative"] == "王大明"
    [event] = s.call(register.list_events)
    assert (event.act, event.request_id) == ("reveal", rid)
    assert _count(s, "client.reveal") == 1 and _count(s, "access.reveal_refused") == 1
