"""Paragraph and table styles shared by the report layout modules, all in the shipped font."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import TableStyle

from confterm.reports.fonts import register_fonts

CELL_SIZE = 8.0
CELL_PAD = 2.5
CELL_VPAD = 3.5  # top + bottom padding of a table cell
GRID = colors.Color(0.35, 0.35, 0.35)
SHADE = colors.Color(0.9, 0.9, 0.9)
_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}


class Styles:
    """The few paragraph styles a report uses, all in the shipped font."""

    def __init__(self) -> None:
        self.regular, self.bold = register_fonts()
        base = ParagraphStyle("base", fontName=self.regular, fontSize=9.5, leading=13,
                              wordWrap="CJK")
        self.body = base
        self.title = ParagraphStyle("title", base, fontName=self.bold, fontSize=16,
                                    leading=21, alignment=TA_CENTER, spaceAfter=2 * mm)
        self.subtitle = ParagraphStyle("subtitle", base, fontSize=10.5, leading=14,
                                       alignment=TA_CENTER, spaceAfter=2 * mm)
        self.heading = ParagraphStyle("heading", base, fontName=self.bold, fontSize=11,
                                      leading=15, spaceBefore=3 * mm, spaceAfter=1.5 * mm,
                                      keepWithNext=1)
        self.small = ParagraphStyle("small", base, fontSize=7.5, leading=10)
        self.label = ParagraphStyle("label", self.small, fontName=self.bold)
        self.cell = {name: ParagraphStyle(f"cell-{name}", base, fontSize=CELL_SIZE,
                                          leading=CELL_SIZE + 2, alignment=align)
                     for name, align in _ALIGN.items()}
        self.cell_bold = {name: ParagraphStyle(f"cellb-{name}", style, fontName=self.bold)
                          for name, style in self.cell.items()}

    def para(self, text: str, style: ParagraphStyle) -> RLParagraph:
        return paragraph(text, style)


_LATIN_STYLES: dict[str, ParagraphStyle] = {}  # by style name: names are fixed per look


def has_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in text)


def paragraph(text: str, style: ParagraphStyle) -> RLParagraph:
    """A Paragraph that breaks Chinese between any two characters but keeps Latin-only
    text (English labels, codes) whole-word, so "Required retention" never splits."""
    if not has_cjk(text) and style.wordWrap == "CJK":
        latin = _LATIN_STYLES.get(style.name)
        if latin is None:
            latin = _LATIN_STYLES[style.name] = ParagraphStyle(f"{style.name}-latin", style,
                                                              wordWrap=None)
        style = latin
    return RLParagraph(escape(text).replace("\n", "<br/>"), style)


def table_style(st: Styles, commands: list[tuple[object, ...]]) -> TableStyle:
    """A TableStyle whose cells default to the report font (reportlab's default is a
    non-embedded Helvetica, which would break "every font embedded")."""
    return TableStyle([("FONT", (0, 0), (-1, -1), st.regular, 7.5), *commands])
