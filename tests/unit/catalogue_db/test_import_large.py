"""A large import's fast path (indexes dropped and recreated, trigger effects applied from
counts kept in Python) leaves exactly what the per-row path leaves, or nothing at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from confterm.errors import ConflictError
from confterm.vault.catalogue import browse, bulk, holds, importer
from confterm.vault.catalogue.bulk import BulkWriter
from confterm.vault.catalogue.filters import Filters
from confterm.vault.importing.export import write_csv
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.session import Ctx, VaultSession
from tests.unit.catalogue_db.conftest import Place
from tests.unit.catalogue_db.test_import import _rows, counters_are_true, snapshot


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as large: the import takes its bulk path from the first row."""
    monkeypatch.setattr(importer, "BYTES_PER_ROW", 1)


def schema(ctx: Ctx) -> dict[str, Any]:
    return {**snapshot(ctx), "indexes": ctx.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()}


def test_large_import_keeps_indexes_counters_holds_and_search(
        cat: VaultSession, tmp_path: Path, place: Place, client_id: int, large: None) -> None:
    cat.call(holds.create, "查账", "审计", "query", filters=Filters(category="ledger"))
    rows = _rows(300)
    path = tmp_path / "ok.csv"
    write_csv(path, [r._replace(location="BX0001") if i < 5 else r
                     for i, r in enumerate(rows)])
    before = cat.call(schema)
    result = cat.call(importer.import_file, path)
    assert result.ok and result.committed and result.records_created == 300
    after = cat.call(schema)
    assert after["indexes"] == before["indexes"] and after["triggers"] == before["triggers"]
    cat.call(counters_are_true)
    assert cat.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM records WHERE category = 'ledger' AND hold_count = 0"
    ).fetchone()[0]) == 0
    assert cat.call(lambda ctx: ctx.conn.execute("PRAGMA integrity_check").fetchone()[0]) \
        == "ok"
    page = cat.call(lambda ctx: browse.page_after(ctx.conn, Filters(text=rows[7].archive_no),
                                                  ctx.today()))
    assert [r.archive_no for r in page.rows] == [rows[7].archive_no]


def test_large_import_failing_at_the_last_row_changes_nothing(
        cat: VaultSession, tmp_path: Path, add_record: Any, large: None) -> None:
    add_record()
    rows = _rows(400)
    rows[-1] = rows[-1]._replace(client_code="91350100M000100Y44")  # bad check character
    path = tmp_path / "bad.csv"
    write_csv(path, rows)
    before = cat.call(schema)
    result = cat.call(importer.import_file, path)
    assert not result.committed and [p.row for p in result.problems] == [401]
    assert cat.call(schema) == before


def test_bulk_writer_refuses_an_over_full_box(cat: VaultSession, place: Place,
                                              client_id: int) -> None:
    """The capacity trigger is suspended while writing; finish must still refuse."""
    def fill(ctx: Ctx) -> None:
        ctx.conn.execute("UPDATE locations SET capacity = 2 WHERE id = ?", (place.box,))
        with ctx.transaction() as conn:
            writer = BulkWriter(conn, "2026-01-15T02:00:00.000000Z", expected=10**9)
            for i in range(3):
                writer.add({"archive_no": f"F-{i}", "title": "凭证", "client_id": client_id,
                            "category": "voucher", "fiscal_year": 2020, "level": "internal",
                            "location_id": place.box})
            writer.finish()

    before = cat.call(schema)
    with pytest.raises(ConflictError):
        cat.call(fill)
    assert cat.call(schema) == before


def test_large_import_writes_through_a_rollback_journal_and_leaves_the_vault_in_wal(
        cat: VaultSession, tmp_path: Path, large: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Why it matters: in WAL mode a large import is written twice (WAL, then checkpoint);
    the vault must still be in WAL afterwards, whether the import committed or not."""
    monkeypatch.setattr(bulk, "REBUILD_AFTER", 100)
    seen: list[str] = []

    def run(ctx: Ctx, path: Path) -> importer.ImportResult:
        def progress(done: int, total: int | None) -> None:
            seen.append(str(ctx.conn.execute("PRAGMA journal_mode").fetchone()[0]))
        return importer.import_file(ctx, path, progress=progress)

    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    write_csv(good, _rows(200))
    rows = _rows(200)[100:]
    rows[-1] = rows[-1]._replace(client_code="91350100M000100Y44")
    write_csv(bad, rows)
    assert cat.call(run, good).committed
    assert seen and set(seen) == {"delete"}
    mode = "PRAGMA journal_mode"
    assert cat.call(lambda ctx: ctx.conn.execute(mode).fetchone()[0]) == "wal"
    seen.clear()
    assert not cat.call(run, bad).committed
    assert set(seen) == {"delete"}
    assert cat.call(lambda ctx: ctx.conn.execute(mode).fetchone()[0]) == "wal"
    assert not (cat.path / "vault.db-journal").exists()
    assert cat.call(lambda ctx: ctx.conn.execute("PRAGMA foreign_keys").fetchone()[0]) == 1


@pytest.mark.parametrize("missing", ["client_id", "location_id", "category", "level"])
def test_bulk_writer_refuses_a_record_naming_what_the_vault_does_not_have(
        cat: VaultSession, place: Place, client_id: int, missing: str) -> None:
    """A large import writes with foreign keys off; the writer checks every reference
    itself at the end, and the transaction rolls back."""
    value = {"client_id": client_id + 999, "location_id": place.box + 999,
             "category": "no_such_category", "level": "no_such_level"}[missing]

    def write(ctx: Ctx) -> None:
        ctx.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with ctx.transaction() as conn:
                writer = BulkWriter(conn, "2026-01-15T02:00:00.000000Z", expected=10**9)
                row = CatalogueRow(2, "REF-1", "凭证", "", "", "voucher", 2020)
                row = row._replace(**{k: v for k, v in (("category", value), ("level", value))
                                      if k == missing})
                ids = {"client_id": client_id, "location_id": place.box}
                ids.update({k: int(value) for k in ids if k == missing})
                writer.add_row((), ids["client_id"], ids["location_id"],
                               bulk.row_values(row, "2051-01-01"), "")
                writer.finish()
        finally:
            ctx.conn.execute("PRAGMA foreign_keys = ON")

    with pytest.raises(ConflictError) as info:
        cat.call(write)
    assert info.value.key == "records.bulk_reference_missing"
    assert info.value.params["value"] == str(value)
    assert cat.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM records WHERE archive_no = 'REF-1'").fetchone()[0]) == 0
