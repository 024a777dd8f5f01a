"""Change control: controlled fields wait for a second person; history shows before and
after, who, when, why and who approved; a stale edit is a conflict and overwrites nothing."""

from __future__ import annotations

import pytest

from confterm.errors import ConflictError, InputError
from confterm.vault.access import changes, history
from tests.unit.access.conftest import APPROVER, BOTH, CUSTODIAN, step_up


def _record(s, rid):
    return s.call(lambda ctx: dict(zip(
        ("level", "title", "archive_no", "version", "location_id", "retention_end"),
        ctx.conn.execute("SELECT level, title, archive_no, version, location_id, retention_end"
                         " FROM records WHERE id = ?", (rid,)).fetchone(), strict=True)))


def _box(s, name: str) -> int:
    from confterm.vault.catalogue.common import stamp

    def make(ctx) -> int:
        with ctx.transaction():
            room = ctx.conn.execute(
                "INSERT INTO locations(kind, name, path, created_at) VALUES"
                " ('room', ?, ?, ?)", (f"室{name}", f"室{name}", stamp(ctx))).lastrowid
            return int(ctx.conn.execute(
                "INSERT INTO locations(parent_id, kind, name, path, capacity, created_at)"
                " VALUES (?, 'box', ?, ?, 10, ?)", (room, name, f"室{name} / {name}",
                                                   stamp(ctx))).lastrowid)
    return s.call(make)


def test_uncontrolled_field_changes_at_once_and_history_shows_before_after(world,
                                                                          open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = world.records[1]
    before = _record(s, rid)
    out = s.call(changes.edit_record, rid, before["version"], {"title": "2020年记账凭证 1-3月"},
                 "按装订册名更正")
    assert out.proposal_id is None and out.version == before["version"] + 1
    assert _record(s, rid)["title"] == "2020年记账凭证 1-3月"
    entry = s.call(history.record_history, rid)[-1]
    assert entry.action == "record.change.direct" and entry.actor == CUSTODIAN
    assert [(c.field, c.before, c.after) for c in entry.changes] == [
        ("title", before["title"], "2020年记账凭证 1-3月")]
    assert entry.reason == "按装订册名更正" and entry.approved_by is None


def test_controlled_field_waits_for_acceptance_and_history_names_the_approver(world,
                                                                              open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = world.records[1]
    version = _record(s, rid)["version"]
    out = s.call(changes.edit_record, rid, version,
                 {"level": "secret", "notes": "含股东身份证复印件"}, "含身份证复印件，提高密级")
    assert out.applied.keys() == {"notes"} and out.proposal_id is not None
    assert _record(s, rid)["level"] == "internal"  # not yet
    proposal = s.call(changes.get, out.proposal_id)
    assert proposal.status == "pending" and proposal.base_version == version + 1
    with step_up(s, APPROVER) as p:
        decided = s.call(changes.decide, out.proposal_id, True, p)
    assert decided.status == "accepted" and _record(s, rid)["level"] == "secret"
    entries = s.call(history.record_history, rid)
    proposed = next(e for e in entries if e.action == "record.change.propose")
    accepted = next(e for e in entries if e.action == "record.change.accept")
    assert [(c.field, c.before, c.after) for c in proposed.changes] == [
        ("level", "internal", "secret")]
    assert proposed.status == "accepted" and proposed.approved_by == APPROVER
    assert accepted.actor == APPROVER and accepted.proposed_by == CUSTODIAN
    assert accepted.reason == "含身份证复印件，提高密级"


def test_retention_fields_are_controlled_and_recompute_the_end(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = world.records[1]
    rec = _record(s, rid)
    out = s.call(changes.edit_record, rid, rec["version"], {"category": "annual_report"},
                 "实为年度财务报告")
    with step_up(s, APPROVER) as p:
        s.call(changes.decide, out.proposal_id, True, p)
    after = _record(s, rid)
    assert after["retention_end"] == "9999-12-31" != rec["retention_end"]
    accepted = s.call(history.record_history, rid)[-1]
    fields = {c.field: (c.before, c.after) for c in accepted.changes}
    assert fields["retention_end"] == (rec["retention_end"], "9999-12-31")


def test_rejection_needs_a_reason_and_changes_nothing(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = world.records[1]
    out = s.call(changes.edit_record, rid, _record(s, rid)["version"],
                 {"archive_no": "HX-2020-PZ-999"}, "重新编号")
    with step_up(s, APPROVER) as p:
        with pytest.raises(InputError, match="Note"):
            s.call(changes.decide, out.proposal_id, False, p)
        s.call(changes.decide, out.proposal_id, False, p, "编号规则不允许跳号")
    assert _record(s, rid)["archive_no"] == "HX-2020-PZ-002"
    assert s.call(changes.get, out.proposal_id).status == "rejected"


def test_a_stale_edit_is_a_conflict_and_overwrites_nothing(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = world.records[1]
    seen = _record(s, rid)["version"]
    s.call(changes.edit_record, rid, seen, {"title": "甲的修改"}, "甲")
    with pytest.raises(ConflictError, match="changed by someone else"):
        s.call(changes.edit_record, rid, seen, {"title": "乙的修改"}, "乙")
    assert _record(s, rid)["title"] == "甲的修改"


def test_accepting_a_proposal_on_a_record_changed_meanwhile_is_a_conflict(world,
                                                                           open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = world.records[1]
    out = s.call(changes.edit_record, rid, _record(s, rid)["version"],
                 {"level": "confidential"}, "涉及工资")
    other = s.call(changes.edit_record, rid, _record(s, rid)["version"],
                   {"level": "secret"}, "涉及股东身份信息")
    with step_up(s, APPROVER) as p:
        s.call(changes.decide, other.proposal_id, True, p)
        with pytest.raises(ConflictError, match="changed by someone else"):
            s.call(changes.decide, out.proposal_id, True, p)
    assert _record(s, rid)["level"] == "secret"
    assert s.call(changes.get, out.proposal_id).status == "conflict"
    assert s.call(history.record_history, rid)[-1].action == "record.change.conflict"


def test_location_is_controlled_only_in_restricted_processing(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    box = _box(s, "盒0001")
    plain, personal = world.records[1], world.records[0]  # record 0 holds personal info
    out = s.call(changes.edit_record, plain, _record(s, plain)["version"],
                 {"location_id": box}, "上架")
    assert out.proposal_id is None and _record(s, plain)["location_id"] == box
    out = s.call(changes.edit_record, personal, _record(s, personal)["version"],
                 {"location_id": box}, "上架")
    assert out.proposal_id is not None and _record(s, personal)["location_id"] is None


def test_a_proposal_is_validated_when_made(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = world.records[1]
    with pytest.raises(ConflictError):
        s.call(changes.edit_record, rid, _record(s, rid)["version"],
               {"archive_no": "HX-2020-PZ-001"}, "与第1册重号")
    with pytest.raises(InputError):
        s.call(changes.edit_record, rid, _record(s, rid)["version"], {"level": "绝密"}, "x")
    with pytest.raises(InputError, match="Nothing would change"):
        s.call(changes.edit_record, rid, _record(s, rid)["version"], {"level": "internal"}, "x")


def test_the_proposer_may_hold_both_roles_and_still_needs_someone_else(world,
                                                                      open_as) -> None:
    s = open_as(BOTH)
    rid = world.records[1]
    out = s.call(changes.edit_record, rid, _record(s, rid)["version"], {"level": "public"},
                 "已公开披露")
    with step_up(s, APPROVER) as p:
        assert s.call(changes.decide, out.proposal_id, True, p).decided_by == APPROVER
