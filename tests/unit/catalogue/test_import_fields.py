"""Cell parsers: lenient where the intent is clear, strict where a guess could be wrong."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confterm.vault.importing.fields import (
    CellError,
    check_text,
    parse_bool,
    parse_date,
    parse_int,
    parse_labels,
    parse_year,
)

EARLY, LATE = date(1900, 1, 1), date(2025, 6, 30)


def error_key(fn, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(CellError) as info:
        fn(*args)
    return info.value.key


@pytest.mark.parametrize(("text", "value"), [
    ("12", 12), (" 12 ", 12), ("１２", 12), ("12.0", 12), ("1,234", 1234), ("+7", 7),
    ("0", 0), ("1,234,567", 1234567),
])
def test_whole_numbers(text: str, value: int) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize(("text", "key"), [
    ("3.5", "import.not_whole"), ("二百", "import.not_a_number"), ("12a", "import.not_a_number"),
    ("1,2", "import.not_a_number"), ("-3", "import.too_small"), ("", "import.not_a_number"),
    ("1e3", "import.not_a_number"), ("١٢", "import.not_a_number"),
])
def test_not_whole_numbers(text: str, key: str) -> None:
    assert error_key(parse_int, text) == key


def test_number_bounds_are_named() -> None:
    with pytest.raises(CellError) as info:
        parse_int("20000", 0, 10000)
    assert info.value.params == {"value": 20000, "maximum": 10000}


@given(st.integers(0, 10**9))
def test_any_printed_number_parses_back(n: int) -> None:
    assert parse_int(str(n)) == n
    assert parse_int(f"{n:,}") == n
    assert parse_int(f"{n}.0") == n


@pytest.mark.parametrize("text", ["2019", "2019年", "2019年度", "2019.0", "２０１９", " 2019 "])
def test_years(text: str) -> None:
    assert parse_year(text, 1900, 2025) == 2019


@pytest.mark.parametrize(("text", "key"), [
    ("19", "import.year_out_of_range"), ("2031", "import.year_out_of_range"),
    ("1899", "import.year_out_of_range"), ("二〇一九", "import.not_a_year"),
    ("2019-2020", "import.not_a_year"), ("2019.5", "import.not_a_year"),
])
def test_impossible_years(text: str, key: str) -> None:
    assert error_key(parse_year, text, 1900, 2025) == key


@pytest.mark.parametrize("text", ["2019-03-05", "2019/3/5", "2019.3.5", "2019年3月5日",
                                  "20190305", "2019-03-05 00:00:00", "2019-3-5T10:30",
                                  "２０１９－０３－０５"])
def test_dates(text: str) -> None:
    assert parse_date(text, EARLY, LATE) == date(2019, 3, 5)


@pytest.mark.parametrize(("text", "key"), [
    ("2019-02-30", "import.impossible_date"), ("2019-13-01", "import.impossible_date"),
    ("2023-02-29", "import.impossible_date"), ("05/03/2019", "import.not_a_date"),
    ("2019年3月", "import.not_a_date"), ("2030-01-01", "import.date_out_of_range"),
    ("1899-12-31", "import.date_out_of_range"), ("昨天", "import.not_a_date"),
])
def test_impossible_dates(text: str, key: str) -> None:
    assert error_key(parse_date, text, EARLY, LATE) == key


def test_leap_day_exists_in_a_leap_year() -> None:
    assert parse_date("2024-02-29", EARLY, date(2025, 1, 1)) == date(2024, 2, 29)


@given(st.dates(EARLY, LATE))
def test_every_date_in_every_format(day: date) -> None:
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}",
                 f"{day.year}年{day.month}月{day.day}日", day.strftime("%Y%m%d")):
        assert parse_date(text, EARLY, LATE) == day


@pytest.mark.parametrize(("text", "value"), [
    ("是", True), ("否", False), ("有", True), ("无", False), ("Y", True), ("n", False),
    ("Yes", True), ("NO", False), ("1", True), ("0", False), ("TRUE", True), ("false", False),
    ("√", True), ("×", False), ("ｙｅｓ", True),
])
def test_yes_no(text: str, value: bool) -> None:
    assert parse_bool(text) is value


@pytest.mark.parametrize("text", ["也许", "2", "是的吧", "-"])
def test_not_yes_or_no(text: str) -> None:
    assert error_key(parse_bool, text) == "import.bad_bool"


def test_labels_split_on_chinese_and_ascii_separators() -> None:
    assert parse_labels("注销清算、重要，税务稽查;审计；涉诉|补录\n重要, ") == (
        "注销清算", "重要", "税务稽查", "审计", "涉诉", "补录")
    assert parse_labels("") == ()
    assert error_key(parse_labels, "长" * 51) == "import.label_too_long"


def test_text_refuses_control_and_bidi_characters() -> None:
    assert check_text("  2019年度　记账凭证 ", 100) == "2019年度　记账凭证"
    assert check_text("一\n二", 100, newlines=True) == "一\n二"
    assert error_key(check_text, "一\n二", 100) == "import.control_char"
    assert error_key(check_text, "abc\x00", 100) == "import.control_char"
    assert error_key(check_text, "invoice\u202egpj.exe", 100) == "import.control_char"
    assert error_key(check_text, "x" * 101, 100) == "import.too_long"
    assert check_text("👨‍👩‍👧 家庭", 100) == "👨‍👩‍👧 家庭"


@given(st.text(max_size=50))
def test_check_text_either_accepts_or_names_the_character(text: str) -> None:
    try:
        out = check_text(text, 1000, newlines=True)
    except CellError as err:
        assert err.key == "import.control_char"
        position = int(err.params["position"])  # type: ignore[call-overload]
        assert text.strip()[position - 1] == chr(int(str(err.params["code"])[2:], 16))
    else:
        assert out == text.strip()
