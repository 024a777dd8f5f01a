"""Retention: the legal clock, the longest period wins, and why a record is (not) eligible."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confterm.errors import InputError
from confterm.i18n import LANGUAGES, t
from confterm.vault.retention import (
    Extension,
    Hold,
    RecordFacts,
    Status,
    add_years,
    assess,
    assess_many,
    served_years,
)
from confterm.vault.retention_rules import DEFAULT_RULES, RetentionRule, rules_by_category

RULES = rules_by_category(DEFAULT_RULES)


def keys(facts: RecordFacts, as_of: date) -> list[str]:
    return [r.key.removeprefix("catalogue.reason.") for r in assess(facts, as_of).reasons]


def test_fiscal_2023_voucher_becomes_eligible_on_1_january_2054_and_not_before() -> None:
    voucher = RecordFacts("voucher", fiscal_year=2023)
    assert assess(voucher, date(2053, 12, 31)).status is Status.ACTIVE
    result = assess(voucher, date(2054, 1, 1))
    assert result.status is Status.ELIGIBLE and result.eligible
    assert result.retention_ends == date(2054, 1, 1)
    assert keys(voucher, date(2054, 1, 1)) == ["period_ended", "needs_appraisal"]


@pytest.mark.parametrize(("category", "years"), [
    ("voucher", 30), ("ledger", 30), ("periodic_report", 10), ("bank_reconciliation", 10),
    ("bank_statement", 10), ("tax_return", 10), ("handover_register", 30), ("tax_book", 10),
    ("tax_payment_certificate", 10), ("invoice_stub", 5), ("id_copy", 10), ("contract", 30),
])
def test_periods_in_years_follow_the_reference_table(category: str, years: int) -> None:
    facts = RecordFacts(category, fiscal_year=2010)
    assert assess(facts, date(2000, 1, 1)).retention_ends == date(2011 + years, 1, 1)
    assert RULES[category].years == years


@pytest.mark.parametrize("category", ["annual_report", "custody_register",
                                      "destruction_register", "appraisal_opinion"])
def test_permanent_categories_are_never_eligible(category: str) -> None:
    result = assess(RecordFacts(category, fiscal_year=1990), date(2999, 1, 1))
    assert result.status is Status.ACTIVE and result.permanent
    assert result.retention_ends is None
    assert result.reasons[0].key == "catalogue.reason.permanent"


def test_multi_year_record_counts_from_its_last_year() -> None:
    ledger = RecordFacts("ledger", fiscal_year=2019, end_year=2021)
    assert assess(ledger, date(2000, 1, 1)).retention_ends == date(2052, 1, 1)


def test_fixed_asset_card_counts_five_years_from_scrapping() -> None:
    card = RecordFacts("fixed_asset_card", fiscal_year=2001)
    kept = assess(card, date(2090, 1, 1))
    assert kept.status is Status.ACTIVE and kept.retention_ends is None
    assert not kept.permanent
    assert keys(card, date(2090, 1, 1)) == ["not_scrapped"]
    scrapped = RecordFacts("fixed_asset_card", fiscal_year=2001, scrapped_year=2020)
    assert assess(scrapped, date(2025, 12, 31)).status is Status.ACTIVE
    assert assess(scrapped, date(2026, 1, 1)).status is Status.ELIGIBLE


def test_longest_period_wins_record_extension() -> None:
    facts = RecordFacts("tax_return", fiscal_year=2015,
                        extensions=(Extension(20, "涉诉", reference="2024-07"),))
    result = assess(facts, date(2030, 1, 1))
    assert result.retention_ends == date(2036, 1, 1) and result.governed_by == "record"
    assert result.status is Status.ACTIVE
    assert "record_extension" in keys(facts, date(2030, 1, 1))


def test_appraisal_extension_counted_from_the_appraisal_date() -> None:
    ext = Extension(5, "仍有查考价值", source="appraisal", counted_from=date(2054, 3, 10),
                    reference="JD-2054-001")
    facts = RecordFacts("voucher", fiscal_year=2023, extensions=(ext,))
    result = assess(facts, date(2055, 1, 1))
    assert result.retention_ends == date(2059, 3, 10) and result.governed_by == "appraisal"
    assert assess(facts, date(2059, 3, 9)).status is Status.ACTIVE
    assert assess(facts, date(2059, 3, 10)).status is Status.ELIGIBLE


def test_shorter_extension_never_shortens_and_says_so() -> None:
    facts = RecordFacts("voucher", fiscal_year=2000, extensions=(Extension(3, "误设"),))
    result = assess(facts, date(2020, 1, 1))
    assert result.retention_ends == date(2031, 1, 1) and result.governed_by == "rule"
    assert "extension_not_longer" in keys(facts, date(2020, 1, 1))


def test_permanent_extension_makes_a_record_permanent() -> None:
    facts = RecordFacts("invoice_stub", fiscal_year=2000,
                        extensions=(Extension(None, "重大案件证据", source="appraisal"),))
    result = assess(facts, date(2100, 1, 1))
    assert result.permanent and result.retention_ends is None
    assert result.status is Status.ACTIVE and result.governed_by == "appraisal"


def test_extension_from_scrapping_on_an_unscrapped_card_changes_nothing() -> None:
    facts = RecordFacts("fixed_asset_card", fiscal_year=2000, extensions=(Extension(8, "x"),))
    result = assess(facts, date(2100, 1, 1))
    assert result.retention_ends is None and result.status is Status.ACTIVE
    assert "extension_after_scrapping" in keys(facts, date(2100, 1, 1))
    dated = RecordFacts("fixed_asset_card", fiscal_year=2000, extensions=(
        Extension(1, "x", source="appraisal", counted_from=date(2001, 1, 1)),))
    assert assess(dated, date(2100, 1, 1)).status is Status.ACTIVE


def test_deregistration_does_not_shorten_and_is_explained() -> None:
    plain = RecordFacts("voucher", fiscal_year=2018)
    gone = RecordFacts("voucher", fiscal_year=2018, deregistered_on=date(2019, 6, 30))
    for day in (date(2020, 1, 1), date(2049, 1, 1)):
        assert assess(gone, day).retention_ends == assess(plain, day).retention_ends
        assert assess(gone, day).status is assess(plain, day).status
    assert "deregistration_no_effect" in keys(gone, date(2020, 1, 1))


def test_legal_hold_blocks_even_after_expiry_until_released() -> None:
    hold = Hold("税务稽查", "张伟", date(2040, 5, 1), released=date(2041, 2, 1))
    facts = RecordFacts("bank_statement", fiscal_year=2020, holds=(hold,))
    assert assess(facts, date(2040, 4, 30)).status is Status.ELIGIBLE
    on = assess(facts, date(2040, 5, 1))
    assert on.status is Status.ON_HOLD
    assert any(r.key == "catalogue.reason.hold" and r.params["owner"] == "张伟"
               for r in on.reasons)
    assert assess(facts, date(2041, 2, 1)).status is Status.ELIGIBLE


def test_hold_during_the_running_period_shows_on_hold() -> None:
    facts = RecordFacts("voucher", fiscal_year=2020, holds=(Hold("诉讼", "王", date(2021, 1, 1)),))
    assert assess(facts, date(2022, 1, 1)).status is Status.ON_HOLD


def test_unresolved_matter_keeps_an_expired_record() -> None:
    facts = RecordFacts("voucher", fiscal_year=1990, unresolved=True,
                        unresolved_reason="应收账款未结清")
    result = assess(facts, date(2030, 1, 1))
    assert result.status is Status.ON_HOLD
    assert any("应收账款未结清" in r.text() for r in result.reasons)
    running = assess(RecordFacts("voucher", fiscal_year=2020, unresolved=True), date(2021, 1, 1))
    assert running.status is Status.ACTIVE
    assert "catalogue.reason.unresolved" in [r.key for r in running.reasons]


def test_on_loan_record_is_not_eligible_until_returned() -> None:
    facts = RecordFacts("invoice_stub", fiscal_year=2000, on_loan=True)
    result = assess(facts, date(2030, 1, 1))
    assert result.status is Status.ACTIVE
    assert keys(facts, date(2030, 1, 1)) == ["period_ended", "on_loan"]


def test_destroyed_and_in_destruction_take_precedence() -> None:
    hold = (Hold("h", "o", date(2000, 1, 1)),)
    assert assess(RecordFacts("voucher", fiscal_year=1980, destroyed=True, holds=hold),
                  date(2020, 1, 1)).status is Status.DESTROYED
    busy = assess(RecordFacts("voucher", fiscal_year=1980, in_destruction=True, holds=hold),
                  date(2020, 1, 1))
    assert busy.status is Status.IN_DESTRUCTION
    assert busy.reasons[0].key == "catalogue.reason.in_destruction"
    assert "catalogue.reason.hold" in [r.key for r in busy.reasons]


def test_errors_for_unknown_category_and_missing_year() -> None:
    with pytest.raises(InputError) as info:
        assess(RecordFacts("gadget", fiscal_year=2000), date(2020, 1, 1))
    assert info.value.params == {"category": "gadget"}
    with pytest.raises(InputError) as info:
        assess(RecordFacts("voucher"), date(2020, 1, 1))
    assert info.value.key == "catalogue.retention.missing_year"
    with pytest.raises(InputError):
        Extension(0, "zero")
    with pytest.raises(InputError):
        Extension(3, "x", source="whim")


def test_served_years_for_the_destruction_register() -> None:
    facts = RecordFacts("voucher", fiscal_year=2000)
    assert served_years(facts, date(2000, 12, 31)) == 0
    assert served_years(facts, date(2031, 12, 31)) == 30
    assert served_years(facts, date(2032, 1, 1)) == 31
    assert served_years(RecordFacts("fixed_asset_card", fiscal_year=2000), date(2050, 1, 1)) == 0


def test_add_years_on_29_february() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 3, 1)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_every_reason_renders_in_both_languages() -> None:
    ext = (Extension(40, "r", reference="A"), Extension(None, "p", source="appraisal"),
           Extension(1, "short"))
    samples = [
        RecordFacts("voucher", fiscal_year=2000, extensions=ext, unresolved=True,
                    on_loan=True, deregistered_on=date(2001, 1, 1),
                    holds=(Hold("h", "o", date(2001, 1, 1)),)),
        RecordFacts("fixed_asset_card", fiscal_year=2000, extensions=(Extension(2, "x"),)),
        RecordFacts("voucher", fiscal_year=1900, destroyed=True),
        RecordFacts("voucher", fiscal_year=1900),
        RecordFacts("voucher", fiscal_year=1900, in_destruction=True),
    ]
    for facts in samples:
        for reason in assess(facts, date(2020, 1, 1)).reasons:
            for lang in LANGUAGES:
                text = reason.text(lang)
                assert text and "{" not in text and not text.startswith("catalogue.")
    for status in Status:
        assert t(f"catalogue.status.{status.value}", "zh_CN") != f"catalogue.status.{status}"


years = st.integers(1950, 2100)
extensions = st.lists(st.builds(
    Extension, years=st.none() | st.integers(1, 80), reason=st.just("r"),
    source=st.sampled_from(["record", "appraisal"]),
    counted_from=st.none() | st.dates(date(1950, 1, 1), date(2150, 1, 1))), max_size=3)
categories = st.sampled_from(sorted(RULES))


@given(categories, years, extensions, extensions, st.dates(date(1950, 1, 1), date(2300, 1, 1)))
def test_adding_extensions_never_brings_the_end_earlier(
        category: str, year: int, first: list[Extension], more: list[Extension],
        day: date) -> None:
    base = RecordFacts(category, fiscal_year=year, scrapped_year=year + 3,
                       extensions=tuple(first))
    longer = RecordFacts(category, fiscal_year=year, scrapped_year=year + 3,
                         extensions=tuple(first + more))
    a, b = assess(base, day), assess(longer, day)
    if a.permanent:
        assert b.permanent
    elif a.retention_ends is not None and not b.permanent:
        assert b.retention_ends is not None and b.retention_ends >= a.retention_ends
    if b.status is Status.ELIGIBLE:
        assert a.status is Status.ELIGIBLE


@given(categories, years, extensions, st.dates(date(1950, 1, 1), date(2300, 1, 1)),
       st.integers(0, 20000))
def test_once_eligible_stays_eligible_as_time_passes(
        category: str, year: int, exts: list[Extension], day: date, later: int) -> None:
    facts = RecordFacts(category, fiscal_year=year, scrapped_year=year, extensions=tuple(exts))
    if assess(facts, day).eligible:
        assert assess(facts, day + timedelta(days=later)).eligible


@given(categories, years, st.dates(date(1950, 1, 1), date(2300, 1, 1)),
       st.dates(date(1950, 1, 1), date(2300, 1, 1)), st.booleans())
def test_a_record_under_active_hold_or_unresolved_is_never_eligible(
        category: str, year: int, start: date, day: date, unresolved: bool) -> None:
    hold = Hold("h", "o", start)
    facts = RecordFacts(category, fiscal_year=year, scrapped_year=year, holds=(hold,),
                        unresolved=unresolved)
    result = assess(facts, day)
    if hold.active_on(day) or unresolved:
        assert result.status is not Status.ELIGIBLE


@given(categories, years, st.dates(date(1950, 1, 1), date(2300, 1, 1)))
def test_eligible_exactly_from_the_end_date(category: str, year: int, day: date) -> None:
    facts = RecordFacts(category, fiscal_year=year, scrapped_year=year)
    result = assess(facts, day)
    ends = result.retention_ends
    assert result.eligible == (ends is not None and day >= ends)
    if ends is not None:
        assert ends.month == 1 and ends.day == 1
        assert ends.year == year + 1 + (RULES[category].years or 0)


def test_rules_round_trip_through_rows_and_validate() -> None:
    for rule in DEFAULT_RULES:
        assert RetentionRule.from_row(rule.to_row()) == rule
    row = DEFAULT_RULES[0].to_row()
    for bad in ({"years": 0}, {"years": "30"}, {"years": True}, {"counted_from": "birth"},
                {"category": "Bad Code"}):
        with pytest.raises(InputError):
            RetentionRule.from_row({**row, **bad})
    with pytest.raises(InputError):
        RetentionRule("gadget_card", None, "scrapped")
    with pytest.raises(InputError):
        rules_by_category([DEFAULT_RULES[0], DEFAULT_RULES[0]])


def test_an_administrator_rule_changes_the_outcome() -> None:
    custom = {**RULES, "id_copy": RetentionRule("id_copy", 3, firm_rule=True)}
    facts = RecordFacts("id_copy", fiscal_year=2020)
    assert assess(facts, date(2024, 1, 1), custom).eligible
    assert not assess(facts, date(2024, 1, 1)).eligible
    added = RetentionRule("payroll", 15, name_zh="工资表", name_en="Payroll", basis_zh="本所",
                          basis_en="Firm")
    result = assess_many([RecordFacts("payroll", fiscal_year=2000)], date(2020, 1, 1),
                         [*DEFAULT_RULES, added])
    assert result[0].retention_ends == date(2016, 1, 1)
    assert added.name("zh_CN") == "工资表" and added.basis("en") == "Firm"
