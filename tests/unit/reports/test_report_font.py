"""The shipped font: TrueType outlines, small, licensed, and covering what reports print."""

from __future__ import annotations

import tomllib
from pathlib import Path

from confterm.reports.coverage import missing_glyphs
from confterm.reports.fonts import BOLD, REGULAR, font_dir, font_path

CATALOGUE = Path("confterm/i18n/messages/reports.toml")


def test_both_weights_are_truetype_outline_fonts_of_a_few_mb() -> None:
    from fontTools.ttLib import TTFont

    for name in (REGULAR, BOLD):
        path = font_path(name)
        assert path.stat().st_size < 3_000_000
        font = TTFont(str(path), lazy=True)
        assert "glyf" in font and "CFF " not in font, f"{path} must have TrueType outlines"


def test_licence_ships_with_the_font() -> None:
    text = (font_dir() / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE" in text and "Version 1.1" in text


def test_rare_name_characters_are_covered() -> None:
    assert missing_glyphs("喆堃玥珺 王建国 Zhang Wei 91440300708461136T，。（）") == []


def test_missing_glyphs_names_each_absent_character_once_in_order() -> None:
    # U+20BB7 (Ext-B) and U+1F600 are not in the subset; spaces are never "missing".
    assert missing_glyphs("吉𠮷 😀 𠮷") == ["𠮷", "😀"]


def test_every_chinese_report_label_is_covered() -> None:
    with CATALOGUE.open("rb") as handle:
        data = tomllib.load(handle)

    def texts(node: object) -> list[str]:
        if isinstance(node, dict):
            return [s for v in node.values() for s in texts(v)] if "zh_CN" not in node \
                else [str(node["zh_CN"])]
        return []

    assert missing_glyphs("".join(texts(data))) == []


def test_a_report_with_an_uncovered_name_is_flagged_before_printing() -> None:
    from confterm.reports.coverage import report_missing_glyphs
    from confterm.reports.sample import build_sample_register

    report = build_sample_register("zh_CN", 3)
    assert report_missing_glyphs(report) == []
    report.signatures[0].person.name = "张𠮷"
    assert report_missing_glyphs(report) == ["𠮷"]
