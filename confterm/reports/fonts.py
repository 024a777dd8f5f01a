"""The shipped report font, registered with reportlab once per process.

Reports must look the same on any machine and outlive it, so the Chinese text is set in a
font we ship (``assets/fonts``, made by :mod:`confterm.reports.fontbuild`) and reportlab
embeds the glyphs used as subsets; no font of the printing machine is ever relied on.
``CONFTERM_FONT_DIR`` points elsewhere (e.g. an installed copy of the assets).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from confterm.errors import DamageError

REGULAR = "ConftermSansSC"
BOLD = "ConftermSansSC-Bold"
_FILES = {REGULAR: "ConftermSansSC-Regular.ttf", BOLD: "ConftermSansSC-Bold.ttf"}


def font_dir() -> Path:
    """Where the shipped fonts live: $CONFTERM_FONT_DIR, else the repository's assets."""
    env = os.environ.get("CONFTERM_FONT_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "assets" / "fonts"


def font_path(name: str = REGULAR) -> Path:
    path = font_dir() / _FILES[name]
    if not path.is_file():
        raise DamageError("reports.font_missing", path=str(path))
    return path


@cache
def register_fonts() -> tuple[str, str]:
    """Register both weights with reportlab (idempotent); returns (regular, bold) names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)
    addMapping(REGULAR, 1, 0, BOLD)
    return REGULAR, BOLD
