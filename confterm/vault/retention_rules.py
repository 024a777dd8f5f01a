"""Retention rules as data: one row per record category.

The legal minimums change (the 2015 measures replaced those of 1998) and a firm may keep
some categories longer, so the periods are not code: they are rows an administrator can
edit, stored by the database layer through :meth:`RetentionRule.to_row` /
:meth:`RetentionRule.from_row`. ``DEFAULT_RULES`` is what a new vault starts with.

Sources of the defaults (REFERENCE.md §1):

- 《会计档案管理办法》(2015) annex, table for enterprises: vouchers, ledgers, journals and
  auxiliary books 30 years; fixed-asset cards 5 years after the asset is scrapped;
  monthly/quarterly/half-year reports 10 years; annual reports permanent; bank
  reconciliations, bank statements, tax returns 10 years; handover register 30 years;
  custody register, destruction register, appraisal opinion permanent.
- 《税收征收管理法实施细则》art. 29: tax books, payment certificates and other tax records
  10 years. 《发票管理办法》: issued invoice stubs and invoice registers 5 years.

Firm rules (not legal minimums; ``firm_rule=True``, an administrator may change them):

- ``id_copy`` (ID-card copies of legal representatives, shareholders, agents): **10 years**.
  They only substantiate the registration and tax filings they were attached to, and those
  are kept 10 years; PIPL art. 47 asks that personal information be deleted once its
  purpose is served, so keeping them longer than the records they support is not
  defensible, and keeping them shorter would leave those records unsupported.
- ``contract`` (engagement contracts, client contracts kept with the books): **30 years**.
  A contract is often the supporting document of a bookkeeping voucher; it must not be
  destroyed before the vouchers that refer to it.

Names and legal-basis texts of the default categories live in the message catalogue
(``catalogue.category.<code>``, ``catalogue.basis.<code>``) so they exist in both
languages; a category added by an administrator carries its own texts in the row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from confterm.errors import InputError
from confterm.i18n import catalogue, language

FISCAL_YEAR_END = "fiscal_year_end"
"""Counted from the first day after the end of the record's (last) accounting year."""
SCRAPPED = "scrapped"
"""Counted from the first day after the end of the year the fixed asset was scrapped."""
COUNTED_FROM = (FISCAL_YEAR_END, SCRAPPED)
MAX_YEARS = 200
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """How long records of one category are kept. ``years=None`` means permanently."""

    category: str
    years: int | None
    counted_from: str = FISCAL_YEAR_END
    firm_rule: bool = False
    aliases: tuple[str, ...] = ()
    """Other names accepted for this category on import (e.g. 记账凭证 for voucher)."""
    name_zh: str = ""
    name_en: str = ""
    basis_zh: str = ""
    basis_en: str = ""
    """Texts for categories that have no catalogue entry; empty means use the catalogue."""

    def __post_init__(self) -> None:
        if not _CODE.match(self.category):
            raise InputError("catalogue.rule.bad_code", category=self.category)
        if self.years is not None and (isinstance(self.years, bool)
                                       or not 1 <= self.years <= MAX_YEARS):
            raise InputError("catalogue.rule.bad_years", category=self.category,
                             years=self.years, maximum=MAX_YEARS)
        if self.counted_from not in COUNTED_FROM:
            raise InputError("catalogue.rule.bad_counted_from", category=self.category,
                             value=self.counted_from)
        if self.counted_from == SCRAPPED and self.years is None:
            raise InputError("catalogue.rule.permanent_after_scrapping",
                             category=self.category)

    @property
    def permanent(self) -> bool:
        return self.years is None

    def name(self, lang: str | None = None) -> str:
        """The category's display name in ``lang`` (default: the current language)."""
        return self._text("category", self.name_zh, self.name_en, lang)

    def basis(self, lang: str | None = None) -> str:
        """The legal basis (or firm rule) of the period, for reports and explanations."""
        return self._text("basis", self.basis_zh, self.basis_en, lang)

    def period_text(self, lang: str | None = None) -> str:
        """"30 年" / "permanent" / "5 years after scrapping", as a register prints it."""
        from confterm.i18n import t

        if self.years is None:
            return t("catalogue.period.permanent", lang)
        if self.counted_from == SCRAPPED:
            return t("catalogue.period.after_scrapping", lang, years=self.years)
        return t("catalogue.period.years", lang, years=self.years)

    def _text(self, kind: str, zh: str, en: str, lang: str | None) -> str:
        lang = lang or language()
        own = zh if lang == "zh_CN" else en
        if own:
            return own
        entry = catalogue().get(f"catalogue.{kind}.{self.category}")
        if entry:
            return entry.get(lang) or entry.get("en") or self.category
        return zh or en or self.category

    def to_row(self) -> dict[str, object]:
        """A flat mapping of plain values (aliases joined by "|") for a database row."""
        row = asdict(self)
        row["aliases"] = "|".join(self.aliases)
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> RetentionRule:
        """Rebuild a rule from :meth:`to_row` output; raises InputError on a bad row."""
        years = row.get("years")
        if years is not None and not isinstance(years, int):
            raise InputError("catalogue.rule.bad_years", category=row.get("category"),
                             years=years, maximum=MAX_YEARS)
        aliases = str(row.get("aliases") or "")
        return cls(category=str(row.get("category", "")), years=years,
                   counted_from=str(row.get("counted_from") or FISCAL_YEAR_END),
                   firm_rule=bool(row.get("firm_rule", False)),
                   aliases=tuple(a for a in aliases.split("|") if a),
                   name_zh=str(row.get("name_zh") or ""), name_en=str(row.get("name_en") or ""),
                   basis_zh=str(row.get("basis_zh") or ""),
                   basis_en=str(row.get("basis_en") or ""))


def _r(category: str, years: int | None, *aliases: str, counted_from: str = FISCAL_YEAR_END,
       firm_rule: bool = False) -> RetentionRule:
    return RetentionRule(category, years, counted_from, firm_rule, aliases)


DEFAULT_RULES: tuple[RetentionRule, ...] = (
    _r("voucher", 30, "原始凭证", "记账凭证", "凭证", "会计凭证"),
    _r("ledger", 30, "总账", "明细账", "日记账", "现金日记账", "银行存款日记账", "账簿",
       "其他辅助性账簿", "辅助账簿"),
    _r("fixed_asset_card", 5, "固定资产卡片", "资产卡片", counted_from=SCRAPPED),
    _r("periodic_report", 10, "月度财务会计报告", "季度财务会计报告", "半年度财务会计报告",
       "月报", "季报", "半年报", "财务报表"),
    _r("annual_report", None, "年度财务会计报告", "年报", "年度财务报告"),
    _r("bank_reconciliation", 10, "银行存款余额调节表", "余额调节表"),
    _r("bank_statement", 10, "银行对账单", "对账单"),
    _r("tax_return", 10, "纳税申报表", "申报表"),
    _r("handover_register", 30, "会计档案移交清册", "移交清册"),
    _r("custody_register", None, "会计档案保管清册", "保管清册"),
    _r("destruction_register", None, "会计档案销毁清册", "销毁清册"),
    _r("appraisal_opinion", None, "会计档案鉴定意见书", "鉴定意见书"),
    _r("tax_book", 10, "涉税账簿", "涉税资料"),
    _r("tax_payment_certificate", 10, "完税凭证", "税收缴款书"),
    _r("invoice_stub", 5, "发票存根联", "发票登记簿", "发票存根"),
    _r("id_copy", 10, "身份证复印件", "身份证件复印件", "身份证明", firm_rule=True),
    _r("contract", 30, "合同", "协议", "委托合同", firm_rule=True),
)


def rules_by_category(rules: Iterable[RetentionRule]) -> dict[str, RetentionRule]:
    """Index rules by category code; a category listed twice is an error."""
    out: dict[str, RetentionRule] = {}
    for rule in rules:
        if rule.category in out:
            raise InputError("catalogue.rule.duplicate", category=rule.category)
        out[rule.category] = rule
    return out


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def category_lookup(rules: Iterable[RetentionRule]) -> dict[str, str]:
    """Map every accepted spelling (code, zh and en names, aliases; folded) to a code.

    Built once per import: resolving a category is then one dict lookup per row.
    """
    out: dict[str, str] = {}
    for rule in rules:
        spellings = [rule.category, rule.name("zh_CN"), rule.name("en"), *rule.aliases]
        for spelling in spellings:
            out.setdefault(_fold(spelling), rule.category)
    return out


def resolve_category(text: str, lookup: Mapping[str, str]) -> str | None:
    """The category code ``text`` names (code, Chinese or English name, alias), or None."""
    return lookup.get(_fold(text))
