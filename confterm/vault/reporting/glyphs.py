"""Characters the report font cannot draw, and where they first occur.

A missing glyph prints as an empty box; on a register a client's or a person's name must
never silently lose a character. So before printing, each such character is listed with
the first place it occurs (a table row and column, a heading, a signature block), which is
what the custodian needs to decide: print anyway, or correct the catalogue first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from confterm.i18n import t
from confterm.reports.coverage import missing_glyphs
from confterm.reports.model import Paragraph, Report, Table


@dataclass(frozen=True)
class Missing:
    char: str
    where: str  # first place it occurs, in the report's language

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}"


def _places(report: Report) -> Iterator[tuple[str, str]]:
    lang = report.lang
    yield report.title + report.subtitle + report.vault_name, t("reporting.glyph.header", lang)
    yield report.generated_by.name, t("reporting.glyph.generator", lang)
    for key, value in report.metadata:
        yield key + value, t("reporting.glyph.field", lang, field=key)
    for number, block in enumerate(report.blocks, start=1):
        if isinstance(block, Paragraph):
            yield block.heading + block.text, t("reporting.glyph.paragraph", lang,
                                                heading=block.heading or number)
            continue
        assert isinstance(block, Table)
        name = block.caption or str(number)
        yield block.caption + "".join(c.label for c in block.columns), \
            t("reporting.glyph.table_head", lang, table=name)
        for row_no, row in enumerate(block.rows, start=1):
            for col, cell in zip(block.columns, row, strict=True):
                yield cell, t("reporting.glyph.cell", lang, table=name, row=row_no,
                              column=col.label)
        if block.totals:
            yield "".join(block.totals), t("reporting.glyph.totals", lang, table=name)
    for sig in report.signatures:
        yield sig.person.name + sig.person.role + sig.opinion, \
            t("reporting.glyph.signature", lang, role=sig.person.role)


def where_missing(report: Report) -> list[Missing]:
    """Every character the font lacks, once, with where it first appears."""
    every = missing_glyphs("\n".join(text for text, _ in _places(report)))
    if not every:
        return []
    left = set(every)
    found: dict[str, str] = {}
    for text, place in _places(report):
        for ch in missing_glyphs(text):
            if ch in left:
                found[ch] = place
                left.discard(ch)
        if not left:
            break
    return [Missing(ch, found.get(ch, "")) for ch in every]
