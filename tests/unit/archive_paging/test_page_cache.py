"""The archive browser's paging: whichever way a page is reached (from the start, after or
before a neighbour, from the end, by a far jump from either end), the rows on screen are
exactly the rows of the list in order, for every sort, direction and filter."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from typing import Any

import pytest

from confterm.paging import PageCache
from confterm.vault.catalogue import browse, classify, clients
from confterm.vault.catalogue.bulk import BulkWriter
from confterm.vault.catalogue.clients import ClientInput
from confterm.vault.catalogue.filters import Filters
from confterm.vault.catalogue.sources import ClientSource, RecordSource, ReviewSource
from confterm.vault.credit_code import compute_check_char
from confterm.vault.session import Ctx, VaultSession

N = 257  # not a multiple of the page size
SIZE = 20
TITLES = ("记账凭证", "总账", "纳税申报表", "银行对账单", "原始凭证")


def _code(n: int) -> str:
    first17 = f"91110000{n:09d}"
    return first17 + compute_check_char(first17)


def _fill(ctx: Ctx) -> None:
    ids = [clients.create(ctx, ClientInput(name, _code(i + 1))) for i, name in
           enumerate(("厦门鹭岛商贸有限公司", "北京燕山贸易有限公司", "北京燕山贸易有限公司"))]
    rng = random.Random(4)
    with ctx.transaction() as conn:
        writer = BulkWriter(conn, "2026-01-15T02:00:00.000000Z")
        for i in range(N):
            writer.add({"archive_no": f"A-{rng.randrange(10_000):05d}-{i:03d}",
                        "title": f"{2000 + i % 7}年{TITLES[i % 5]} 第{i % 3}册",
                        "client_id": ids[i % 3], "category": "voucher" if i % 2 else "ledger",
                        "fiscal_year": 2000 + i % 7, "level": "internal"})
        writer.finish()


@pytest.fixture
def filled(session: VaultSession) -> Iterator[VaultSession]:
    session.call(_fill)
    yield session


def _all(session: VaultSession, source: Any) -> list[Any]:
    """Every row of ``source``, read front to back by key (the reference order)."""
    out, key = [], None
    while True:
        chunk = session.call(source.after, key, SIZE)
        out += chunk.rows
        if not chunk.more_after:
            return out
        key = chunk.last_key


def _walk(session: VaultSession, source: Any, order: list[int]) -> list[Any]:
    """Read the pages in ``order`` through a PageCache; return the rows by index."""
    cache: PageCache[Any] = PageCache(SIZE, limit=1000)
    cache.source = source
    cache.count, cache.exact = session.call(source.count)

    async def call(fn: Any, *args: Any) -> Any:
        return session.call(fn, *args)

    for page in order:
        chunk = asyncio.run(cache.load(page, call))
        assert chunk is not None
        cache.store(page, chunk)
    return [cache.row_at(i) for i in range(cache.count)]


def _orders(pages: int) -> list[list[int]]:
    every = list(range(pages))
    middle_out = sorted(every, key=lambda p: abs(p - pages // 2))
    return [every, every[::-1], middle_out, random.Random(9).sample(every, pages)]


@pytest.mark.parametrize("sort", [s for s in browse.SORTS])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("text", [None, "凭证", "燕山"])
def test_every_way_to_a_page_gives_the_same_rows(filled: VaultSession, sort: str,
                                                  descending: bool, text: str | None) -> None:
    source = RecordSource(Filters(text=text), sort, descending)
    expected = _all(filled, source)
    assert expected and len({r.id for r in expected}) == len(expected)
    pages = (len(expected) + SIZE - 1) // SIZE
    for order in _orders(pages):
        assert [r.id for r in _walk(filled, source, order)] == [r.id for r in expected]


def test_a_filtered_count_from_the_counters_and_a_capped_search_count(
        filled: VaultSession) -> None:
    assert filled.call(RecordSource().count) == (N, True)
    count, exact = filled.call(RecordSource(Filters(text="凭证")).count)
    assert exact and count == len(_all(filled, RecordSource(Filters(text="凭证"))))


def test_clients_and_review_queue_page_the_same_way(filled: VaultSession) -> None:
    filled.call(classify.set_review_days, 30)  # every record written above is due
    for source in (ClientSource(), ClientSource("燕山"), ReviewSource()):
        expected = _all(filled, source)
        assert expected
        pages = max(1, (len(expected) + SIZE - 1) // SIZE)
        for order in _orders(pages):
            assert _walk(filled, source, order) == expected
