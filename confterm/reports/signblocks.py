"""Signature blocks: two boxes per row, each kept whole on one page.

Each box names the role, the person, their key fingerprint (so a reader can match the
electronic signature to the person in the vault's people list), their opinion and the
time they signed, and leaves a ruled space for a handwritten signature or seal, which
archives law still expects on the destruction register.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus.flowables import Flowable

from confterm.i18n import t
from confterm.reports.manifest import fingerprint
from confterm.reports.model import Report, SignatureBlock
from confterm.reports.styles import GRID, SHADE, Styles, table_style


def _box(block: SignatureBlock, width: float, lang: str, st: Styles) -> RLTable:
    person = block.person
    key = person.public_key
    if key is not None:
        fp = fingerprint(key)
    elif block.recorded_key is not None:
        fp = t("reports.label.recorded_key", lang, fingerprint=fingerprint(block.recorded_key))
    else:
        fp = t("reports.label.no_key", lang)
    label_w = 24 * mm
    rows = [
        [st.para(person.role, st.label), ""],
        [st.para(t("reports.label.name", lang), st.label), st.para(person.name, st.small)],
        [st.para(t("reports.label.fingerprint", lang), st.label), st.para(fp, st.small)],
        [st.para(t("reports.label.opinion", lang), st.label),
         st.para(block.opinion or "—", st.small)],
        [st.para(t("reports.label.signed_at", lang), st.label),
         st.para(block.signed_at or "—", st.small)],
        [st.para(t("reports.label.handwritten", lang), st.label), ""],
        [st.para(t("reports.label.date", lang), st.label), ""],
    ]
    box = RLTable(rows, colWidths=[label_w, width - label_w],
                  rowHeights=[None, None, None, None, None, 14 * mm, 7 * mm])
    box.setStyle(table_style(st, [
        ("BOX", (0, 0), (-1, -1), 0.6, GRID),
        ("SPAN", (0, 0), (1, 0)),
        ("BACKGROUND", (0, 0), (1, 0), SHADE),
        ("LINEBELOW", (1, 5), (1, 5), 0.4, GRID),
        ("LINEBELOW", (1, 6), (1, 6), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, 4), "TOP"),
        ("VALIGN", (0, 5), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
    return box


def signature_section(report: Report, width: float, st: Styles) -> list[Flowable]:
    if not report.signatures:
        return []
    gap = 4 * mm
    box_w = (width - gap) / 2
    out: list[Flowable] = []
    heading = st.para(t("reports.label.signatures", report.lang), st.heading)
    blocks = report.signatures
    for i in range(0, len(blocks), 2):
        pair = [_box(b, box_w, report.lang, st) for b in blocks[i:i + 2]]
        row = RLTable([[pair[0], "", pair[1] if len(pair) > 1 else ""]],
                      colWidths=[box_w, gap, box_w])
        row.setStyle(table_style(st, [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                     ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        items: list[Flowable] = [heading] if i == 0 else []
        out.append(KeepTogether([*items, row, Spacer(1, 3 * mm)]))
    return out
