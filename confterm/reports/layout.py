"""Lay a :class:`~confterm.reports.model.Report` out as an A4 PDF with reportlab platypus.

Design choices, each for the custodian's paper:
- every glyph from the shipped font, embedded as subsets (no machine-dependent fonts);
- table headers repeat on every page and long cells wrap (CJK breaks between characters);
- short cells stay plain strings: wrapping every cell in a Paragraph is what makes large
  registers slow, and most cells are short;
- every page footer says page x of y, the vault, who generated it, the report id, the
  short code and the audit checkpoint, so a loose page can be traced to its report;
- the QR code and the digest on the first and last page tie the paper to the signed
  manifest.
"""

from __future__ import annotations

import io

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus.flowables import Flowable

from confterm.i18n import t
from confterm.reports import codes
from confterm.reports.manifest import fingerprint
from confterm.reports.model import Paragraph, Report, Table
from confterm.reports.pagecanvas import QrFlowable, numbered_canvas
from confterm.reports.pagedtable import PagedTable
from confterm.reports.signblocks import signature_section
from confterm.reports.styles import (
    CELL_PAD,
    CELL_SIZE,
    CELL_VPAD,
    GRID,
    SHADE,
    Styles,
    paragraph,
    table_style,
)


def _cell(text: str, width: float, style: ParagraphStyle) -> str | RLParagraph:
    """A plain string when it fits on one line (fast), else a wrapping Paragraph."""
    if "\n" not in text and stringWidth(text, style.fontName, CELL_SIZE) <= width - 2 * CELL_PAD:
        return text
    return paragraph(text, style)


def _fit_prefix(text: str, width: float, style: ParagraphStyle, limit: float) -> int:
    """Length of the longest prefix of ``text`` whose wrapped height is within ``limit``."""
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if paragraph(text[:mid], style).wrap(width - 2 * CELL_PAD, 1e6)[1] <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _height(cells: list[object], widths: list[float]) -> float:
    """The row's height as reportlab's Table computes it (measured once, reused)."""
    tallest = CELL_SIZE + 2
    for cell, width in zip(cells, widths, strict=True):
        if isinstance(cell, RLParagraph):
            tallest = max(tallest, cell.wrap(width - 2 * CELL_PAD, 1e6)[1])
        elif isinstance(cell, str) and "\n" in cell:
            tallest = max(tallest, (CELL_SIZE + 2) * (cell.count("\n") + 1))
    return tallest + CELL_VPAD


def _body_rows(block: Table, widths: list[float], st: Styles,
               limit: float) -> tuple[list[list[object]], list[float]]:
    """Cells and heights of every row; a cell taller than ``limit`` (part of a page)
    continues in extra rows below it, so no row needs splitting inside and nothing is cut."""
    out: list[list[object]] = []
    heights: list[float] = []
    for row in block.rows:
        cells = [_cell(v, w, st.cell[c.align]) for v, w, c in
                 zip(row, widths, block.columns, strict=True)]
        height = _height(cells, widths)
        if height <= limit + CELL_VPAD:
            out.append(cells)
            heights.append(height)
            continue
        tall = [i for i, cell in enumerate(cells) if isinstance(cell, RLParagraph)
                and cell.wrap(widths[i] - 2 * CELL_PAD, 1e6)[1] > limit]
        rests = {i: row[i] for i in tall}
        first = True
        while any(rests.values()):
            line: list[object] = list(cells) if first else [""] * len(cells)
            for i, text in rests.items():
                style = st.cell[block.columns[i].align]
                cut = _fit_prefix(text, widths[i], style, limit) if text else 0
                line[i] = paragraph(text[:cut], style) if cut else ""
                rests[i] = text[cut:]
            out.append(line)
            heights.append(_height(line, widths))
            first = False
    return out, heights


def _table(block: Table, width: float, page_height: float, st: Styles) -> list[Flowable]:
    total = sum(c.width for c in block.columns) or 1.0
    widths = [width * c.width / total for c in block.columns]
    aligns = [c.align for c in block.columns]
    header = [st.para(c.label, st.cell_bold["center"]) for c in block.columns]
    rows, heights = _body_rows(block, widths, st, page_height * 0.4)
    style: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), st.regular, CELL_SIZE, CELL_SIZE + 2),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_VPAD / 2 - 0.25),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_VPAD / 2 + 0.25),
    ]
    style += [("ALIGN", (i, 1), (i, -1), a.upper()) for i, a in enumerate(aligns)]
    totals = None
    if block.totals is not None:
        totals = [_cell(v, w, st.cell_bold[a])
                  for v, w, a in zip(block.totals, widths, aligns, strict=True)]
    totals_style: list[tuple[object, ...]] = [
        ("FONT", (0, -1), (-1, -1), st.bold, CELL_SIZE, CELL_SIZE + 2),
        ("BACKGROUND", (0, -1), (-1, -1), SHADE)]
    out: list[Flowable] = []
    if block.caption:
        out.append(st.para(block.caption, st.heading))
    out.append(PagedTable(header, rows, widths, style, totals, totals_style, heights,
                          leading=CELL_SIZE + 2, hpad=2 * CELL_PAD, vpad=CELL_VPAD,
                          max_height=page_height))
    return out


def _header(report: Report, qr_payload: str, width: float, st: Styles) -> Flowable:
    """Title, subtitle and metadata on the left, the QR code on the right."""
    qr = QrFlowable(qr_payload)
    left: list[Flowable] = [st.para(report.title, st.title)]
    if report.subtitle:
        left.append(st.para(report.subtitle, st.subtitle))
    if report.metadata:
        meta = [[st.para(k, st.label), st.para(v, st.small)] for k, v in report.metadata]
        pairs = [meta[i] + (meta[i + 1] if i + 1 < len(meta) else ["", ""])
                 for i in range(0, len(meta), 2)]
        text_width = width - qr.size - 4 * mm
        mt = RLTable(pairs, colWidths=[text_width * f for f in (0.17, 0.33, 0.17, 0.33)])
        mt.setStyle(table_style(st, [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 1),
                                    ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
        left.append(mt)
    hint = ParagraphStyle("qr-hint", st.small, alignment=TA_CENTER)
    qr_cell = [qr, st.para(t("reports.label.qr_hint", report.lang), hint)]
    header = RLTable([[left, qr_cell]], colWidths=[width - qr.size - 2 * mm, qr.size + 2 * mm])
    header.setStyle(table_style(st, [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return header


def _verification(report: Report, digest: bytes, short: str, st: Styles) -> Flowable:
    lang = report.lang
    hexd = digest.hex().upper()
    rows = [
        (t("reports.label.report_id", lang), report.report_id),
        (t("reports.label.short_code", lang), short),
        (t("reports.label.digest", lang), " ".join(hexd[i:i + 8] for i in range(0, 64, 8))),
        (t("reports.label.checkpoint", lang), report.checkpoint),
        (t("reports.label.generated_at", lang), report.generated_at),
        (t("reports.label.generated_by", lang), t(
            "reports.label.person_key", lang, name=report.generated_by.name,
            role=report.generated_by.role,
            fingerprint=fingerprint(report.generated_by.public_key or b""))),
    ]
    body = [[st.para(k, st.label), st.para(v, st.small)] for k, v in rows]
    table = RLTable(body, colWidths=[32 * mm, None], hAlign="LEFT")
    table.setStyle(table_style(st, [("LEFTPADDING", (0, 0), (-1, -1), 1),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    return KeepTogether([st.para(t("reports.label.verification", lang), st.heading), table,
                         st.para(t("reports.label.verify_hint", lang), st.small)])


def _footer(report: Report, short: str, page_size: tuple[float, float], st: Styles,
            ) -> object:
    lang = report.lang
    line1 = "  ·  ".join([
        report.vault_name,
        t("reports.label.generated_by_name", lang, name=report.generated_by.name),
        t("reports.label.report_id_value", lang, report_id=report.report_id)])
    line2 = "  ·  ".join([t("reports.label.short_code_value", lang, code=short),
                          t("reports.label.checkpoint_value", lang, code=report.checkpoint)])

    def paint(canv: Canvas, page: int, pages: int) -> None:
        width = page_size[0]
        canv.saveState()
        canv.setStrokeColor(GRID)
        canv.setLineWidth(0.4)
        canv.line(15 * mm, 16 * mm, width - 15 * mm, 16 * mm)
        canv.setFont(st.regular, 7)
        canv.drawString(15 * mm, 12.5 * mm, line1)
        canv.drawString(15 * mm, 9 * mm, line2)
        canv.setFont(st.bold, 8)
        canv.drawRightString(width - 15 * mm, 11 * mm,
                             t("reports.label.page_of", lang, page=page, pages=pages))
        canv.restoreState()

    return paint


def render(report: Report, digest: bytes, generator_signature: bytes) -> bytes:
    """The unsigned PDF of ``report`` whose manifest has ``digest``.

    The PDF's /Subject records the report id and digest so a verifier can tie the
    embedded manifest to this rendering.
    """
    st = Styles()
    page_size = landscape(A4) if report.landscape else A4
    short = codes.short_code(digest)
    payload = codes.QrPayload(report.report_id, digest, generator_signature).encode()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=page_size, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=14 * mm, bottomMargin=20 * mm, title=report.title,
                            author=report.generated_by.name, creator="confterm",
                            subject=f"{report.report_id} sha256:{digest.hex()}",
                            initialFontName=st.regular, initialFontSize=9.5, invariant=True)
    width = doc.width - 12  # the frame's default 6 pt padding on each side
    story: list[Flowable] = [_header(report, payload, width, st), Spacer(1, 3 * mm)]
    for block in report.blocks:
        if isinstance(block, Table):
            story += _table(block, width, doc.height - 12, st)
        elif isinstance(block, Paragraph):
            if block.heading:
                story.append(st.para(block.heading, st.heading))
            story.append(st.para(block.text, st.body))
        story.append(Spacer(1, 3 * mm))
    story += signature_section(report, width, st)
    story.append(_verification(report, digest, short, st))
    painter = _footer(report, short, page_size, st)
    doc.build(story, canvasmaker=numbered_canvas(painter))  # type: ignore[arg-type]
    return buf.getvalue()
