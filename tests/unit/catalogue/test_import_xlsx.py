"""XLSX import (first sheet, read-only, formulas and merged cells refused) and export."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from confterm.errors import InputError
from confterm.vault.importing import (
    CatalogueRow,
    ImportOptions,
    Problem,
    read_catalogue,
    write_csv,
    write_xlsx,
)
from confterm.vault.importing.sources import cell_ref

OPTIONS = ImportOptions(today=date(2025, 6, 30))
HEADER = ["档案编号", "题名", "客户统一社会信用代码", "客户名称", "类别", "会计年度", "页数",
          "含个人信息", "归档日期"]
GOOD: list[object] = ["PZ-2019-001", "2019年度记账凭证 第1册", "91350100M000100Y43",
                      "福州闽江商贸有限公司", "记账凭证", 2019, 120.0, False,
                      datetime(2020, 3, 5)]


def book(rows: list[list[object]], path: Path, merges: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    other = wb.create_sheet("其他")
    other.append(["not", "read"])
    wb.save(path)
    return path


def load(path: Path, options: ImportOptions = OPTIONS
         ) -> tuple[list[CatalogueRow], list[Problem]]:
    rows: list[CatalogueRow] = []
    problems: list[Problem] = []
    for chunk in read_catalogue(path, options):
        rows.extend(chunk.rows)
        problems.extend(chunk.problems)
    return rows, problems


def test_typed_cells_are_read_as_people_typed_them(tmp_path: Path) -> None:
    rows, problems = load(book([HEADER, GOOD], tmp_path / "g.xlsx"))
    assert problems == []
    row = rows[0]
    assert (row.row, row.fiscal_year, row.pages, row.personal_info, row.archived_on) == (
        2, 2019, 120, False, date(2020, 3, 5))


def test_formula_is_refused_naming_the_cell(tmp_path: Path) -> None:
    path = book([HEADER, GOOD, ["PZ-2", *GOOD[1:5], "=2018+1", *GOOD[6:]]], tmp_path / "f.xlsx")
    rows, problems = load(path)
    assert [r.row for r in rows] == [2]
    formula = [p for p in problems if p.key == "import.formula"]
    assert [(p.row, p.column, p.params["cell"]) for p in formula] == [(3, "会计年度", "F3")]
    assert "F3" in formula[0].text("zh_CN") and "formula" in formula[0].text("en")


def test_formula_in_the_header_is_refused(tmp_path: Path) -> None:
    path = book([[*HEADER[:-1], '="归档"&"日期"'], GOOD], tmp_path / "hf.xlsx")
    _, problems = load(path)
    assert ("import.formula", "I1") in [(p.key, p.params.get("cell")) for p in problems]


def test_error_values_are_refused(tmp_path: Path) -> None:
    _, problems = load(book([HEADER, [*GOOD[:6], "#DIV/0!", *GOOD[7:]]], tmp_path / "e.xlsx"))
    assert [(p.key, p.column, p.params["cell"]) for p in problems] == [
        ("import.error_value", "页数", "G2")]


def test_merged_header_cells_refuse_the_file(tmp_path: Path) -> None:
    path = book([HEADER, GOOD], tmp_path / "m.xlsx", merges=("E1:F1",))
    with pytest.raises(InputError) as info:
        load(path)
    assert info.value.key == "import.merged_header"
    assert info.value.params["cells"] == "E1:F1" and "E1:F1" in str(info.value)


def test_merged_title_above_the_header_is_fine(tmp_path: Path) -> None:
    path = book([["会计档案移交目录"], HEADER, GOOD], tmp_path / "t.xlsx", merges=("A1:I1",))
    rows, problems = load(path)
    assert problems == [] and rows[0].row == 3


def test_merged_data_cells_are_a_problem_of_their_row(tmp_path: Path) -> None:
    second = ["PZ-2", *GOOD[1:]]
    path = book([HEADER, GOOD, second], tmp_path / "d.xlsx", merges=("D2:D3",))
    _, problems = load(path)
    first = problems[0]
    assert (first.row, first.key, first.params.get("cells")) == (2, "import.merged_cells", "D2:D3")


def test_a_wrong_recorded_dimension_does_not_lose_rows(tmp_path: Path) -> None:
    path = book([HEADER] + [[f"PZ-{i}", *GOOD[1:]] for i in range(30)], tmp_path / "w.xlsx")
    with zipfile.ZipFile(path) as src:
        items = {name: src.read(name) for name in src.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    items[sheet] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B3"', items[sheet])
    broken = tmp_path / "broken-dimension.xlsx"
    with zipfile.ZipFile(broken, "w") as dst:
        for name, data in items.items():
            dst.writestr(name, data)
    assert load_workbook(broken, read_only=True).worksheets[0].max_row == 3
    rows, problems = load(broken)
    assert problems == [] and len(rows) == 30


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("档案编号,题名\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load(path)
    assert info.value.key == "import.bad_xlsx" and "fake.xlsx" in str(info.value)


def test_progress_knows_the_total(tmp_path: Path) -> None:
    path = book([HEADER] + [[f"PZ-{i}", *GOOD[1:]] for i in range(12)], tmp_path / "p.xlsx")
    seen: list[tuple[int, int | None]] = []
    list(read_catalogue(path, ImportOptions(today=date(2025, 6, 30), chunk_size=5),
                        progress=lambda done, total: seen.append((done, total))))
    assert seen == [(5, 12), (10, 12), (12, 12)]


def test_cell_references() -> None:
    assert [cell_ref(i, 7) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A7", "B7", "Z7", "AA7", "AB7", "ZZ7", "AAA7"]


TRICKY = CatalogueRow(
    2, "-001", "=SUM(A1:A9) 看起来像公式", "91350100M000100Y43", "福州闽江商贸有限公司",
    "fixed_asset_card", 2015, 2015, 2016, "第1卷", 0, "both", 12, "confidential",
    ("重要", "注销清算"), "BOX-000001", True, True, "@未结清", 2020, 40, "+涉诉", date(2017, 1, 2),
    "多行\n备注")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_rows(tmp_path: Path, lang: str, kind: str) -> None:
    plain = TRICKY._replace(row=3, archive_no="ZB-1", category="ledger",
                                scrapped_year=None, labels=(), pages=None,
                                extension_years=None, extension_reason="", unresolved=False,
                                unresolved_reason="", personal_info=False, level="public",
                                archived_on=None, notes="")
    path = tmp_path / f"out.{kind}"
    writer = write_csv if kind == "csv" else write_xlsx
    assert writer(path, [TRICKY, plain], lang=lang) == 2
    rows, problems = load(path)
    assert problems == []
    assert rows == [TRICKY, plain]


def test_exported_xlsx_holds_text_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    write_xlsx(path, [TRICKY])
    cells = load_workbook(path).worksheets[0][2]
    kinds = {cell.value: cell.data_type for cell in cells}
    assert kinds["=SUM(A1:A9) 看起来像公式"] == "s" and kinds[2015] == "n"


def test_exported_csv_guards_formula_like_text(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_csv(path, [TRICKY], lang="en")
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("archive_no,title,")
    assert "'-001,'=SUM(A1:A9)" in text and "'@未结清" in text and "'+涉诉" in text


def test_export_encoding_problem_is_clear(tmp_path: Path) -> None:
    odd = TRICKY._replace(title="欧元 €")
    with pytest.raises(InputError) as info:
        write_csv(tmp_path / "gbk.csv", [TRICKY, odd], encoding="gbk")
    assert info.value.params["char"] == "€" and info.value.params["row"] == 3  # file row
    write_csv(tmp_path / "gb.csv", [odd], encoding="gb18030")
    assert load(tmp_path / "gb.csv")[0][0].title == "欧元 €"
