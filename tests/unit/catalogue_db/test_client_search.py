"""Records are found by their client's name and code, which live in ``client_search``
(one document per client) rather than in every record's document (issue #4)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from confterm.vault.catalogue import browse, clients, holds, importer, search_index, sources
from confterm.vault.catalogue.filters import Filters
from confterm.vault.importing.export import write_csv
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.session import Ctx, VaultSession
from tests.unit.catalogue_db.conftest import credit_code

TODAY = date(2030, 6, 1)
HUAXIN = ("北京华信商贸有限公司", "91110000600037341L")
LUDAO = ("厦门鹭岛商贸有限公司", "91350100M000100Y43")
TITLES = ("记账凭证", "银行对账单", "明细账", "纳税申报表", "工资表")


def _rows(n: int, first: int = 0) -> list[CatalogueRow]:
    out = []
    for i in range(first, first + n):
        name, code = HUAXIN if i % 3 == 0 else LUDAO
        out.append(CatalogueRow(i + 2, f"HX-{2010 + i % 7}-{i:03d}", TITLES[i % len(TITLES)],
                                code, name, "voucher" if i % 2 else "tax_return",
                                2010 + i % 7))
    return out


@pytest.fixture
def filled(cat: VaultSession, client_id: int, tmp_path: Path) -> dict[str, set[int]]:
    path = tmp_path / "filled.csv"
    write_csv(path, _rows(60))
    assert cat.call(importer.import_file, path).ok
    by_client: dict[str, set[int]] = {}
    for rid, name in cat.call(lambda ctx: ctx.conn.execute(
            "SELECT r.id, c.name FROM records r JOIN clients c ON c.id = r.client_id")):
        by_client.setdefault(name, set()).add(rid)
    return by_client


def _shown(cat: VaultSession, text: str, sort: str = "archive_no", n: int = 7) -> list[int]:
    """Every id the browser lists for ``text``, page by page."""
    f, seen, key = Filters(text=text), [], None
    while True:
        page = cat.call(lambda ctx, k=key: browse.page_after(ctx.conn, f, TODAY, k, n, sort))
        seen += [r.id for r in page.rows]
        if not page.more_after:
            return seen
        key = page.last_key


def _everywhere(cat: VaultSession, text: str) -> set[int]:
    """The browser's result in every mode (sorted, id-driven, broad) and its count: all
    must agree."""
    found = set(_shown(cat, text))
    assert len(_shown(cat, text)) == len(found)  # no row twice
    assert set(_shown(cat, text, "id")) == found
    assert set(_shown(cat, text, "title", n=3)) == found
    count = cat.call(lambda ctx: browse.count(ctx.conn, Filters(text=text), TODAY))
    assert (count.value, count.exact) == (len(found), True)
    return found


@pytest.mark.parametrize("text", ["鹭", "鹭岛", "m000100", "100Y43", "鹭岛 350100"])
def test_records_are_found_by_their_clients_name_or_code(
        cat: VaultSession, filled: dict[str, set[int]], text: str) -> None:
    assert _everywhere(cat, text) == filled[LUDAO[0]]


def test_broad_searches_page_the_same_matches(cat: VaultSession, filled: dict[str, set[int]],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse, "SORT_LIMIT", 5)  # every search here is "broad"
    assert set(_shown(cat, "华信")) == filled[HUAXIN[0]]
    shown = _shown(cat, "华信 工资")  # one word on the client, one in the title
    expected = cat.call(lambda ctx: {r[0] for r in ctx.conn.execute(
        "SELECT id FROM records WHERE title = '工资表'")}) & filled[HUAXIN[0]]
    assert shown == sorted(expected) and expected
    assert _shown(cat, "华信 鹭岛") == []
    ids = _shown(cat, "商贸")
    keys = [cat.call(lambda ctx, i=i: sources.key_at(ctx.conn, Filters(text="商贸"), ctx,
                                                   "archive_no", False, i))
            for i in (0, 17, 59, 60)]
    assert keys == [(ids[0],), (ids[17],), (ids[59],), None]


def test_words_split_between_record_and_client(cat: VaultSession,
                                               filled: dict[str, set[int]]) -> None:
    found = _everywhere(cat, "鹭岛 工资")
    titles = cat.call(lambda ctx: {r[0] for r in ctx.conn.execute(
        "SELECT id FROM records WHERE title = '工资表'")})
    assert found == titles & filled[LUDAO[0]] and found
    assert _everywhere(cat, "华信 鹭岛") == set()


def _client(ctx: Ctx, name: str) -> int:
    return int(ctx.conn.execute("SELECT id FROM clients WHERE name = ?", (name,)).fetchone()[0])


def test_a_renamed_client_is_found_by_its_new_name_only(cat: VaultSession,
                                                       filled: dict[str, set[int]]) -> None:
    cid = cat.call(_client, LUDAO[0])
    cat.call(clients.update, cid, None, {"name": "泉州刺桐贸易有限公司"})
    assert _everywhere(cat, "刺桐") == filled[LUDAO[0]]
    assert _everywhere(cat, "鹭岛") == set()


def test_a_vault_indexed_the_old_way_stays_correct(cat: VaultSession,
                                                  filled: dict[str, set[int]]) -> None:
    """Before migration 0008 each record's document carried its client's tokens and
    client_search was empty; such records are found, and a rename indexes them anew."""
    def old_layout(ctx: Ctx) -> None:
        rows = ctx.conn.execute("SELECT r.id, r.title, r.archive_no, c.name, c.credit_code"
                                " FROM records r JOIN clients c ON c.id = r.client_id"
                                ).fetchall()
        with ctx.transaction():
            _rewrite(ctx, rows)

    def _rewrite(ctx: Ctx, rows: list[Any]) -> None:
        ctx.conn.execute("DELETE FROM client_search")
        for rid, title, number, name, code in rows:
            ctx.conn.execute("DELETE FROM record_search WHERE rowid = ?", (rid,))
            ctx.conn.execute("INSERT INTO record_search(rowid, terms) VALUES (?, ?)", (
                rid, search_index.record_part(title, number) + " "
                + search_index.client_part(name, code)))
        ctx.conn.execute("INSERT INTO search_legacy_clients SELECT DISTINCT client_id"
                         " FROM records")

    cat.call(old_layout)
    assert _everywhere(cat, "鹭岛") == filled[LUDAO[0]]
    cid = cat.call(_client, LUDAO[0])
    cat.call(clients.update, cid, None, {"name": "泉州刺桐贸易有限公司"})
    assert _everywhere(cat, "鹭岛") == set()
    assert _everywhere(cat, "刺桐") == filled[LUDAO[0]]
    assert _everywhere(cat, "华信") == filled[HUAXIN[0]]


def _tables(ctx: Ctx) -> tuple[Any, ...]:
    q = ctx.conn.execute
    return (q("SELECT count(*) FROM records").fetchone()[0],
            q("SELECT count(*) FROM clients").fetchone()[0],
            q("SELECT count(*) FROM record_search").fetchone()[0],
            q("SELECT count(*) FROM client_search").fetchone()[0])


def test_a_failed_import_leaves_both_search_tables_unchanged(
        cat: VaultSession, filled: dict[str, set[int]], tmp_path: Path) -> None:
    before = cat.call(_tables)
    rows = [r._replace(row=r.row, client_name="泉州刺桐贸易有限公司",
                    client_code=credit_code(77)) for r in _rows(5, 100)]
    rows += [_rows(1, 105)[0]._replace(client_code="91350100M000100Y44")]  # bad check char
    path = tmp_path / "bad.csv"
    write_csv(path, rows)
    result = cat.call(importer.import_file, path)
    assert not result.ok and not result.committed
    assert cat.call(_tables) == before
    assert _everywhere(cat, "刺桐") == set()
    assert _everywhere(cat, "鹭岛") == filled[LUDAO[0]]


def test_a_hold_by_a_client_word_holds_what_the_browser_shows(
        cat: VaultSession, filled: dict[str, set[int]]) -> None:
    f = Filters(text="华信 凭证")
    shown = set(_shown(cat, f.text or ""))
    assert shown and shown < filled[HUAXIN[0]]
    cat.call(holds.create, "诉讼", "法务部", "query", filters=f)
    held = cat.call(lambda ctx: {r[0] for r in ctx.conn.execute(
        "SELECT record_id FROM hold_records")})
    assert held == shown
    assert set(cat.call(lambda ctx: holds.matching_ids(ctx.conn, f, TODAY))) == shown


def test_a_single_record_is_found_by_its_clients_name(cat: VaultSession, add_record: Any
                                                      ) -> None:
    rid = add_record(title="银行对账单")
    assert _everywhere(cat, "鹭岛") == {rid}
    assert _everywhere(cat, "对账") == {rid}


def test_a_destroyed_record_is_not_found_by_its_clients_name(
        cat: VaultSession, filled: dict[str, set[int]]) -> None:
    """Destruction purges a record's search row but keeps its client id: the client side
    of a search must not bring it back."""
    gone = min(filled[LUDAO[0]])

    def destroy(ctx: Ctx) -> None:  # what destruction.purge leaves behind (no session)
        with ctx.transaction() as conn:
            conn.execute("DROP TRIGGER records_destroyed_needs_tombstone")
            conn.execute("UPDATE records SET state = 'destroyed' WHERE id = ?", (gone,))
            conn.execute("DELETE FROM record_search WHERE rowid = ?", (gone,))

    cat.call(destroy)
    assert _everywhere(cat, "鹭岛") == filled[LUDAO[0]] - {gone}
    assert set(cat.call(lambda ctx: holds.matching_ids(ctx.conn, Filters(text="鹭岛"),
                                                       TODAY))) == filled[LUDAO[0]] - {gone}
