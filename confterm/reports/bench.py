"""Benchmark: a 10,000-row register, fully produced and signed, against plain reportlab.

The baseline is what a straightforward reportlab program does with the same table: one
LongTable with a repeated header, same fonts and cells, no manifest, QR or signatures.
Run ``python -m confterm.reports.bench [ROWS] [REPEAT]``; ``figures(ctx)`` plugs the same
measurements into ``confterm bench`` (list this module in its FIGURE_MODULES).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle

from confterm.reports import layout, pki
from confterm.reports.engine import SigningMaterial, produce_report
from confterm.reports.model import Table
from confterm.reports.sample import build_sample_register, sample_private_keys
from confterm.reports.styles import Styles
from confterm.reports.verify import verify_pdf


def _timed(fn: Callable[[], object], repeat: int, cpu: list[float] | None = None,
           ) -> list[float]:
    """Wall-clock seconds per run; CPU seconds go to ``cpu`` (steadier on a shared box)."""
    samples = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return samples


def plain_reportlab(table: Table) -> bytes:
    """The baseline: the same cells in one reportlab LongTable, unsigned."""
    st = Styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=15 * mm,
                            rightMargin=15 * mm, topMargin=14 * mm, bottomMargin=20 * mm,
                            initialFontName=st.regular)
    width = doc.width - 12
    total = sum(c.width for c in table.columns)
    widths = [width * c.width / total for c in table.columns]
    header = [st.para(c.label, st.cell_bold["center"]) for c in table.columns]
    rows = [[layout._cell(v, w, st.cell[c.align]) for v, w, c in
             zip(row, widths, table.columns, strict=True)] for row in table.rows]
    data: list[list[Any]] = [header, *rows]
    if table.totals is not None:
        data.append(list(table.totals))
    long_table = LongTable(data, colWidths=widths, repeatRows=1)
    long_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), st.regular, 8, 10),
                                    ("GRID", (0, 0), (-1, -1), 0.5, (0.35, 0.35, 0.35))]))
    doc.build([long_table])
    return buf.getvalue()


def measure(rows: int = 10_000, repeat: int = 3) -> dict[str, float]:
    """Median seconds of each step for a ``rows``-item sample register."""
    report = build_sample_register("zh_CN", rows)
    authority = pki.create_authority("基准测试库")
    material = SigningMaterial(authority.signing_cert, authority.signing_key, authority.ca_cert)
    produced: list[bytes] = []

    def full() -> None:
        produced.append(produce_report(report, material, sample_private_keys()).pdf)

    table = report.blocks[0]
    assert isinstance(table, Table)
    cpu_signed: list[float] = []
    cpu_plain: list[float] = []
    out = {
        "signed_report_s": statistics.median(_timed(full, repeat, cpu_signed)),
        "plain_reportlab_s": statistics.median(_timed(lambda: plain_reportlab(table), repeat,
                                                      cpu_plain)),
        "verify_s": statistics.median(_timed(lambda: verify_pdf(produced[-1],
                                                                authority.ca_cert), repeat)),
    }
    out["signed_report_cpu_s"] = statistics.median(cpu_signed)
    out["plain_reportlab_cpu_s"] = statistics.median(cpu_plain)
    out["pdf_mb"] = len(produced[-1]) / 1e6
    return out


def figures(ctx: Any) -> list[Any]:
    """Figures for ``confterm bench`` (ctx: confterm.bench.runner.BenchContext)."""
    from confterm.bench.harness import Figure

    rows = min(max(ctx.rows, 1000), 10_000)
    repeat = 1 if ctx.quick else 3
    report = build_sample_register("zh_CN", rows)
    table = report.blocks[0]
    assert isinstance(table, Table)
    authority = pki.create_authority("基准测试库")
    material = SigningMaterial(authority.signing_cert, authority.signing_key, authority.ca_cert)
    ctx.progress(f"rendering a {rows:,}-row signed register")
    signed = _timed(lambda: produce_report(report, material, sample_private_keys()), repeat)
    plain = _timed(lambda: plain_reportlab(table), repeat)
    return [Figure(f"signed register, {rows:,} rows", "s", signed,
                   "reportlab LongTable, unsigned", plain, target="< 10 s")]


def main(argv: list[str]) -> int:
    rows = int(argv[0]) if argv else 10_000
    repeat = int(argv[1]) if len(argv) > 1 else 3
    for name, value in measure(rows, repeat).items():
        print(f"{name:>20}: {value:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
