"""Change control over many records: classify a selection, move records into a box, move a
box that holds records in restricted processing. Nothing controlled changes on one
person's word, from any service; an approver decides a batch in one sitting."""

from __future__ import annotations

import json
from typing import Any

import pytest

from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.vault import people
from confterm.vault.access import change_batch, changes
from confterm.vault.catalogue import locations, records
from confterm.vault.session import Ctx, VaultSession
from tests.unit.access.conftest import APPROVER, BOTH, CUSTODIAN, World, step_up


def _events(s: VaultSession, action: str) -> list[tuple[str, dict[str, Any]]]:
    rows = s.call(lambda ctx: ctx.conn.execute(
        "SELECT object_id, details FROM audit_events WHERE action = ? ORDER BY seq",
        (action,)).fetchall())
    return [(r[0], json.loads(r[1])) for r in rows]


def _levels(s: VaultSession, ids: list[int]) -> list[str]:
    return [s.call(lambda ctx, i=i: records.raw(ctx.conn, i)["level"]) for i in ids]


def _boxes(ctx: Ctx, capacity: int) -> tuple[int, int, int]:
    room = locations.create(ctx, "room", "档案室B")
    cabinet = locations.create(ctx, "cabinet", "柜09", room)
    shelf = locations.create(ctx, "shelf", "第1层", cabinet)
    other = locations.create(ctx, "shelf", "第2层", cabinet)
    box = locations.create(ctx, "box", "盒0100", shelf, barcode="BX0100", capacity=capacity)
    return shelf, other, box


def test_classifying_a_selection_is_proposed_and_applied_only_when_accepted(
        world: World, open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    ids = world.records[:4]
    outcome = s.call(change_batch.classify, ids, "secret", "含涉诉材料，提高密级")
    assert (outcome.selected, outcome.proposed, outcome.applied) == (4, 4, 0)
    assert _levels(s, ids) == ["internal"] * 4  # nothing changed on one person's word
    proposals = s.call(changes.pending, 500, outcome.batch_id)
    assert [p.record_id for p in proposals] == ids
    assert all(p.fields == {"level": {"before": "internal", "after": "secret"}}
               for p in proposals)
    with step_up(s, APPROVER) as approver:
        decision = s.call(change_batch.decide_batch, outcome.batch_id, True, approver)
    assert (decision.accepted, decision.conflicts) == (4, 0)
    assert _levels(s, ids) == ["secret"] * 4
    accepted = _events(s, "record.change.accept")
    assert [int(e[0]) for e in accepted] == ids
    assert all(e[1]["approver"] == APPROVER and e[1]["signature"] for e in accepted)
    assert _events(s, "record.change.batch_decide")[0][1]["accepted"] == 4


def test_the_proposer_cannot_accept_their_own_batch(world: World, open_as: Any) -> None:
    s = open_as(BOTH)  # may propose and approve, but never both on one change
    outcome = s.call(change_batch.classify, world.records[:2], "secret", "年度复核")
    with step_up(s, BOTH) as same, pytest.raises(PermissionDenied, match="proposed"):
        s.call(change_batch.decide_batch, outcome.batch_id, True, same)
    refused = _events(s, "record.change.decide_refused")
    assert refused and refused[-1][1]["approver"] == BOTH
    assert _levels(s, world.records[:2]) == ["internal"] * 2


def test_a_rejected_batch_needs_a_note_and_changes_nothing(world: World,
                                                          open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    outcome = s.call(change_batch.classify, world.records[:3], "public", "拟降为公开")
    with step_up(s, APPROVER) as approver:
        with pytest.raises(InputError):
            s.call(change_batch.decide_batch, outcome.batch_id, False, approver, "")
        decision = s.call(change_batch.decide_batch, outcome.batch_id, False, approver,
                          "含身份证复印件，不得公开")
    assert decision.rejected == 3
    assert _levels(s, world.records[:3]) == ["internal"] * 3
    with step_up(s, APPROVER) as approver, pytest.raises(ConflictError):
        s.call(change_batch.decide_batch, outcome.batch_id, True, approver)


def test_records_already_at_the_level_are_reviewed_not_proposed(world: World,
                                                                open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    world.now.advance(days=400)
    outcome = s.call(change_batch.classify, world.records[:2], "internal", "年度复核，维持")
    assert (outcome.proposed, outcome.unchanged) == (0, 2)
    reviewed = [s.call(lambda ctx, i=i: records.raw(ctx.conn, i)["reviewed_at"])
                for i in world.records[:2]]
    assert all(r.startswith("2027-04") for r in reviewed)


def test_moving_records_applies_at_once_except_personal_information(
        world: World, open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    _shelf, _other, box = s.call(_boxes, 10)
    plain, personal = world.records[1], world.records[0]  # even records hold personal info
    outcome = s.call(change_batch.move, [plain, personal], box, "整理装盒")
    assert (outcome.applied, outcome.proposed) == (1, 1)
    where = {i: s.call(lambda ctx, i=i: records.raw(ctx.conn, i)["location_id"])
             for i in (plain, personal)}
    assert where == {plain: box, personal: None}
    with step_up(s, APPROVER) as approver:
        s.call(change_batch.decide_batch, outcome.batch_id, True, approver)
    assert s.call(lambda ctx: records.raw(ctx.conn, personal)["location_id"]) == box


def test_a_batch_that_would_overfill_a_box_is_refused_when_proposed(world: World,
                                                                    open_as: Any) -> None:
    """Room is counted for proposed moves too, so a batch that could never be accepted
    whole is refused at once; and a box keeps room for the moves already proposed."""
    s = open_as(CUSTODIAN)
    _shelf, _other, box = s.call(_boxes, 2)
    personal = [world.records[0], world.records[2], world.records[4]]
    with pytest.raises(ConflictError, match="3 more do not fit"):
        s.call(change_batch.move, personal, box, "限制处理档案集中存放")
    assert s.call(changes.pending) == []
    s.call(change_batch.move, personal[:2], box, "限制处理档案集中存放")  # fits: proposed
    with pytest.raises(ConflictError):  # the two places are promised to the proposals
        s.call(change_batch.move, [world.records[1]], box, "再放一件")
    assert s.call(lambda ctx: locations.get(ctx.conn, box).record_count) == 0


def test_a_query_holding_records_in_destruction_skips_them(world: World, open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    gone = world.records[5]
    s.call(lambda ctx: ctx.conn.execute("UPDATE records SET state = 'in_destruction' WHERE id = ?",
                                        (gone,)))  # set-up: what a destruction session does
    out = s.call(change_batch.classify, world.records, "secret", "整体复核")
    assert (out.selected, out.proposed, out.skipped) == (len(world.records),
                                                         len(world.records) - 1, 1)


def test_a_record_changed_meanwhile_is_a_conflict_and_the_rest_applies(
        world: World, open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    a, b = world.records[1], world.records[3]
    outcome = s.call(change_batch.classify, [a, b], "secret", "提高密级")
    single = s.call(changes.edit_record, a, s.call(lambda ctx: records.raw(ctx.conn, a))[
        "version"], {"level": "confidential"}, "另有意见")
    with step_up(s, APPROVER) as approver:
        s.call(changes.decide, single.proposal_id, True, approver)
        decision = s.call(change_batch.decide_batch, outcome.batch_id, True, approver)
    assert (decision.accepted, decision.conflicts) == (1, 1)
    assert _levels(s, [a, b]) == ["confidential", "secret"]


def test_two_proposals_on_different_fields_of_one_record_both_apply(
        world: World, open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    rid = world.records[1]
    version = s.call(lambda ctx: records.raw(ctx.conn, rid))["version"]
    level = s.call(changes.edit_record, rid, version, {"level": "secret"}, "提高密级")
    extend = s.call(changes.edit_record, rid, version,
                    {"extension_years": 40, "extension_reason": "涉诉"}, "延长保管")
    with step_up(s, APPROVER) as approver:
        s.call(changes.decide, level.proposal_id, True, approver)
        s.call(changes.decide, extend.proposal_id, True, approver)
    row = s.call(lambda ctx: records.raw(ctx.conn, rid))
    assert (row["level"], row["extension_years"]) == ("secret", 40)


def test_moving_a_box_with_restricted_records_needs_an_approver(world: World,
                                                                open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    _shelf, other, box = s.call(_boxes, 10)
    out = s.call(change_batch.move, [world.records[1]], box, "装盒")
    assert out.applied == 1
    moved = s.call(locations.move_location, box, other, "调整层位")  # no personal info: fine
    assert moved.path.endswith("第2层 / 盒0100")
    restricted = s.call(change_batch.move, [world.records[0]], box, "装盒")
    with step_up(s, APPROVER) as approver:
        s.call(change_batch.decide_batch, restricted.batch_id, True, approver)
    shelf = s.call(lambda ctx: locations.get(ctx.conn, box).parent_id)
    target = _shelf if shelf == other else other
    with pytest.raises(PermissionDenied, match="1"):
        s.call(locations.move_location, box, target, "再调整")
    with step_up(s, CUSTODIAN, "custodian") as me, pytest.raises(PermissionDenied):
        s.call(locations.move_location, box, target, "再调整", me)
    with step_up(s, APPROVER) as approver:
        s.call(locations.move_location, box, target, "再调整", approver)
    event = _events(s, "location.move")[-1][1]
    assert event["restricted"] == 1 and event["approver"] == APPROVER and event["signature"]


def test_notes_are_audited_as_changed_never_verbatim(world: World, open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    rid = world.records[1]
    version = s.call(lambda ctx: records.raw(ctx.conn, rid))["version"]
    s.call(changes.edit_record, rid, version, {"notes": "股东张三身份证复印件在卷内"}, "补充备注")
    details = _events(s, "record.change.direct")[-1][1]
    assert details["changes"]["notes"] == {"changed": True}
    assert "张三" not in json.dumps(details, ensure_ascii=False)


def test_a_level_named_by_a_pending_proposal_cannot_be_removed(world: World,
                                                               open_as: Any) -> None:
    from confterm.vault.catalogue import rules_admin
    from tests.unit.access.conftest import ADMIN

    s = open_as(ADMIN)
    s.call(rules_admin.add_level, "core_secret", 50, "核心", "Core")
    s.close()
    s = open_as(CUSTODIAN)
    s.call(change_batch.classify, world.records[:1], "core_secret", "涉及核心商业秘密")
    s.close()
    s = open_as(ADMIN)
    with pytest.raises(ConflictError, match="pending proposed changes"):
        s.call(rules_admin.remove_level, "core_secret")


def test_the_approver_sees_what_a_batch_does_and_decides_only_that(world: World,
                                                                   open_as: Any) -> None:
    s = open_as(CUSTODIAN)
    up = s.call(change_batch.classify, world.records[:2], "secret", "提高")
    with step_up(s, APPROVER) as approver:
        s.call(change_batch.decide_batch, up.batch_id, True, approver)
    down = s.call(change_batch.classify, world.records[:3], "confidential", "统一为敏感")
    lines = s.call(change_batch.summary, down.batch_id)
    assert sorted((n, lower) for _text, n, lower in lines) == [(1, False), (2, True)]
    with step_up(s, APPROVER) as approver, pytest.raises(ConflictError, match="not the 2"):
        s.call(change_batch.decide_batch, down.batch_id, True, approver, "", 2)
    assert _levels(s, world.records[:3]) == ["secret", "secret", "internal"]


def test_deciding_within_a_transaction_makes_every_check(world: World, open_as: Any) -> None:
    """The building block of batch decisions is no way round the checks of ``decide``."""

    class Forged:
        def __init__(self, person: Any) -> None:
            self.person = person

        def sign(self, message: bytes) -> bytes:
            return bytes(64)

    s = open_as(CUSTODIAN)
    out = s.call(change_batch.classify, world.records[:1], "secret", "提高")
    [proposal] = s.call(changes.pending, 10, out.batch_id)
    approver = s.call(lambda ctx: people.get(ctx.conn, APPROVER))

    def forged(ctx: Ctx) -> None:
        with ctx.transaction():
            changes.decide_within(ctx, proposal, Forged(approver), True, "")

    with pytest.raises(ConflictError):  # a signature not made by the approver's key
        s.call(forged)
    me = s.call(lambda ctx: people.get(ctx.conn, CUSTODIAN))

    def own(ctx: Ctx) -> None:
        with ctx.transaction():
            changes.decide_within(ctx, proposal, Forged(me), True, "")

    with pytest.raises(PermissionDenied):  # the proposer, and not an approver
        s.call(own)
    assert _levels(s, world.records[:1]) == ["internal"]


def test_changes_waiting_page_by_key(world: World, open_as: Any) -> None:
    """However large a batch, every proposal can be reached: the list pages by id."""
    s = open_as(CUSTODIAN)
    s.call(change_batch.classify, world.records, "secret", "整体复核")
    first = s.call(changes.pending, 4)
    rest = s.call(changes.pending, 4, None, first[-1].id)
    assert [p.record_id for p in first + rest] == sorted(world.records)
