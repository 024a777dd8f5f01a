"""The access register lists every request and every reveal, print and export, with the
filters a custodian or auditor uses, and per-record and per-requester histories."""

from __future__ import annotations

from datetime import date

from confterm.vault.access import decisions, guard, register, requests
from confterm.vault.access.register import RegisterFilter
from tests.unit.access.conftest import APPROVER, CUSTODIAN, draft, step_up


def _approve(s, req_id):
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, req_id, "approve", p)


def test_every_reveal_print_and_export_is_listed_against_its_request(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    export = s.call(requests.register, draft(world.records[:2], kind="export",
                                             requester_name="国家税务总局某区税务局",
                                             relation="tax_authority", purpose="注销后税务检查"))
    _approve(s, export.id)
    acts = [(world.records[0], "reveal"), (world.records[0], "print"),
            (world.records[1], "export"), (world.records[1], "reveal")]
    for record_id, act in acts:
        s.call(guard.require_covering_request, record_id, act)
    rows = s.call(register.list_events)
    content = [(e.record_id, e.act, e.request_id) for e in rows
               if e.act in ("reveal", "print", "export")]
    assert sorted(content) == sorted((r, a, export.id) for r, a in acts)
    audited = s.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM audit_events WHERE action IN"
        " ('access.reveal', 'access.print', 'access.export')").fetchone()[0])
    assert audited == len(acts) == len(content)


def test_filters_narrow_the_register(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    a = s.call(requests.register, draft([world.records[0]]))  # first client
    b = s.call(requests.register, draft([world.records[1]], requester_name="陈律师",
                                        requester_org="某律师事务所", relation="court",
                                        purpose="诉讼取证", kind="copy"))
    _approve(s, a.id)
    world.now.advance(days=2)
    c = s.call(requests.register, draft([world.records[2], world.records[3]]))

    def ids(**flt: object) -> list[int]:
        return [r.id for r in s.call(register.list_requests, RegisterFilter(**flt))]

    assert ids() == [c.id, b.id, a.id]
    assert ids(client_id=world.client_ids[1]) == [c.id, b.id]
    assert ids(record_id=world.records[0]) == [a.id]
    assert ids(requester="律师事务所") == [b.id]
    assert ids(purpose="诉讼") == [b.id]
    assert ids(status="approved") == [a.id]
    assert ids(status="pending") == [c.id, b.id]
    assert ids(kind="copy") == [b.id]
    assert ids(date_from=date(2026, 3, 12)) == [c.id]
    assert ids(date_to=date(2026, 3, 11)) == [b.id, a.id]
    # Keyset paging: the page after the first row.
    assert [r.id for r in s.call(register.list_requests, None, c.id, 1)] == [b.id]
    world.now.advance(days=30)
    assert ids(status="expired") == [a.id] and ids(status="approved") == []


def test_record_and_requester_histories(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    a = s.call(requests.register, draft([world.records[0], world.records[1]]))
    b = s.call(requests.register, draft([world.records[1]], requester_name="另一人",
                                        id_doc_number="310104198506124327"))
    _approve(s, a.id)
    s.call(guard.require_covering_request, world.records[0], "reveal")
    reqs, events = s.call(register.record_history, world.records[1])
    assert [r.id for r in reqs] == [b.id, a.id] and events == []
    reqs, events = s.call(register.record_history, world.records[0])
    assert [r.id for r in reqs] == [a.id] and [e.act for e in events] == ["reveal"]
    reqs, events = s.call(register.requester_history, "刘芳", "1101**********002X")
    assert [r.id for r in reqs] == [a.id] and len(events) == 1
    assert s.call(register.requester_history, "刘芳", "0000**********0000") == ([], [])


def test_the_id_number_is_never_read_back_unmasked(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft([world.records[0]]))
    assert req.id_doc_masked == "1101**********002X"
    assert "11010519491231002X" not in repr(req)
    row = s.call(register.list_requests)[0]
    assert "11010519491231002X" not in repr(row)
    details = s.call(lambda ctx: [r[0] for r in ctx.conn.execute(
        "SELECT details FROM audit_events")])
    assert not any("11010519491231002X" in d for d in details)
