"""Which characters of a text the shipped font cannot draw.

A missing glyph prints as an empty box, and on a destruction register a person's or a
client's name must never silently lose a character, so callers check before printing and
warn (or refuse) naming the characters.
"""

from __future__ import annotations

from functools import cache

from confterm.reports.fonts import REGULAR, register_fonts
from confterm.reports.model import Report


@cache
def _codepoints() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    return frozenset(pdfmetrics.getFont(REGULAR).face.charToGlyph)


def missing_glyphs(text: str) -> list[str]:
    """Distinct characters of ``text`` the report font lacks, in order of first appearance.

    Whitespace and control characters are ignored: they are never drawn as glyphs.
    """
    have = _codepoints()
    seen: dict[str, None] = {}
    for ch in text:
        if ch.isspace() or ord(ch) < 0x20 or ch in seen:
            continue
        if ord(ch) not in have:
            seen[ch] = None
    return list(seen)


def report_missing_glyphs(report: Report) -> list[str]:
    """Characters anywhere in ``report`` (every shown string) that the font lacks."""
    from confterm.reports.manifest import manifest_of

    def strings(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict):
            return [s for v in node.values() for s in strings(v)]
        if isinstance(node, list):
            return [s for v in node for s in strings(v)]
        return []

    return missing_glyphs("\n".join(strings(manifest_of(report))))
