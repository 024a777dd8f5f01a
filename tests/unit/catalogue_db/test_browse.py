"""Keyset pages and search: every row exactly once, in order; short Chinese terms found."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from confterm.vault.catalogue import browse, importer, plan
from confterm.vault.catalogue.filters import Filters
from confterm.vault.importing.export import write_csv
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.session import VaultSession

TODAY = date(2030, 6, 1)
TITLES = ("记账凭证", "银行对账单", "明细账", "记账凭证", "纳税申报表", "工资表")


@pytest.fixture
def filled(cat: VaultSession, client_id: int, tmp_path: Path) -> list[int]:
    """60 records of two clients, with repeated titles and years (ties broken by the key),
    imported in one transaction (fast)."""
    rows = [CatalogueRow(
        i + 2, f"HX-{2010 + i % 7}-{(i * 37) % 60:03d}", TITLES[i % len(TITLES)],
        "91110000600037341L" if i % 3 == 0 else "91350100M000100Y43",
        "北京华信商贸有限公司" if i % 3 == 0 else "厦门鹭岛商贸有限公司",
        "voucher" if i % 2 else "tax_return", 2010 + i % 7) for i in range(60)]
    path = tmp_path / "filled.csv"
    write_csv(path, rows)
    assert cat.call(importer.import_file, path).ok
    return cat.call(lambda ctx: [r[0] for r in ctx.conn.execute("SELECT id FROM records")])


def _walk(cat: VaultSession, sort: str, f: Filters, descending: bool = False,
          n: int = 7) -> list[Any]:
    seen: list[Any] = []
    key = None
    while True:
        page = cat.call(lambda ctx, k=key: browse.page_after(ctx.conn, f, TODAY, k, n, sort,
                                                             descending))
        seen.extend(page.rows)
        if not page.more_after:
            return seen
        key = page.last_key


def _sort_value(row: Any, sort: str) -> tuple[Any, ...]:
    return {"archive_no": (row.archive_no,), "title": (row.title, row.id),
            "client": (row.client_name, row.client_id, row.archive_no),
            "fiscal_year": (row.fiscal_year, row.archive_no),
            "retention_end": (row.retention_end, row.id)}[sort]


@pytest.mark.parametrize("sort", ["archive_no", "title", "client", "fiscal_year",
                                  "retention_end"])
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_return_every_row_once_in_order(cat: VaultSession, filled: list[int],
                                                     sort: str, descending: bool) -> None:
    rows = _walk(cat, sort, Filters(), descending)
    assert sorted(r.id for r in rows) == sorted(filled)
    keys = [_sort_value(r, sort) for r in rows]
    assert keys == sorted(keys, reverse=descending)


def test_page_before_goes_back_to_the_same_rows(cat: VaultSession, filled: list[int]) -> None:
    f = Filters()
    first = cat.call(lambda ctx: browse.page_after(ctx.conn, f, TODAY, None, 10, "title"))
    second = cat.call(lambda ctx: browse.page_after(ctx.conn, f, TODAY, first.last_key, 10,
                                                    "title"))
    back = cat.call(lambda ctx: browse.page_before(ctx.conn, f, TODAY, second.first_key, 10,
                                                   "title"))
    assert [r.id for r in back.rows] == [r.id for r in first.rows]
    assert not back.more_before and second.more_before
    last = cat.call(lambda ctx: browse.page_before(ctx.conn, f, TODAY, None, 10, "title"))
    assert not last.more_after and len(last.rows) == 10


def test_filters_and_counts(cat: VaultSession, filled: list[int], client_id: int) -> None:
    f = Filters(client_id=client_id, category="voucher", year_from=2011, year_to=2013)
    rows = _walk(cat, "archive_no", f)
    assert rows and all(r.client_id == client_id and r.category == "voucher"
                        and 2011 <= r.fiscal_year <= 2013 for r in rows)
    count = cat.call(lambda ctx: browse.count(ctx.conn, f, TODAY))
    assert count == browse.Count(len(rows), True)
    assert cat.call(lambda ctx: browse.count(ctx.conn, Filters(), TODAY)).value == 60
    by_client = cat.call(lambda ctx: browse.maintained_count(ctx.conn, Filters(
        client_id=client_id)))
    assert by_client == 40


@pytest.mark.parametrize(("text", "expected"), [
    ("凭", {"记账凭证"}), ("凭证", {"记账凭证"}), ("账", {"记账凭证", "银行对账单", "明细账"}),
    ("对账单", {"银行对账单"}), ("申报", {"纳税申报表"}),
])
def test_search_finds_one_and_two_character_chinese_terms(
        cat: VaultSession, filled: list[int], text: str, expected: set[str]) -> None:
    rows = _walk(cat, "archive_no", Filters(text=text))
    assert {r.title for r in rows} == expected
    assert len(rows) == sum(1 for i in range(60) if TITLES[i % len(TITLES)] in expected)


def test_search_finds_archive_number_substrings_and_client_names(
        cat: VaultSession, filled: list[int]) -> None:
    assert [r.archive_no for r in _walk(cat, "archive_no", Filters(text="2012-0"))] == sorted(
        f"HX-2012-{(i * 37) % 60:03d}" for i in range(60) if i % 7 == 2
        and f"{(i * 37) % 60:03d}".startswith("0"))
    assert {r.archive_no for r in _walk(cat, "id", Filters(text="hx-2013"))} == {
        f"HX-2013-{(i * 37) % 60:03d}" for i in range(60) if i % 7 == 3}
    assert len(_walk(cat, "title", Filters(text="华信"))) == 20
    assert len(_walk(cat, "title", Filters(text="600037341"))) == 20  # credit code piece
    assert _walk(cat, "title", Filters(text="华信 工资")) == [
        r for r in _walk(cat, "title", Filters(text="华信")) if r.title == "工资表"]


def test_broad_search_pages_in_catalogue_order(cat: VaultSession, filled: list[int],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse, "SORT_LIMIT", 5)
    rows = _walk(cat, "title", Filters(text="账"))
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    page = cat.call(lambda ctx: browse.page_after(ctx.conn, Filters(text="账"), TODAY, None,
                                                  5, "title"))
    assert page.sort == "id"


@pytest.mark.parametrize("sort", ["archive_no", "title", "client", "fiscal_year"])
@pytest.mark.parametrize("f", [Filters(year_from=2011, year_to=2014, category="voucher"),
                               Filters(year_from=2012, year_to=2012), Filters(client_id=1),
                               Filters(category="tax_return", level="internal")])
def test_walking_the_sort_index_gives_the_same_pages(cat: VaultSession, filled: list[int],
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     sort: str, f: Filters) -> None:
    planned = [r.id for r in _walk(cat, sort, f)]
    keys = [_sort_value(r, sort) for r in _walk(cat, sort, f)]
    assert keys == sorted(keys)
    monkeypatch.setattr(plan, "FORCE_ABOVE", 0)  # every filter counts as broad
    plan._cache.clear()
    assert [r.id for r in _walk(cat, sort, f)] == planned and planned
