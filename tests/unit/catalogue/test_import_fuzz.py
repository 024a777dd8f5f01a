"""Whatever a file holds, the importer answers with rows or problems, never a crash."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confterm.errors import InputError
from confterm.i18n import catalogue
from confterm.vault.credit_code import is_valid
from confterm.vault.importing import ImportOptions, read_catalogue
from confterm.vault.importing.columns import COLUMNS

TODAY = date(2025, 6, 30)
OPTIONS = ImportOptions(today=TODAY, chunk_size=7)
HEADERS = [c.zh for c in COLUMNS] + [c.key for c in COLUMNS] + ["经办人", ""]
PLAUSIBLE = ["", "2019", "2019年", "是", "否", "记账凭证", "voucher", "内部", "91350100M000100Y43",
             "91350100M000100Y44", "2020-02-30", "2020-03-05", "12", "-1", "x", "'=1", "纸质"]
cell = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=12))
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


REQUIRED = ["档案编号", "题名", "客户统一社会信用代码", "客户名称", "类别", "会计年度"]
headers = st.one_of(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=10),
                    st.lists(st.sampled_from(HEADERS), max_size=4).map(lambda h: REQUIRED + h))


@FUZZ
@given(headers, st.lists(st.lists(cell, max_size=12), max_size=12))
def test_any_table_gives_rows_or_problems(header: list[str], body: list[list[str]]) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *body])
        try:
            chunks = list(read_catalogue(path, OPTIONS))
        except InputError as err:  # only whole-file errors (e.g. a NUL-bearing cell)
            assert str(err)
            return
    rows = [r for c in chunks for r in c.rows]
    problems = [p for c in chunks for p in c.problems]
    assert len({r.row for r in rows}) == len(rows)
    assert not ({r.row for r in rows} & {p.row for p in problems})
    for row in rows:
        assert is_valid(row.client_code) and row.archive_no and row.title
        assert 1900 <= row.fiscal_year <= TODAY.year
        if row.start_year is not None and row.end_year is not None:
            assert row.start_year <= row.end_year
        assert not (row.unresolved and not row.unresolved_reason)
    for problem in problems:
        assert problem.key in catalogue()
        assert problem.text("zh_CN") and problem.text("en")


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_any_bytes_give_problems_or_a_clear_error(data: bytes, suffix: str) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / f"random{suffix}"
        path.write_bytes(data)
        try:
            for chunk in read_catalogue(path, OPTIONS):
                for problem in chunk.problems:
                    assert problem.text("en")
        except InputError as err:
            assert str(err) and not str(err).startswith("import.")


BASE = {"档案编号": "PZ-2019-001", "题名": "2019年度记账凭证 第1册",
        "客户统一社会信用代码": "91350100M000100Y43", "客户名称": "福州闽江商贸有限公司",
        "类别": "记账凭证", "会计年度": "2019", "页数": "120", "密级": "内部", "含个人信息": "否",
        "归档日期": "2020-03-05", "备注": "无"}
CROSS = {"类别": {"含个人信息"}, "会计年度": {"归档日期"}}
"""Columns a change may also implicate: an ID copy must hold personal information; a record
cannot be archived before its year."""


@FUZZ
@given(st.sampled_from(sorted(BASE)), cell)
def test_a_single_changed_cell_is_blamed_on_its_own_column(header: str, value: str) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([list(BASE), list((BASE | {header: value}).values())])
        try:
            chunks = list(read_catalogue(path, OPTIONS))
        except InputError:
            assert "\x00" in value
            return
    problems = [p for c in chunks for p in c.problems]
    rows = [r for c in chunks for r in c.rows]
    assert len(rows) + bool(problems) == 1
    assert {p.column for p in problems} <= {header} | CROSS.get(header, set())
