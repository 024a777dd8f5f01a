"""The benchmark function runs end to end (its figures are reported, never asserted)."""

from __future__ import annotations

from confterm.reports.bench import measure, plain_reportlab
from confterm.reports.sample import build_sample_register


def test_measure_reports_each_step() -> None:
    figures = measure(rows=30, repeat=1)
    assert set(figures) == {"signed_report_s", "plain_reportlab_s", "verify_s", "pdf_mb",
                            "signed_report_cpu_s", "plain_reportlab_cpu_s"}
    assert all(v > 0 for v in figures.values())


def test_baseline_is_a_pdf_of_the_same_table() -> None:
    table = build_sample_register("en", 20).blocks[0]
    assert plain_reportlab(table).startswith(b"%PDF-")  # type: ignore[arg-type]
