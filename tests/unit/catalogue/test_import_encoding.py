"""Encoding detection: BOM decides, else strict UTF-8, else GB18030, else a clear error."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from confterm.errors import InputError
from confterm.vault.importing import ImportOptions, read_catalogue
from confterm.vault.importing.encoding import detect_encoding

TEXT = "档案编号,题名\nPZ-1,2019年度记账凭证 喆堃玥珺 €\n"


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"),
    ("utf-16", "utf-16"), ("utf-16-be", "utf-8"),
])
def test_detects_and_decodes(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "f.csv"
    data = TEXT.encode(encoding)
    if encoding == "utf-16-be":
        data = TEXT.encode("utf-8")  # no BOM variant: plain UTF-8
    path.write_bytes(data)
    found = detect_encoding(path)
    assert found == expected
    assert path.read_text(encoding=found) == TEXT


def test_gbk_as_excel_writes_it_is_read_as_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    text = "客户名称,类别\n福州闽江商贸有限公司,记账凭证\n"
    path.write_bytes(text.encode("gbk"))
    assert detect_encoding(path) == "gb18030"
    assert path.read_text(encoding="gb18030") == text


def test_utf8_character_split_by_the_read_piece_is_still_utf8(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    data = b"a" * ((1 << 20) - 1) + "凭".encode()  # the 3 bytes straddle 1 MiB
    path.write_bytes(data + b"\n")
    assert detect_encoding(path) == "utf-8"


def test_undecodable_file_names_the_file_and_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    data = "档案".encode("gb18030") + b"a" * (1 << 20) + b"\x81\x20tail"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        detect_encoding(path)
    assert info.value.key == "import.bad_encoding"
    bad = data.index(b"\x81\x20")
    assert info.value.params == {"file": str(path), "offset": bad, "byte": bad + 1, "line": 1}
    assert "broken.csv" in str(info.value)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        detect_encoding(tmp_path / "nope.csv")
    assert info.value.key == "import.cannot_read"


def test_empty_file_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert detect_encoding(path) == "utf-8"


@pytest.mark.parametrize(("encoding", "named", "left"), [("utf-8-sig", "UTF-8", 2),
                                                         ("utf-16", "UTF-16", 1)])
def test_a_file_with_a_bom_that_breaks_off_names_the_byte(tmp_path: Path, encoding: str,
                                                         named: str, left: int) -> None:
    """A file cut short in the middle of its last character (a copy that did not finish):
    ``left`` bytes of that character remain. Reading it is refused with the byte."""
    path = tmp_path / "cut.csv"
    data = "档案编号,题名\nPZ-1,凭证".encode(encoding)[:-1]
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        list(read_catalogue(path, ImportOptions()))
    assert info.value.key == "import.bad_text_after_bom"
    assert info.value.params == {"file": str(path), "offset": len(data) - left,
                                 "byte": len(data) - left + 1, "line": 2,
                                 "encoding": named}
    assert "cut.csv" in str(info.value)


@pytest.mark.parametrize("where", ["header", "early row"])
def test_a_bom_file_with_other_text_near_the_start_names_the_byte(tmp_path: Path,
                                                                  where: str) -> None:
    """GBK text behind a UTF-8 byte-order mark (two files pasted together): the byte is
    counted from the start of the file, the mark included."""
    path = tmp_path / "mixed.csv"
    good = "档案编号,题名\n" if where == "early row" else ""
    data = codecs.BOM_UTF8 + good.encode() + "客户名称,类别\n".encode("gbk")
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        list(read_catalogue(path, ImportOptions()))
    assert info.value.key == "import.bad_text_after_bom"
    assert info.value.params["offset"] == len(codecs.BOM_UTF8) + len(good.encode())
    assert info.value.params["line"] == (2 if good else 1)


def test_a_utf8_file_cut_short_is_named_where_it_breaks_off(tmp_path: Path) -> None:
    """Without a BOM: GB18030 gives up earlier on UTF-8 text, but the damage is at the
    end, where UTF-8 stops; the message names that byte, counted from 1, and its line."""
    path = tmp_path / "cut.csv"
    data = "档案编号,题名\nPZ-1,记账凭证\nPZ-2,凭证".encode()[:-1]
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        detect_encoding(path)
    assert info.value.params["offset"] == len(data) - 2
    assert info.value.params["byte"] == len(data) - 1 and info.value.params["line"] == 3
    assert f"byte {len(data) - 1}" in info.value.message("en")
