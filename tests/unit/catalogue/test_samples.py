"""The sample import files in assets/samples behave as their names promise."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from confterm.vault.importing import ImportOptions, detect_encoding, validate_file

SAMPLES = Path(__file__).resolve().parents[3] / "assets" / "samples"
OPTIONS = ImportOptions(today=date(2025, 6, 30))

EXPECTED_BAD = [
    (1, "经办人", "import.unknown_header"),
    (3, "档案编号", "import.duplicate_archive_no"),
    (4, "客户统一社会信用代码", "catalogue.credit_code.bad_check"),
    (5, "页数", "import.not_a_number"),
    (5, "终止年度", "import.end_before_start"),
    (6, "类别", "import.unknown_category"),
    (6, "密级", "import.unknown_level"),
    (6, "客户名称", "import.client_name_conflict"),
    (7, "题名", "import.missing_value"),
    (7, "归档日期", "import.impossible_date"),
    (8, "会计年度", "import.year_out_of_range"),
    (8, "未了事项", "import.unresolved_needs_reason"),
]


def test_good_csv_is_gb18030_and_clean() -> None:
    path = SAMPLES / "good-gb18030.csv"
    assert detect_encoding(path) == "gb18030"
    summary = validate_file(path, OPTIONS)
    assert summary.ok and summary.rows_ok == 40


def test_good_xlsx_is_clean() -> None:
    summary = validate_file(SAMPLES / "good.xlsx", OPTIONS)
    assert summary.ok and summary.rows_ok == 30


def test_bad_csv_reports_each_mistake_once() -> None:
    path = SAMPLES / "bad.csv"
    assert detect_encoding(path) == "utf-8-sig"
    summary = validate_file(path, OPTIONS)
    assert [(p.row, p.column, p.key) for p in summary.problems] == EXPECTED_BAD
    assert summary.rows_ok == 1 and summary.problem_count == len(EXPECTED_BAD)
    for problem in summary.problems:
        assert problem.text("zh_CN").startswith(f"第 {problem.row} 行")
