"""The whole path from eligible records to a verified, completed destruction."""

from __future__ import annotations

import pytest

from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.vault.catalogue import holds
from confterm.vault.destruction import (
    appraisal,
    completion,
    eligibility,
    history,
    register,
    sessions,
)
from tests.conftest import ADMIN
from tests.unit.destruction.world import IT_WITNESS, WITNESS, World


def _audit_actions(world: World, action: str) -> int:
    return world.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM audit_events WHERE action = ?", (action,)).fetchone()[0])


def test_full_flow_destroys_checked_items_and_keeps_tombstones(world: World) -> None:
    ids = world.records(3, notes="备注内容 ABCDEF")
    young = world.records(1, fiscal_year=2020)
    listed = {r.id for r in world.call(eligibility.eligible_page)}
    assert set(ids) <= listed and young[0] not in listed
    sid = world.open_session(ids)
    first, second, third = world.archive_numbers(ids)
    assert world.call(sessions.check_off, sid, first).outcome == "checked"
    assert world.call(sessions.check_off, sid, first).outcome == "duplicate"
    assert world.call(sessions.check_off, sid, "NOPE-1").outcome == "unknown"
    world.call(sessions.check_off, sid, second)
    world.call(sessions.exclude_item, sid, ids[2], "盒内缺失，另行处理")
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    assert (done.destroyed, done.excluded) == (2, 1)
    assert done.verification.ok, done.verification
    assert [world.state(i) for i in ids] == ["destroyed", "destroyed", "active"]
    tomb = world.call(lambda ctx: ctx.conn.execute(
        "SELECT archive_no, register_no, session_no, witnesses, executor FROM"
        " destruction_tombstones ORDER BY record_id").fetchall())
    assert [t[0] for t in tomb] == [first, second]
    assert tomb[0][3] == WITNESS and tomb[0][4] == ADMIN
    info = world.call(sessions.get, sid)
    assert info.status == "completed" and info.counts == {"checked": 2, "excluded": 1}
    kinds = {e.kind for e in world.call(history.everything)}
    assert kinds == {"appraisal", "register", "session"}
    assert third not in [t[0] for t in tomb]


def test_witness_cannot_be_executor_and_refusal_is_audited(world: World) -> None:
    ids = world.records(1)
    rid = world.signed_register(ids)
    with pytest.raises(PermissionDenied):
        world.call(sessions.start_session, rid, "粉碎", "档案室", [_admin_presence(world)])
    assert _audit_actions(world, "destruction.refused") == 1
    assert world.call(register.get, rid).status == "signed"


def _admin_presence(world: World):  # type: ignore[no-untyped-def]
    from confterm.vault.presence import Presence

    class Forged(Presence):
        """Claims to be the executor; signs with the unlocked session's own key."""

    return Forged(world.session.person, bytearray(32))


def test_preparer_cannot_sign_own_register(world: World) -> None:
    ids = world.records(1)
    aid = world.appraise(ids)
    with pytest.raises(PermissionDenied):
        world.call(register.create_register, aid, "依据", [("head_of_unit", ADMIN)])
    assert _audit_actions(world, "destruction.refused") == 1


def test_unsigned_register_cannot_start(world: World) -> None:
    ids = world.records(1)
    rid = world.call(register.create_register, world.appraise(ids), "依据")
    with pytest.raises(ConflictError):
        world.call(sessions.start_session, rid, "粉碎", "档案室", [world.presence(WITNESS)])
    assert _audit_actions(world, "destruction.refused") == 1


def test_hold_during_session_blocks_until_excluded(world: World) -> None:
    ids = world.records(2)
    sid = world.open_session(ids)
    world.check_all(sid, ids)
    world.call(holds.create, "税务稽查", "稽查局", "records", record_ids=[ids[0]])
    with pytest.raises(ConflictError):
        world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    assert world.call(sessions.get, sid).counts["blocked"] == 1
    assert world.state(ids[0]) == "in_destruction"
    world.call(sessions.exclude_item, sid, ids[0], "冻结")
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    assert done.destroyed == 1 and world.state(ids[0]) == "active"
    assert world.state(ids[1]) == "destroyed"


def test_electronic_needs_it_witness(world: World) -> None:
    ids = world.records(1, medium="electronic")
    rid = world.signed_register(ids)
    with pytest.raises(PermissionDenied):
        world.call(sessions.start_session, rid, "消磁", "机房", [world.presence(WITNESS)])
    sid = world.call(sessions.start_session, rid, "消磁", "机房",
                     [world.presence(WITNESS), world.presence(IT_WITNESS)])
    assert world.call(sessions.get, sid).electronic


def test_pause_resume_needs_witness_again(world: World) -> None:
    ids = world.records(1)
    sid = world.open_session(ids)
    world.call(sessions.pause_session, sid, "午休")
    with pytest.raises(InputError):
        world.call(sessions.check_off, sid, world.archive_numbers(ids)[0])
    world.call(sessions.resume_session, sid, [world.presence(WITNESS)])
    world.check_all(sid, ids)
    assert world.call(completion.complete_session, sid,
                      [world.presence(WITNESS)]).destroyed == 1


def test_incomplete_checkoff_refused(world: World) -> None:
    ids = world.records(2)
    sid = world.open_session(ids)
    world.check_all(sid, ids[:1])
    with pytest.raises(ConflictError):
        world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    assert world.state(ids[0]) == "in_destruction"


def test_explain_says_why(world: World) -> None:
    young = world.records(1, fiscal_year=2020)[0]
    old = world.records(1)[0]
    why = world.call(eligibility.explain, young)
    assert not why.eligible
    assert any("2051" in p.text() for p in why.reasons)
    assert world.call(eligibility.explain, old).eligible
    world.call(holds.create, "诉讼", "法务", "records", record_ids=[old])
    why = world.call(eligibility.explain, old)
    assert not why.eligible and any(p.key == "catalogue.reason.hold" for p in why.reasons)


def test_appraisal_extend_and_unresolved_change_records(world: World) -> None:
    ids = world.records(3)
    aid = world.call(appraisal.create_appraisal, ids)
    world.call(appraisal.decide, aid, [ids[0]], "extend", 5, "仍有参考价值")
    world.call(appraisal.decide, aid, [ids[1]], "unresolved", None, "债务未结清")
    with pytest.raises(InputError):
        world.call(appraisal.issue_appraisal, aid, "意见")
    world.call(appraisal.decide, aid, [ids[2]], "destroy")
    number = world.call(appraisal.issue_appraisal, aid, "意见")
    assert number.startswith("JD-")
    listed = {r.id for r in world.call(eligibility.eligible_page)}
    assert ids[0] not in listed and ids[1] not in listed and ids[2] in listed
