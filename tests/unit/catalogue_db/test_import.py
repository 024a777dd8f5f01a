"""Import into the vault: every problem listed first, all or nothing, counters kept true."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from confterm.vault.catalogue import holds, import_pipe, importer
from confterm.vault.catalogue.bench_data import catalogue_rows
from confterm.vault.catalogue.filters import Filters
from confterm.vault.importing.export import write_csv
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.session import Ctx, VaultSession
from tests.unit.catalogue_db.conftest import Place


def _rows(n: int, box: str = "") -> list[CatalogueRow]:
    return [r._replace(location=box) for r in catalogue_rows(n)]


def snapshot(ctx: Ctx) -> dict[str, Any]:
    """Everything an import could change, read the slow, certain way."""
    q = ctx.conn.execute
    return {
        "records": q("SELECT count(*) FROM records").fetchone()[0],
        "clients": q("SELECT count(*), coalesce(sum(record_count), 0) FROM clients").fetchone(),
        "counters": q("SELECT key, n FROM catalogue_counters ORDER BY key").fetchall(),
        "search": q("SELECT count(*) FROM record_search").fetchone()[0],
        "client_search": q("SELECT count(*) FROM client_search").fetchone()[0],
        "audit": q("SELECT max(seq) FROM audit_events").fetchone()[0],
        "triggers": q("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                      " ORDER BY name").fetchall(),
        "locations": q("SELECT id, record_count FROM locations ORDER BY id").fetchall(),
    }


def counters_are_true(ctx: Ctx) -> None:
    q = ctx.conn.execute
    kept = dict(q("SELECT key, n FROM catalogue_counters").fetchall())
    assert kept["records"] == q("SELECT count(*) FROM records").fetchone()[0]
    for column in ("level", "category", "state"):
        for value, n in q(f"SELECT {column}, count(*) FROM records GROUP BY {column}"):
            assert kept[f"{column}:{value}"] == n
    assert kept["held"] == q("SELECT count(*) FROM records WHERE hold_count > 0").fetchone()[0]
    assert kept["unresolved"] == q("SELECT sum(unresolved) FROM records").fetchone()[0]
    assert q("SELECT count(*) FROM clients c WHERE record_count <>"
             " (SELECT count(*) FROM records r WHERE r.client_id = c.id)").fetchone()[0] == 0
    assert q("SELECT count(*) FROM locations l WHERE record_count <>"
             " (SELECT count(*) FROM records r WHERE r.location_id = l.id)").fetchone()[0] == 0


def test_bad_row_at_the_end_of_a_large_file_leaves_the_vault_unchanged(
        cat: VaultSession, tmp_path: Path, add_record: Callable[..., int]) -> None:
    add_record()
    rows = _rows(30_000)
    rows[-1] = rows[-1]._replace(client_code="91350100M000100Y44")  # bad check character
    path = tmp_path / "big.csv"
    write_csv(path, rows)
    assert path.stat().st_size > import_pipe.CHILD_MIN_BYTES  # read by the child process
    before = cat.call(snapshot)
    result = cat.call(importer.import_file, path)
    assert not result.ok and not result.committed
    assert [p.row for p in result.problems] == [30_001]
    assert "check character" in result.problems[0].text("en")
    assert cat.call(snapshot) == before


def test_successful_import_keeps_counters_holds_and_triggers(
        cat: VaultSession, tmp_path: Path, place: Place, client_id: int) -> None:
    cat.call(holds.create, "查账", "审计", "query", filters=Filters(category="ledger"))
    path = tmp_path / "ok.csv"
    write_csv(path, _rows(400) + [r._replace(row=402 + i, location="BX0001")
                                  for i, r in enumerate(_rows(450)[400:])])
    before = cat.call(snapshot)
    result = cat.call(importer.import_file, path)
    assert result.ok and result.committed and result.records_created == 450
    after = cat.call(snapshot)
    assert after["triggers"] == before["triggers"]
    cat.call(counters_are_true)
    held = cat.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM records WHERE category = 'ledger' AND hold_count = 0"
    ).fetchone()[0])
    assert held == 0
    event = cat.call(lambda ctx: ctx.conn.execute(
        "SELECT details FROM audit_events WHERE action = 'catalogue.import'").fetchall())
    assert len(event) == 1 and importer.file_digest(path) in event[0][0]
    assert after["audit"] == before["audit"] + 1  # one summary event, clients included


def test_dry_run_lists_vault_problems_and_writes_nothing(
        cat: VaultSession, tmp_path: Path, place: Place, add_record: Callable[..., int]) -> None:
    add_record(archive_no="DUP-0001")
    cat.call(lambda ctx: ctx.conn.execute("UPDATE locations SET capacity = 2 WHERE id = ?",
                                          (place.box,)))
    base = _rows(5, box="BX0001")
    rows = [base[0]._replace(archive_no="DUP-0001"),
            base[1]._replace(location="NO-SUCH-BOX"),
            base[2], base[3], base[4],
            base[0]._replace(row=7, archive_no="X-1", client_code="91350100M000100Y43",
                    client_name="另一个名字有限公司")]
    path = tmp_path / "check.csv"
    write_csv(path, rows)
    before = cat.call(snapshot)
    result = cat.call(importer.import_file, path, True)
    keys = [(p.row, p.key) for p in result.problems]
    assert (2, "records.import_number_taken") in keys
    assert (3, "records.import_unknown_box") in keys
    assert any(k == "records.import_box_full" for _, k in keys)  # 4 rows for 1 free place
    assert (7, "records.import_client_other_name") in keys
    assert cat.call(snapshot) == before
    clean = tmp_path / "clean.csv"
    write_csv(clean, _rows(3))
    dry = cat.call(importer.import_file, clean, True)
    assert dry.ok and not dry.committed and dry.records_created == 0
    assert cat.call(snapshot) == before


def test_duplicate_archive_number_inside_the_file(cat: VaultSession, tmp_path: Path) -> None:
    rows = _rows(3)
    rows[2] = rows[2]._replace(archive_no=rows[0].archive_no)
    path = tmp_path / "dup.csv"
    write_csv(path, rows)
    result = cat.call(importer.import_file, path)
    assert not result.ok and result.problems[0].key == "import.duplicate_archive_no"
    assert cat.call(lambda ctx: ctx.conn.execute("SELECT count(*) FROM records").fetchone()[0]
                    ) == 0


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_empty_file_is_one_clear_problem(cat: VaultSession, tmp_path: Path,
                                         encoding: str) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding=encoding)
    result = cat.call(importer.import_file, path)
    assert not result.ok and result.problem_count == 1
