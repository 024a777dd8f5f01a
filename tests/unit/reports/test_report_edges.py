"""Awkward content still renders completely: huge cells, empty tables, markup characters."""

from __future__ import annotations

from pathlib import Path

from report_tools import need, run, squash

from confterm.reports.layout import render
from confterm.reports.manifest import sign_manifest
from confterm.reports.model import Column, Paragraph, Table
from confterm.reports.sample import build_sample_register, sample_private_keys


def _pdf(tmp_path: Path, blocks: list[Table | Paragraph]) -> Path:
    report = build_sample_register("zh_CN", 1)
    report.blocks = blocks
    signed = sign_manifest(report, sample_private_keys())
    path = tmp_path / "edge.pdf"
    path.write_bytes(render(report, signed.digest, signed.generator_signature))
    return path


def test_a_cell_longer_than_a_page_is_split_and_no_row_is_lost(tmp_path: Path) -> None:
    need("pdftotext")
    huge = "".join(f"第{i}段说明文字，" for i in range(1200))
    table = Table([Column("序号", 0.5), Column("说明", 6)],
                  [["1", "开头"], ["2", huge], ["3", "结尾行"]], ["合计", "3"])
    text = squash(run("pdftotext", str(_pdf(tmp_path, [table])), "-").replace("\n", ""))
    assert "开头" in text and "第0段说明文字" in text and "第1199段说明文字" in text
    assert "结尾行" in text and "合计" in text


def test_an_empty_table_still_shows_its_header_and_totals(tmp_path: Path) -> None:
    need("pdftotext")
    table = Table([Column("档案名称"), Column("册数", align="right")], [], ["合计", "0"])
    text = squash(run("pdftotext", "-layout", str(_pdf(tmp_path, [table])), "-"))
    assert "档案名称" in text and "合计0" in text


def test_markup_characters_are_printed_literally(tmp_path: Path) -> None:
    need("pdftotext")
    odd = "A&B <b>not bold</b> 1<2 \"quoted\""
    table = Table([Column("名称", 3)], [[odd], [odd * 6]])
    path = _pdf(tmp_path, [table, Paragraph(odd, heading=odd)])
    text = run("pdftotext", str(path), "-")
    assert text.count("<b>not bold</b>") >= 3
