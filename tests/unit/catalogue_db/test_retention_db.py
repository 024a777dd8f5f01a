"""Retention through the database services: stored end dates, status, extensions, rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from confterm.errors import PermissionDenied
from confterm.vault.access import changes
from confterm.vault.catalogue import browse, detail, records, rules
from confterm.vault.catalogue.filters import Filters
from confterm.vault.session import VaultSession
from tests.unit.catalogue_db.conftest import act_as


def _detail(cat: VaultSession, rid: int, day: date) -> detail.RecordDetail:
    return cat.call(lambda ctx: detail.record_detail(ctx.conn, rid, day))


def _eligible(cat: VaultSession, day: date) -> list[int]:
    return [i for i, _ in cat.call(lambda ctx: records.eligible_ids(ctx.conn, day))]


def test_fiscal_2023_voucher_is_not_eligible_before_2054(cat: VaultSession,
                                                         add_record: Callable[..., int]) -> None:
    rid = add_record(fiscal_year=2023, category="voucher")
    assert _detail(cat, rid, date(2053, 12, 31)).values["retention_end"] == "2054-01-01"
    assert _detail(cat, rid, date(2053, 12, 31)).status == "active"
    assert _eligible(cat, date(2053, 12, 31)) == []
    assert _detail(cat, rid, date(2054, 1, 1)).status == "eligible"
    assert _eligible(cat, date(2054, 1, 1)) == [rid]
    page = cat.call(lambda ctx: browse.page_after(ctx.conn, Filters(status="eligible"),
                                                  date(2054, 1, 1)))
    assert [r.id for r in page.rows] == [rid] and page.rows[0].status == "eligible"


def test_permanent_and_unscrapped_records_never_become_eligible(
        cat: VaultSession, add_record: Callable[..., int]) -> None:
    annual = add_record(category="annual_report", fiscal_year=1990)
    card = add_record(category="fixed_asset_card", fiscal_year=1990)
    far = date(2200, 1, 1)
    assert _detail(cat, annual, far).retention_end is None
    assert _detail(cat, card, far).status == "active"
    assert _eligible(cat, far) == []


def test_extension_lengthens_and_the_longest_period_wins(cat: VaultSession,
                                                         add_record: Callable[..., int]) -> None:
    plain = add_record(category="tax_return", fiscal_year=2020)  # 10 years: 2031-01-01
    assert _detail(cat, plain, date(2031, 1, 1)).status == "eligible"
    longer = add_record(category="tax_return", fiscal_year=2020, extension_years=15,
                        extension_reason="税务稽查可能追溯")
    d = _detail(cat, longer, date(2031, 1, 1))
    assert d.values["retention_end"] == "2036-01-01" and d.status == "active"
    shorter = add_record(category="tax_return", fiscal_year=2020, extension_years=5,
                         extension_reason="更短的期限不应缩短")
    assert _detail(cat, shorter, date(2031, 1, 1)).values["retention_end"] == "2031-01-01"


def test_unresolved_matter_keeps_an_expired_record(cat: VaultSession,
                                                   add_record: Callable[..., int]) -> None:
    rid = add_record(fiscal_year=2000, unresolved=True, unresolved_reason="应收账款诉讼未结")
    day = date(2040, 1, 1)
    assert _detail(cat, rid, day).status == "on_hold"
    assert _eligible(cat, day) == []
    version = _detail(cat, rid, day).values["version"]
    cat.call(changes.edit_record, rid, version, {"unresolved": False, "unresolved_reason": ""},
             "应收账款诉讼已结案")  # not a controlled field: applies at once
    assert _eligible(cat, day) == [rid]


def test_rule_edit_recomputes_stored_ends_and_is_admin_only(
        cat: VaultSession, add_record: Callable[..., int]) -> None:
    rid = add_record(category="invoice_stub", fiscal_year=2020)  # 5 years: 2026-01-01
    version = next(v for r, v in cat.call(lambda ctx: rules.list_rules(ctx.conn))
                   if r.category == "invoice_stub")
    assert cat.call(rules.edit, "invoice_stub", version, years=8) == 1
    assert _detail(cat, rid, date(2027, 1, 1)).values["retention_end"] == "2029-01-01"
    act_as(cat, "王秀英", "custodian")
    with pytest.raises(PermissionDenied):
        cat.call(rules.edit, "invoice_stub", None, years=9)


def test_a_legal_minimum_can_be_lengthened_never_shortened(
        cat: VaultSession, add_record: Callable[..., int]) -> None:
    from confterm.errors import ConflictError

    rid = add_record(category="tax_return", fiscal_year=2017)  # 10 years: 2028-01-01
    for change in ({"years": 8}, {"years": 8, "firm_rule": True},
                   {"counted_from": "scrapped"}):
        with pytest.raises(ConflictError, match="at least"):
            cat.call(rules.edit, "tax_return", None, **change)
    with pytest.raises(ConflictError):
        cat.call(rules.edit, "annual_report", None, years=50)  # permanent by law
    assert _detail(cat, rid, date(2027, 1, 1)).values["retention_end"] == "2028-01-01"
    assert cat.call(rules.edit, "id_copy", None, years=5) == 0  # a firm rule: its own call


def test_database_defaults_equal_the_domain_defaults(cat: VaultSession) -> None:
    from confterm.vault.retention_rules import DEFAULT_RULES

    stored = cat.call(lambda ctx: [r for r, _ in rules.list_rules(ctx.conn)])
    assert [r.to_row() for r in stored] == [r.to_row() for r in DEFAULT_RULES]
