"""What a person sees on the PDF: embedded fonts, extractable Chinese, QR, page footers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_tools import need, produce, run, squash

from confterm.reports import codes
from confterm.reports.engine import ProducedReport, SigningMaterial
from confterm.reports.layout import render
from confterm.reports.manifest import sign_manifest
from confterm.reports.sample import CLIENT, build_sample_register, sample_private_keys


def _write(tmp_path: Path, produced: ProducedReport, name: str = "r.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(produced.pdf)
    return path


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_font_is_embedded(tmp_path: Path, produced: ProducedReport,
                                produced_en: ProducedReport, lang: str) -> None:
    need("pdffonts")
    report = produced if lang == "zh_CN" else produced_en
    out = run("pdffonts", str(_write(tmp_path, report))).splitlines()[2:]
    assert out, "the report uses fonts"
    for line in out:
        assert re.search(r"\byes\s+yes\s+yes\b", line), f"not embedded as a subset: {line}"
        assert "ConftermSansSC" in line


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_text_is_extractable_in_both_languages(tmp_path: Path, produced: ProducedReport,
                                               produced_en: ProducedReport, lang: str) -> None:
    need("pdftotext")
    report = produced if lang == "zh_CN" else produced_en
    text = squash(run("pdftotext", "-layout", str(_write(tmp_path, report)), "-"))
    assert CLIENT in text and "张喆" in text and "赵敏" in text
    expected = ["会计档案销毁清册", "档案管理机构负责人", "第1页/共", "签名（盖章）", "合计"] \
        if lang == "zh_CN" else ["DestructionRegister", "Headofarchives", "Page1of",
                                 "Signature/seal", "Total"]
    for phrase in expected:
        assert phrase in text, phrase
    assert report.short_code in text and "CP-1042-7F3K-Q2M9-ABCD-EF01-X" in text
    digest = report.manifest.digest.hex().upper()
    assert digest in text, "the manifest digest is printed"


def test_header_repeats_and_footer_numbers_every_page(tmp_path: Path,
                                                      material: SigningMaterial) -> None:
    need("pdftotext", "pdfinfo")
    path = _write(tmp_path, produce(material, rows=400))
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))  # type: ignore[union-attr]
    assert pages >= 8
    for page in range(1, pages + 1):
        text = squash(run("pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path),
                          "-"))
        assert f"第{page}页/共{pages}页" in text
        assert "DR-2025-0007" in text
        if page < pages - 1:
            assert "档案名称" in text and "销毁时间" in text, f"header missing on page {page}"


def test_long_cells_wrap_instead_of_overflowing(tmp_path: Path,
                                                produced: ProducedReport) -> None:
    need("pdftotext")
    lines = run("pdftotext", "-layout", str(_write(tmp_path, produced)), "-").splitlines()
    # The long item name is split over lines inside its cell, never cut off.
    first = [i for i, ln in enumerate(lines) if "银行对账单及银行存款余额调节表" in ln]
    assert first and all("调节表）" not in lines[i] for i in first)
    assert all(any("对账单与调节表）" in ln for ln in lines[i + 1:i + 3]) for i in first)


def test_first_page_is_not_blank_and_its_qr_code_carries_the_digest(
        tmp_path: Path, produced: ProducedReport) -> None:
    need("pdftoppm", "zbarimg")
    from PIL import Image

    pdf = _write(tmp_path, produced)
    run("pdftoppm", "-f", "1", "-l", "1", "-r", "150", "-png", str(pdf), str(tmp_path / "p"))
    png = next(tmp_path.glob("p*.png"))
    gray = Image.open(png).convert("L")
    dark = sum(1 for v in gray.tobytes() if v < 128) / (gray.width * gray.height)
    assert 0.005 < dark < 0.5, f"page looks blank or black ({dark:.3%} dark)"
    decoded = run("zbarimg", "--raw", "-q", str(png)).strip()
    assert decoded == produced.qr_payload
    payload = codes.QrPayload.decode(decoded)
    assert payload.digest == produced.manifest.digest
    assert payload.report_id == "DR-2025-0007"


def test_ten_thousand_rows_render_with_totals_on_the_last_table_page(tmp_path: Path) -> None:
    need("pdftotext")
    report = build_sample_register("zh_CN", 10_000)
    signed = sign_manifest(report, sample_private_keys())
    path = tmp_path / "big.pdf"
    path.write_bytes(render(report, signed.digest, signed.generator_signature))
    text = run("pdftotext", "-layout", str(path), "-")
    assert "KJ-2009-10000" in text and "KJ-1990-00001" in text
    total = sum(int(r[3]) for r in report.blocks[0].rows)
    assert re.search(rf"合计\s+{total}\b", text), "totals row with the sum of books"
