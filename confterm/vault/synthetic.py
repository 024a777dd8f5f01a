"""Realistic fake catalogues for the demo vault, benchmarks and tests.

Deterministic: the same seed gives the same clients and records on every machine (one
``random.Random``, no set iteration, no clock). Every credit code is valid (and its
organisation-code part carries a valid GB 11714 check character), every archive number is
unique, every row passes the importer's validation, and the mix of categories per client
and year resembles a small company's books: vouchers in several volumes, ledgers, quarterly
reports, an annual report, bank and tax papers each year, ID copies and contracts once.
About 100,000 records take well under two seconds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from confterm.vault import synthetic_names as n
from confterm.vault.credit_code import ALPHABET, compute_check_char, organisation_check_char
from confterm.vault.importing.model import CatalogueRow

FIRST_YEAR = 2003
LAST_YEAR = 2024
PREFIX = {
    "voucher": "PZ", "ledger": "ZB", "fixed_asset_card": "KP", "periodic_report": "BB",
    "annual_report": "NB", "bank_reconciliation": "TJ", "bank_statement": "DZ",
    "tax_return": "NS", "handover_register": "YJ", "custody_register": "BG",
    "tax_book": "SZ", "tax_payment_certificate": "WS", "invoice_stub": "FP", "id_copy": "SF",
    "contract": "HT",
}
_ORG_CHARS = ALPHABET[:10] * 3 + ALPHABET[10:]  # mostly digits, like real codes


@dataclass(frozen=True, slots=True)
class SyntheticClient:
    number: int
    name: str
    credit_code: str
    legal_representative: str
    liquidation_contact: str
    city: str
    founded: int
    deregistered_on: date


def person_name(rng: random.Random) -> str:
    """A Chinese name: mostly common characters, about 1 in 12 with a rare one."""
    surname = (rng.choice(n.COMPOUND_SURNAMES) if rng.random() < 0.03
               else rng.choice(n.SURNAMES))
    pool = n.GIVEN_RARE if rng.random() < 0.08 else n.GIVEN_COMMON
    return surname + rng.choice(pool)


def company_name(rng: random.Random, city: str) -> str:
    """City + 字号 + industry + 有限公司, e.g. 杭州瑞丰电子科技有限公司."""
    trade = rng.choice(n.TRADE_FIRST) + rng.choice(n.TRADE_SECOND)
    return f"{city}{trade}{rng.choice(n.INDUSTRIES)}有限公司"


def credit_code(rng: random.Random, division: str) -> str:
    """A valid enterprise code: 9 1, division, organisation code + its check, check char."""
    if rng.random() < 0.5:
        org = "MA" + "".join(rng.choice(_ORG_CHARS) for _ in range(6))
    else:
        org = "".join(rng.choice("0123456789") for _ in range(8))
    body = "91" + division + org + organisation_check_char(org)
    return body + compute_check_char(body)


def generate_clients(count: int, seed: int = 0) -> list[SyntheticClient]:
    """``count`` deregistered clients with distinct credit codes."""
    rng = random.Random(f"clients-{seed}")
    codes: set[str] = set()
    return [_client(rng, i + 1, codes) for i in range(count)]


def _client(rng: random.Random, number: int, codes: set[str]) -> SyntheticClient:
    city, division = rng.choice(n.CITIES)
    code = credit_code(rng, division)
    while code in codes:
        code = credit_code(rng, division)
    codes.add(code)
    founded = rng.randint(FIRST_YEAR, 2018)
    gone = rng.randint(max(founded + 2, 2012), LAST_YEAR)
    deregistered = date(gone, rng.randint(1, 12), rng.randint(1, 28))
    return SyntheticClient(number, company_name(rng, city), code, person_name(rng),
                           person_name(rng), city, founded, deregistered)


class _RecordMaker:
    """Builds one client's records; numbers are unique per (category, year, client)."""

    def __init__(self, rng: random.Random, client: SyntheticClient, first_row: int,
                 box: int) -> None:
        self.rng, self.client, self.row, self.box = rng, client, first_row, box
        self.in_box = 0
        self.seq: dict[tuple[str, int], int] = {}
        self.out: list[CatalogueRow] = []

    def add(self, category: str, year: int, title: str, **extra: object) -> None:
        rng = self.rng
        key = (category, year)
        seq = self.seq[key] = self.seq.get(key, 0) + 1
        if self.in_box >= 20:
            self.box, self.in_box = self.box + 1, 0
        self.in_box += 1
        fields: dict[str, object] = {
            "volume_no": str(seq), "pages": rng.randint(20, 400),
            "location": f"BOX-{self.box:06d}",
            "medium": "paper" if year < 2016 or rng.random() < 0.8 else rng.choice(
                ("electronic", "both")),
        }
        if rng.random() < 0.05:
            fields["labels"] = (rng.choice(n.LABELS),)
        if category == "voucher" and rng.random() < 0.005:
            fields.update(unresolved=True, unresolved_reason=rng.choice(n.UNRESOLVED))
        fields.update(extra)
        client = self.client
        self.out.append(CatalogueRow(
            self.row, f"{PREFIX[category]}-{year}-{client.number:05d}-{seq:03d}", title,
            client.credit_code, client.name, category, year, **fields))  # type: ignore[arg-type]
        self.row += 1

    def build(self) -> list[CatalogueRow]:
        rng, c = self.rng, self.client
        last = c.deregistered_on.year
        self.add("id_copy", c.founded, f"法定代表人身份证复印件（{c.legal_representative}）",
                 personal_info=True, level="confidential")
        self.add("contract", c.founded, f"{rng.choice(n.CONTRACTS)}（{c.founded}年）",
                 level="confidential")
        for _ in range(rng.randint(0, 2)):
            bought = rng.randint(c.founded, last)
            scrapped = rng.randint(bought, last) if rng.random() < 0.6 else None
            self.add("fixed_asset_card", bought, f"固定资产卡片（{rng.choice(n.ASSETS)}）",
                     scrapped_year=scrapped)
        for year in range(c.founded, last + 1):
            self._year(year)
        self.add("handover_register", last, f"{last}年度会计档案移交清册")
        self.add("custody_register", last, "会计档案保管清册")
        return self.out

    def _year(self, y: int) -> None:
        rng = self.rng
        volumes = rng.randint(1, 6)
        for v in range(1, volumes + 1):
            self.add("voucher", y, f"{y}年度记账凭证 第{v}册（共{volumes}册）")
        for book in ("总账", "明细账", "现金日记账", "银行存款日记账")[: rng.randint(2, 4)]:
            self.add("ledger", y, f"{y}年度{book}")
        for q in range(1, 5):
            self.add("periodic_report", y, f"{y}年第{q}季度财务报表")
        self.add("annual_report", y, f"{y}年度财务会计报告")
        bank = rng.choice(n.BANKS)
        self.add("bank_statement", y, f"{y}年度银行对账单（{bank}）")
        self.add("bank_reconciliation", y, f"{y}年度银行存款余额调节表（{bank}）")
        for tax in rng.sample(n.TAXES, rng.randint(2, 3)):
            self.add("tax_return", y, f"{y}年度{tax}纳税申报表",
                     personal_info=tax.startswith("个人所得税"))
        self.add("tax_payment_certificate", y, f"{y}年度完税凭证")
        if rng.random() < 0.3:
            self.add("tax_book", y, f"{y}年度代扣代缴税款账簿")
        for v in range(1, rng.randint(1, 2) + 1):
            self.add("invoice_stub", y, f"{y}年增值税发票存根联 第{v}册")


def iter_catalogue(records: int, seed: int = 0
                   ) -> Iterator[tuple[SyntheticClient, list[CatalogueRow]]]:
    """Clients with their records, until ``records`` records have been produced."""
    rng = random.Random(f"catalogue-{seed}")
    codes: set[str] = set()
    made, number, box = 0, 0, 1
    while made < records:
        number += 1
        client = _client(rng, number, codes)
        rows = _RecordMaker(rng, client, made + 2, box).build()[: records - made]
        made += len(rows)
        box = int(rows[-1].location[4:]) + 1 if rows else box
        yield client, rows


def generate_catalogue(records: int, seed: int = 0
                       ) -> tuple[list[SyntheticClient], list[CatalogueRow]]:
    """``records`` records (row numbers 2.. as in a file with a header) and their clients."""
    clients: list[SyntheticClient] = []
    rows: list[CatalogueRow] = []
    for client, client_rows in iter_catalogue(records, seed):
        clients.append(client)
        rows.extend(client_rows)
    return clients, rows
