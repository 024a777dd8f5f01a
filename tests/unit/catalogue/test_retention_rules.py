"""The default rule table: every category named in both languages, with its legal basis."""

from __future__ import annotations

import pytest

from confterm.i18n import LANGUAGES, catalogue
from confterm.vault.retention_rules import (
    DEFAULT_RULES,
    SCRAPPED,
    RetentionRule,
    category_lookup,
    resolve_category,
    rules_by_category,
)

REQUIRED = {"voucher", "ledger", "fixed_asset_card", "periodic_report", "annual_report",
            "bank_statement", "tax_return", "handover_register", "custody_register",
            "destruction_register", "appraisal_opinion", "tax_book", "invoice_stub", "id_copy",
            "contract"}


def test_all_required_categories_exist() -> None:
    assert set(rules_by_category(DEFAULT_RULES)) >= REQUIRED


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda r: r.category)
def test_each_category_has_names_and_basis_in_both_languages(rule: RetentionRule) -> None:
    for kind in ("category", "basis"):
        entry = catalogue()[f"catalogue.{kind}.{rule.category}"]
        assert all(entry.get(lang) for lang in LANGUAGES)
    assert rule.name("zh_CN") != rule.name("en")
    if rule.firm_rule:
        assert "本所" in rule.basis("zh_CN") and "Firm rule" in rule.basis("en")
    period = rule.period_text("zh_CN")
    if rule.years is None:
        assert period == "永久" and "永久" in rule.basis("zh_CN")
    else:
        assert str(rule.years) in period and f"{rule.years} 年" in rule.basis("zh_CN")


def test_only_fixed_asset_cards_count_from_scrapping() -> None:
    assert [r.category for r in DEFAULT_RULES if r.counted_from == SCRAPPED] == [
        "fixed_asset_card"]


def test_firm_rules_are_marked() -> None:
    firm = {r.category: r.years for r in DEFAULT_RULES if r.firm_rule}
    assert firm == {"id_copy": 10, "contract": 30}


@pytest.mark.parametrize(("text", "code"), [
    ("voucher", "voucher"), ("VOUCHER", "voucher"), ("记账凭证", "voucher"),
    ("会计凭证", "voucher"), (" 总 账 ", "ledger"), ("Annual financial reports", "annual_report"),
    ("年度财务会计报告", "annual_report"), ("固定资产卡片", "fixed_asset_card"),
    ("银行对账单", "bank_statement"), ("发票存根联", "invoice_stub"),
    ("身份证复印件", "id_copy"), ("合同", "contract"), ("ｖｏｕｃｈｅｒ", "voucher"),
])
def test_resolve_category_accepts_codes_names_and_aliases(text: str, code: str) -> None:
    assert resolve_category(text, category_lookup(DEFAULT_RULES)) == code


def test_resolve_category_rejects_unknown_text() -> None:
    lookup = category_lookup(DEFAULT_RULES)
    assert resolve_category("工资表", lookup) is None
    assert resolve_category("", lookup) is None


def test_spellings_are_unambiguous() -> None:
    seen: dict[str, str] = {}
    for rule in DEFAULT_RULES:
        for spelling in {rule.category, rule.name("zh_CN"), rule.name("en"), *rule.aliases}:
            assert seen.setdefault(spelling, rule.category) == rule.category, spelling
