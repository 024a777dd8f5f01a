"""CSV catalogue import: headers, every validation rule, row numbers, chunks, progress."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from confterm.errors import InputError
from confterm.vault.importing import (
    CatalogueRow,
    ImportOptions,
    Problem,
    read_catalogue,
    validate_file,
)

TODAY = date(2025, 6, 30)
OPTIONS = ImportOptions(today=TODAY)
HEADER = ["档案编号", "题名", "客户统一社会信用代码", "客户名称", "类别", "会计年度"]
GOOD = ["PZ-2019-001", "2019年度记账凭证 第1册", "91350100M000100Y43", "福州闽江商贸有限公司",
        "记账凭证", "2019"]
CODE2 = "91110000600037341L"


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def load(path: Path, options: ImportOptions = OPTIONS
         ) -> tuple[list[CatalogueRow], list[Problem]]:
    rows: list[CatalogueRow] = []
    problems: list[Problem] = []
    for chunk in read_catalogue(path, options):
        rows.extend(chunk.rows)
        problems.extend(chunk.problems)
    return rows, problems


def one(tmp_path: Path, extra: dict[str, str]) -> tuple[list[CatalogueRow], list[Problem]]:
    """A file with the basic columns plus ``extra`` (header -> value) in one data row."""
    header = HEADER + [h for h in extra if h not in HEADER]
    values = dict(zip(HEADER, GOOD, strict=True)) | extra
    return load(write(tmp_path / "one.csv", [header, [values.get(h, "") for h in header]]))


def keys(problems: list[Problem]) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.key) for p in problems]


def test_a_good_row_becomes_a_typed_record(tmp_path: Path) -> None:
    rows, problems = one(tmp_path, {"起始年度": "2019", "终止年度": "2019年", "册数": "2",
                                    "页数": "1,204", "载体": "电子", "密级": "敏感",
                                    "标签": "注销清算、重要", "位置": "BOX-000012",
                                    "含个人信息": "是", "归档日期": "2020年3月5日",
                                    "备注": "交接时缺第 3 页"})
    assert problems == []
    assert rows == [CatalogueRow(
        2, "PZ-2019-001", "2019年度记账凭证 第1册", "91350100M000100Y43", "福州闽江商贸有限公司",
        "voucher", 2019, 2019, 2019, "", 2, "electronic", 1204, "confidential",
        ("注销清算", "重要"), "BOX-000012", True, False, "", None, None, "",
        date(2020, 3, 5), "交接时缺第 3 页")]


def test_english_headers_and_codes_work_too(tmp_path: Path) -> None:
    path = write(tmp_path / "en.csv", [
        ["archive_no", "Title", "client code", "CLIENT_NAME", "category", "Fiscal Year",
         "level", "medium"],
        ["NB-1", "Annual report", CODE2, "Beijing Yanshan Trading", "annual_report", "2020",
         "public", "paper"]])
    rows, problems = load(path)
    assert problems == [] and rows[0].category == "annual_report" and rows[0].level == "public"


def test_header_notes_full_width_and_spacing_are_ignored(tmp_path: Path) -> None:
    header = ["档案编号（必填）", " 题 名 ", "客户统一社会信用代码*", "客户名称", "类别",
              "会计年度"]
    rows, problems = load(write(tmp_path / "h.csv", [header, GOOD]))
    assert problems == [] and len(rows) == 1


def test_title_line_above_the_header_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", [["会计档案移交目录"], [], HEADER, GOOD])
    rows, problems = load(path)
    assert problems == [] and rows[0].row == 4


def test_client_code_is_normalised_then_checked(tmp_path: Path) -> None:
    typed = " ９１３５０１００ｍ０００１００ｙ４３ "
    rows, problems = one(tmp_path, {"客户统一社会信用代码": typed})
    assert problems == [] and rows[0].client_code == "91350100M000100Y43"


@pytest.mark.parametrize(("header", "value", "key"), [
    ("客户统一社会信用代码", "91350100M000100Y44", "catalogue.credit_code.bad_check"),
    ("客户统一社会信用代码", "91350100M000100Y4", "catalogue.credit_code.length"),
    ("客户统一社会信用代码", "9135010OM000100Y43", "catalogue.credit_code.retired_char"),
    ("类别", "工资表", "import.unknown_category"),
    ("密级", "绝密", "import.unknown_level"),
    ("载体", "胶片", "import.unknown_medium"),
    ("会计年度", "2031", "import.year_out_of_range"),
    ("会计年度", "19", "import.year_out_of_range"),
    ("会计年度", "去年", "import.not_a_year"),
    ("页数", "二百", "import.not_a_number"),
    ("页数", "12.5", "import.not_whole"),
    ("册数", "-1", "import.too_small"),
    ("归档日期", "2019-02-30", "import.impossible_date"),
    ("归档日期", "2026-01-01", "import.date_out_of_range"),
    ("归档日期", "2018-12-31", "import.archived_before_year"),
    ("含个人信息", "也许", "import.bad_bool"),
    ("档案编号", "PZ 2019 001", "import.archive_no_spaces"),
    ("题名", "x" * 501, "import.too_long"),
    ("题名", "凭证\x07", "import.control_char"),
    ("题名", "", "import.missing_value"),
    ("客户名称", "  ", "import.missing_value"),
    ("报废年度", "2020", "import.scrapped_not_applicable"),
    ("延长保管年限", "40", "import.extension_needs_reason"),
    ("延长理由", "涉诉", "import.reason_without_extension"),
])
def test_each_mistake_is_reported_at_its_row_and_column(
        tmp_path: Path, header: str, value: str, key: str) -> None:
    rows, problems = one(tmp_path, {header: value})
    assert rows == []
    assert (2, header, key) in keys(problems), [p.text() for p in problems]
    assert all(p.text("zh_CN") and p.text("en") for p in problems)


def test_all_problems_of_a_row_are_reported_together(tmp_path: Path) -> None:
    _, problems = one(tmp_path, {"题名": "", "类别": "工资表", "密级": "绝密", "页数": "x"})
    assert {p.key for p in problems} == {"import.missing_value", "import.unknown_category",
                                         "import.unknown_level", "import.not_a_number"}


def test_year_range_rules(tmp_path: Path) -> None:
    _, problems = one(tmp_path, {"会计年度": "", "起始年度": "2019", "终止年度": "2017"})
    assert keys(problems) == [(2, "终止年度", "import.end_before_start")]
    _, problems = one(tmp_path, {"会计年度": "2015", "起始年度": "2017", "终止年度": "2019"})
    assert keys(problems) == [(2, "会计年度", "import.fiscal_outside_range")]
    rows, problems = one(tmp_path, {"会计年度": "", "起始年度": "2017", "终止年度": "2019"})
    assert problems == [] and rows[0].fiscal_year == 2019
    _, problems = one(tmp_path, {"会计年度": ""})
    assert keys(problems) == [(2, "会计年度", "import.missing_year")]


def test_fixed_asset_card_scrapping_year(tmp_path: Path) -> None:
    rows, problems = one(tmp_path, {"类别": "固定资产卡片", "报废年度": "2022"})
    assert problems == [] and rows[0].scrapped_year == 2022
    _, problems = one(tmp_path, {"类别": "固定资产卡片", "报废年度": "2010"})
    assert [p.key for p in problems] == ["import.scrapped_before_year"]


def test_personal_information_rules(tmp_path: Path) -> None:
    rows, problems = one(tmp_path, {"类别": "身份证复印件"})
    assert problems == [] and rows[0].personal_info is True
    _, problems = one(tmp_path, {"类别": "身份证复印件", "含个人信息": "否"})
    assert [p.key for p in problems] == ["import.id_copy_has_personal_info"]
    _, problems = one(tmp_path, {"含个人信息": "是", "密级": "公开"})
    assert [p.key for p in problems] == ["import.personal_info_not_public"]


def test_unresolved_matter_rules(tmp_path: Path) -> None:
    rows, problems = one(tmp_path, {"未了事项": "是", "未了事项说明": "应收账款未结清"})
    assert problems == [] and rows[0].unresolved and rows[0].unresolved_reason == "应收账款未结清"
    rows, problems = one(tmp_path, {"未了事项说明": "涉诉未结"})
    assert problems == [] and rows[0].unresolved
    _, problems = one(tmp_path, {"未了事项": "是"})
    assert keys(problems) == [(2, "未了事项", "import.unresolved_needs_reason")]
    _, problems = one(tmp_path, {"未了事项": "否", "未了事项说明": "x"})
    assert [p.key for p in problems] == ["import.reason_without_unresolved"]


def test_custom_levels_and_default_level(tmp_path: Path) -> None:
    options = ImportOptions(today=TODAY, levels={"open": ("开放",), "restricted": ("受限",)},
                            default_level="restricted")
    path = write(tmp_path / "l.csv", [[*HEADER, "密级"], [*GOOD, "开放"], GOOD[:1] + [""] * 6])
    rows, _problems = load(path, options)
    assert rows[0].level == "open"
    path = write(tmp_path / "m.csv", [[*HEADER, "密级"], [*GOOD, ""]])
    assert load(path, options)[0][0].level == "restricted"
    with pytest.raises(InputError):
        list(read_catalogue(path, ImportOptions(default_level="nope")))


def test_duplicates_within_the_file(tmp_path: Path) -> None:
    second = ["pz-2019-001", *GOOD[1:]]
    renamed = ["PZ-2019-002", GOOD[1], GOOD[2], "福州闽江贸易有限公司", *GOOD[4:]]
    rows, problems = load(write(tmp_path / "d.csv", [HEADER, GOOD, second, renamed]))
    assert [r.row for r in rows] == [2]
    assert keys(problems) == [(3, "档案编号", "import.duplicate_archive_no"),
                              (4, "客户名称", "import.client_name_conflict")]
    assert problems[0].params["first_row"] == 2


@pytest.mark.parametrize(("header", "key"), [
    ([*HEADER, "经办人"], "import.unknown_header"),
    ([*HEADER, "档号"], "import.duplicate_header"),
    (HEADER[1:], "import.missing_column"),
])
def test_header_problems(tmp_path: Path, header: list[str], key: str) -> None:
    _, problems = load(write(tmp_path / "h.csv", [header, GOOD]))
    assert key in [p.key for p in problems if p.row == 1]


def test_no_year_column_at_all(tmp_path: Path) -> None:
    _, problems = load(write(tmp_path / "y.csv", [HEADER[:5], GOOD[:5]]))
    assert "import.missing_year_column" in [p.key for p in problems]


def test_data_in_a_column_without_header(tmp_path: Path) -> None:
    _, problems = load(write(tmp_path / "x.csv", [HEADER, [*GOOD, "stray"]]))
    assert keys(problems) == [(2, "", "import.data_without_header")]
    assert problems[0].params == {"column": 7}


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes(b"")
    assert [p.key for p in load(tmp_path / "e.csv")[1]] == ["import.empty_file"]
    (tmp_path / "b.csv").write_text("\n,,,\n\n", encoding="utf-8")
    assert [p.key for p in load(tmp_path / "b.csv")[1]] == ["import.empty_file"]
    assert [p.key for p in load(write(tmp_path / "h.csv", [HEADER]))[1]] == ["import.no_rows"]


def test_row_numbers_follow_the_spreadsheet_despite_blank_and_multiline_rows(
        tmp_path: Path) -> None:
    path = write(tmp_path / "n.csv", [[*HEADER, "备注"], [*GOOD, "第一行\n第二行"], [""] * 7,
                                      ["PZ-2", *GOOD[1:], ""], ["PZ-3", "", *GOOD[2:], ""]])
    rows, problems = load(path)
    assert [r.row for r in rows] == [2, 4]
    assert rows[0].notes == "第一行\n第二行"
    assert keys(problems) == [(5, "题名", "import.missing_value")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_encodings_give_the_same_rows(tmp_path: Path, encoding: str) -> None:
    rows, problems = load(write(tmp_path / "e.csv", [HEADER, GOOD], encoding))
    assert problems == [] and rows[0].client_name == "福州闽江商贸有限公司"


def test_tab_separated_text_as_excel_saves_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "tab.txt"
    path.write_text("\t".join(HEADER) + "\n" + "\t".join(GOOD) + "\n", encoding="utf-16")
    rows, problems = load(path)
    assert problems == [] and rows[0].archive_no == "PZ-2019-001"


def test_a_quote_protecting_a_formula_like_cell_is_removed(tmp_path: Path) -> None:
    rows, problems = one(tmp_path, {"题名": "'=凭证", "档案编号": "'-001"})
    assert problems == [] and rows[0].title == "=凭证" and rows[0].archive_no == "-001"


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError) as info:
        list(read_catalogue(tmp_path / "old.xls"))
    assert info.value.key == "import.unsupported_format" and ".xls" in str(info.value)
    with pytest.raises(InputError) as info:
        list(read_catalogue(tmp_path / "missing.csv"))
    assert info.value.key == "import.no_such_file"


def test_chunks_progress_and_summary(tmp_path: Path) -> None:
    body = [[f"PZ-{i}", *GOOD[1:]] for i in range(25)] + [["PZ-0", *GOOD[1:]]]
    path = write(tmp_path / "c.csv", [HEADER, *body])
    seen: list[tuple[int, int | None]] = []
    chunks = list(read_catalogue(path, ImportOptions(today=TODAY, chunk_size=10),
                                 progress=lambda done, total: seen.append((done, total))))
    assert [len(c.rows) for c in chunks] == [10, 10, 5]
    assert [len(c.problems) for c in chunks] == [0, 0, 1]
    assert [done for done, _ in seen] == [10, 20, 26]
    summary = validate_file(path, OPTIONS, max_problems=5)
    assert (summary.rows_ok, summary.problem_count, summary.rows_with_problems) == (25, 1, 1)
    assert not summary.ok and summary.problems[0].row == 27


def test_reading_is_lazy(tmp_path: Path) -> None:
    body = [[f"PZ-{i}", *GOOD[1:]] for i in range(50)] + [["PZ-0", *GOOD[1:], "x", "y"]]
    path = write(tmp_path / "lazy.csv", [HEADER, *body])
    first = next(read_catalogue(path, ImportOptions(today=TODAY, chunk_size=5)))
    assert len(first.rows) == 5 and first.problems == []


def test_problem_text_in_both_languages(tmp_path: Path) -> None:
    _, problems = one(tmp_path, {"客户统一社会信用代码": "91350100M000100Y44"})
    assert problems[0].text("zh_CN").startswith("第 2 行“客户统一社会信用代码”：")
    assert problems[0].text("en").startswith('Row 2, column "客户统一社会信用代码": ')
    assert '"3"' in problems[0].text("en")
