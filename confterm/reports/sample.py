"""An example destruction-register-like report, for tests, the benchmark and a look.

The vault's real builders read the database; this one makes up plausible rows so the
engine can be exercised without a vault. Its keys are derived from fixed strings: they
are demo keys, public to anyone reading this file, and must never sign a real report.
"""

from __future__ import annotations

import hashlib

from confterm.i18n import t
from confterm.reports.manifest import public_key_of
from confterm.reports.model import Column, Paragraph, Person, Report, SignatureBlock, Table

CLIENT = "深圳市喆堃玥珺贸易有限公司"
CLIENT_CODE = "91440300708461136T"
PEOPLE = [("role_generator", "王珺"), ("role_head", "张喆"), ("role_archives_head", "李堃"),
          ("role_accounting_head", "陈玥"), ("role_archives_clerk", "刘建国")]
SUPERVISOR = "赵敏（外聘）"


def sample_private_key(name: str) -> bytearray:
    """The demo Ed25519 seed of a sample person (deterministic, NOT secret)."""
    return bytearray(hashlib.sha256(f"confterm-sample-key|{name}".encode()).digest())


def sample_private_keys() -> list[bytearray]:
    return [sample_private_key(name) for _, name in PEOPLE]


def _person(role: str, name: str, lang: str) -> Person:
    return Person(name, t(f"reports.sample.{role}", lang), public_key_of(sample_private_key(name)))


def _rows(lang: str, count: int) -> list[list[str]]:
    items = [("item_vouchers", 30), ("item_statements", 10), ("item_tax", 10)]
    rows = []
    for i in range(count):
        key, period = items[i % len(items)]
        year = 1990 + i % 20
        rows.append([str(i + 1), t(f"reports.sample.{key}", lang) + f" {year}-{i % 12 + 1:02d}",
                     f"{i // 3 + 1:04d}", str(i % 4 + 1), f"{year}–{year}",
                     f"KJ-{year}-{i + 1:05d}", t("reports.sample.years", lang, n=period),
                     t("reports.sample.years", lang, n=2025 - year), "2025-06-18"])
    return rows


def build_sample_register(lang: str, rows: int = 40) -> Report:
    """A destruction register with ``rows`` items, five keyed signatories and one
    external supervisor who signs by hand."""
    s = lambda key, **kw: t(f"reports.sample.{key}", lang, **kw)  # noqa: E731
    body = _rows(lang, rows)
    columns = [Column(s("col_no"), 0.5, "right"), Column(s("col_name"), 3.2),
               Column(s("col_volume"), 0.7, "center"), Column(s("col_books"), 0.6, "right"),
               Column(s("col_years"), 1.1, "center"), Column(s("col_archive_no"), 1.5),
               Column(s("col_required"), 1.0, "center"), Column(s("col_served"), 1.0, "center"),
               Column(s("col_destroyed"), 1.2, "center")]
    totals = [s("totals"), "", "", str(sum(int(r[3]) for r in body)), "", "", "", "", ""]
    people = [_person(role, name, lang) for role, name in PEOPLE]
    opinions = ["opinion_agree"] * 3 + ["opinion_checked"]
    signatures = [SignatureBlock(p, s(o), f"2025-06-18 {10 + i}:0{i}")
                  for i, (p, o) in enumerate(zip(people[1:], opinions, strict=True))]
    signatures.append(SignatureBlock(Person(SUPERVISOR, s("role_supervisor")),
                                     s("opinion_checked")))
    return Report(
        report_id="DR-2025-0007", kind="destruction-register", lang=lang,
        title=s("title"), subtitle=s("subtitle", client=CLIENT), vault_name="测试档案库",
        generated_by=people[0], generated_at="2025-06-18T16:20:00+08:00",
        checkpoint="CP-1042-7F3K-Q2M9-ABCD-EF01-X",
        metadata=[(s("meta_register_no"), "XH-2025-0007"), (s("meta_client_code"), CLIENT_CODE),
                  (s("meta_deregistered"), "2012-03-31"), (s("meta_appraisal"), "JD-2025-0003"),
                  (s("meta_method"), s("method"))],
        blocks=[Table(columns, body, totals),
                Paragraph(s("appraisal_text"), s("appraisal_heading"))],
        signatures=signatures, landscape=True)
