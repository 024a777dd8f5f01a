"""GB18030 files in and out, and the import/export commands as a script runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from confterm.vault import lifecycle
from confterm.vault.catalogue import export, importer
from confterm.vault.catalogue.bench_data import catalogue_rows
from confterm.vault.catalogue.filters import Filters
from confterm.vault.importing.export import write_csv
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import VaultSession
from tests.conftest import ADMIN, ADMIN_PASS
from tests.unit.test_cli_core import PASS, run


def _sample() -> list[CatalogueRow]:
    rows = list(catalogue_rows(40))
    rows[0] = rows[0]._replace(title="王喆、李堃、赵玥报销单据（䶮字号）", labels=("涉诉", "原件"),
                      notes="第一行\n第二行", unresolved=True, unresolved_reason="欠款未清")
    rows[1] = rows[1]._replace(category="ledger", start_year=2017, end_year=2019,
                      fiscal_year=2019, extension_years=40, extension_reason="审计要求")
    return [r._replace(location="") for r in rows]


def _comparable(rows: list[CatalogueRow]) -> list[tuple[object, ...]]:
    return sorted((r.archive_no, r.title, r.client_code, r.client_name, r.category,
                   r.fiscal_year, r.start_year, r.end_year, r.level, tuple(sorted(r.labels)),
                   r.unresolved, r.unresolved_reason, r.extension_years, r.notes,
                   r.personal_info, r.books, r.pages) for r in rows)


def test_gb18030_csv_round_trip(cat: VaultSession, make_vault: object, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    original = _sample()
    write_csv(source, original, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        source.read_text(encoding="utf-8")  # really GB18030, as Chinese Excel writes it
    assert cat.call(importer.import_file, source).ok
    out = tmp_path / "out.csv"
    assert cat.call(export.export, out, "csv", "移交复核", None, "zh_CN", "gb18030") == 40
    assert "王喆、李堃、赵玥" in out.read_text(encoding="gb18030")
    second = make_vault("second")  # type: ignore[operator]
    with lifecycle.open_vault(second, ADMIN, passphrase_bytes(ADMIN_PASS)) as other:
        assert other.call(importer.import_file, out).ok
        again = other.call(lambda ctx: list(export.rows(ctx.conn, Filters(), ctx.today())))
    assert _comparable(again) == _comparable(original)
    event = cat.call(lambda ctx: ctx.conn.execute(
        "SELECT details FROM audit_events WHERE action = 'catalogue.export'").fetchone()[0])
    assert json.loads(event)["purpose"] == "移交复核"
    assert json.loads(event)["person"] == ADMIN


@pytest.fixture
def cli_vault(tmp_path: Path) -> Path:
    path = tmp_path / "v"
    result = run("init", "--vault", str(path), "--name", "Admin", "--fast-kdf",
                 stdin=f"{PASS}\n{PASS}\n")
    assert result.returncode == 0, result.stderr
    return path


def test_import_and_export_commands(cli_vault: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    write_csv(good, _sample())
    bad = tmp_path / "bad.csv"
    rows = _sample()
    rows[-1] = rows[-1]._replace(start_year=2020, end_year=2019, fiscal_year=2019)
    write_csv(bad, rows)
    refused = run("import", str(bad), "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "Row 41" in refused.stderr and "nothing was imported" in refused.stderr
    dry = run("import", str(good), "--dry-run", "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert dry.returncode == 0 and "Nothing was written" in dry.stdout, dry.stderr
    done = run("import", str(good), "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert done.returncode == 0 and "Imported 40 records" in done.stdout, done.stderr
    again = run("import", str(good), "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert again.returncode == 2 and "already in the vault" in again.stderr
    out = tmp_path / "catalogue.xlsx"
    exported = run("export", str(out), "--format", "xlsx", "--purpose", "年度盘点",
                   "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert exported.returncode == 0 and out.is_file(), exported.stderr
    reread = run("import", str(out), "--dry-run", "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert reread.returncode == 2 and reread.stderr.count("already in the vault") == 40
    no_purpose = run("export", str(out), "--format", "csv", "--purpose", " ",
                     "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert no_purpose.returncode == 2 and "Traceback" not in no_purpose.stderr
