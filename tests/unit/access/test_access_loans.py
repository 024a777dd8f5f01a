"""Loans go out with a due date, come back counted, never twice; the overdue list follows
the workstation's calendar day, including across midnight."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime

import pytest

from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.vault.access import decisions, fulfil, register, requests
from tests.unit.access.conftest import APPROVER, CUSTODIAN, draft, step_up


@pytest.fixture
def beijing(monkeypatch: pytest.MonkeyPatch):
    """The workstation is in China: local days start at 16:00 UTC."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _loan_request(s, records):
    req = s.call(requests.register, draft(records, kind="loan", purpose="清算审计借阅",
                                          relation="liquidation_group"))
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, req.id, "approve", p, expires_on="2026-04-30")
    return req.id


def _refusals(s) -> list[dict[str, object]]:
    return s.call(lambda ctx: [json.loads(r[0]) for r in ctx.conn.execute(
        "SELECT details FROM audit_events WHERE action = 'access.loan_return_refused'")])


def test_overdue_list_is_right_across_a_date_change(world, open_as, beijing) -> None:
    s = open_as(CUSTODIAN)
    rid = _loan_request(s, world.records[:2])
    loan = s.call(fulfil.lend, rid, world.records[0], "2026-03-20", 2)
    s.call(fulfil.lend, rid, world.records[1], "2026-03-25", 2)
    world.now.moment = datetime(2026, 3, 20, 15, 59, tzinfo=UTC)  # 23:59 on the due day
    assert s.call(register.overdue_loans) == []
    world.now.moment = datetime(2026, 3, 20, 16, 1, tzinfo=UTC)  # 00:01 on 2026-03-21
    overdue = s.call(register.overdue_loans)
    assert [o.id for o in overdue] == [loan.id]
    assert s.call(register.attention_counts).overdue_loans == 1
    # The day is injectable too: the list for another day, whatever the clock says.
    assert s.call(register.overdue_loans, date(2026, 3, 26)) != []
    assert len(s.call(register.overdue_loans, date(2026, 3, 26))) == 2
    assert s.call(register.overdue_loans, date(2026, 3, 20)) == []
    s.call(fulfil.return_loan, loan.id, 2, 120)
    assert s.call(register.overdue_loans) == []


def test_a_loan_cannot_be_returned_twice(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _loan_request(s, world.records[:1])
    loan = s.call(fulfil.lend, rid, world.records[0], "2026-03-20", 2, 120)
    back = s.call(fulfil.return_loan, loan.id, 2, 120)
    assert back.complete is True and back.returned_at
    with pytest.raises(ConflictError, match="cannot be returned twice"):
        s.call(fulfil.return_loan, loan.id, 2, 120)
    assert _refusals(s)[-1]["refused"] == "access.loan_already_returned"


def test_an_incomplete_return_is_refused_unless_the_loss_is_written_down(world,
                                                                        open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _loan_request(s, world.records[:1])
    loan = s.call(fulfil.lend, rid, world.records[0], "2026-03-20", 2, 120)
    with pytest.raises(ConflictError, match="2 books lent, 1 back"):
        s.call(fulfil.return_loan, loan.id, 1, 60)
    assert s.call(fulfil.get_loan, loan.id).returned_at is None  # still out
    assert _refusals(s)[-1]["refused"] == "access.loan_incomplete"
    with pytest.raises(InputError, match="pages returned"):
        s.call(fulfil.return_loan, loan.id, 2)
    with pytest.raises(ConflictError, match="incomplete"):
        s.call(fulfil.return_loan, loan.id, 2, 118)  # two pages short
    flagged = s.call(fulfil.return_loan, loan.id, 1, 60, "第2册借阅人称遗失，已报所长")
    assert flagged.complete is False and flagged.returned_at
    assert [x.id for x in s.call(register.incomplete_returns)] == [loan.id]


def test_impossible_counts_and_dates_are_refused(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _loan_request(s, world.records[:1])
    with pytest.raises(InputError, match="before today"):
        s.call(fulfil.lend, rid, world.records[0], "2026-03-01", 1)
    with pytest.raises(InputError, match="after the approval's expiry"):
        s.call(fulfil.lend, rid, world.records[0], "2026-05-20", 1)
    loan = s.call(fulfil.lend, rid, world.records[0], "2026-03-20", 2)
    with pytest.raises(InputError, match="3 books returned is impossible"):
        s.call(fulfil.return_loan, loan.id, 3)


def test_a_record_out_on_loan_cannot_go_out_again(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _loan_request(s, world.records[:1])
    s.call(fulfil.lend, rid, world.records[0], "2026-03-20", 2)
    other = _loan_request(s, world.records[:1])
    with pytest.raises(ConflictError, match="already out on loan"):
        s.call(fulfil.lend, other, world.records[0], "2026-03-20", 2)


def test_only_a_loan_request_lends_and_a_request_closes_with_nothing_out(world,
                                                                         open_as) -> None:
    s = open_as(CUSTODIAN)
    consult = s.call(requests.register, draft(world.records[:1]))
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, consult.id, "approve", p)
    with pytest.raises(PermissionDenied, match="not a loan request"):
        s.call(fulfil.lend, consult.id, world.records[0], "2026-03-20", 1)
    rid = _loan_request(s, world.records[:1])
    loan = s.call(fulfil.lend, rid, world.records[0], "2026-03-20", 2)
    with pytest.raises(ConflictError, match="still has 1 records out"):
        s.call(fulfil.close_request, rid)
    s.call(fulfil.return_loan, loan.id, 2)
    assert s.call(fulfil.close_request, rid).status == "closed"


def test_consultation_is_opened_and_closed_with_times(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft(world.records[:2]))
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, req.id, "approve", p)
    s.call(fulfil.open_consultation, req.id)
    with pytest.raises(ConflictError, match="already open"):
        s.call(fulfil.open_consultation, req.id)
    world.now.advance(minutes=45)
    s.call(fulfil.close_consultation, req.id)
    rows = s.call(lambda ctx: ctx.conn.execute(
        "SELECT opened_at, closed_at FROM access_consultations").fetchall())
    assert rows == [("2026-03-10T02:00:00.000000Z", "2026-03-10T02:45:00.000000Z")]
    with pytest.raises(ConflictError, match="No consultation is open"):
        s.call(fulfil.close_consultation, req.id)


def test_copies_are_counted_under_a_copy_request(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft(world.records[:1], kind="copy"))
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, req.id, "approve", p)
    s.call(fulfil.record_copies, req.id, world.records[0], 3)
    with pytest.raises(InputError, match="positive whole number"):
        s.call(fulfil.record_copies, req.id, world.records[0], 0)
    events = s.call(register.list_events, register.RegisterFilter(act="copy"))
    assert [(e.act, e.quantity) for e in events] == [("copy", 3)]

