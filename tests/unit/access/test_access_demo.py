"""The demo vault gains requests in every state, an overdue and a returned loan, and a
pending change, made through the audited services."""

from __future__ import annotations

import pytest

from confterm.vault import audit
from confterm.vault.access import demo, register
from tests.unit.access.conftest import ADMIN, APPROVER, APPROVER_PASS, _records


def test_seed_makes_every_state(world, open_as, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "APPROVER", (APPROVER, APPROVER_PASS))
    s = open_as(ADMIN)
    s.call(_records, 8, "DM")  # 14 records in all
    demo.seed(s)
    rows = s.call(register.list_requests)
    assert {r.status for r in rows} >= {"pending", "approved", "denied", "partial"}
    overdue = s.call(register.overdue_loans)
    assert len(overdue) == 1 and overdue[0].requester == "周建华"
    returned = [e for e in s.call(register.list_events) if e.act == "loan_return"]
    assert len(returned) == 1
    counts = s.call(register.attention_counts)
    assert counts.pending_changes == 1 and counts.pending_requests == 1
    assert s.call(lambda ctx: audit.verify_chain(ctx.conn).intact)


def test_seed_without_catalogue_data_does_nothing(open_as, world) -> None:
    s = open_as(ADMIN)
    s.call(lambda ctx: ctx.conn.execute("UPDATE records SET unresolved = 1,"
                                        " unresolved_reason = '未了事项'"))
    demo.seed(s)
    assert s.call(register.list_requests) == []


def test_home_screen_lines_name_overdue_loans_and_waiting_work(
        world, open_as, monkeypatch: pytest.MonkeyPatch) -> None:
    from confterm.i18n import t
    from confterm.vault.access.attention import access_attention

    monkeypatch.setattr(demo, "APPROVER", (APPROVER, APPROVER_PASS))
    s = open_as(ADMIN)
    assert s.call(access_attention) == []
    s.call(_records, 8, "DM")
    demo.seed(s)
    items = s.call(access_attention)
    assert [(i.key, i.severity, i.area) for i in items] == [
        ("access.attention_overdue", "error", "access"),
        ("access.attention_requests", "warning", "access"),
        ("access.attention_changes", "warning", "access")]
    assert t(items[0].key, **items[0].params) == "Loans overdue: 1"
