"""One call for the CLI and the TUI: prepare, render, record, with progress by step.

Run it on a worker thread (the TUI) or the main thread (the CLI); the database work goes
through ``session.call``, the layout runs on the calling thread, so neither the UI loop
nor the database thread is held by a 10,000-row layout. ``check_glyphs`` may stop before
anything is recorded when the person has not accepted missing characters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from confterm.reports.engine import ProducedReport
from confterm.vault.reporting import kinds, produce
from confterm.vault.reporting.glyphs import Missing
from confterm.vault.session import VaultSession

STEPS = ("collect", "layout", "record")
Progress = Callable[[int, int, str, dict[str, object]], None]


def _quiet(_done: int, _total: int, _step: str, _params: dict[str, object]) -> None:
    """No progress output."""


@dataclass
class Generated:
    prepared: produce.Prepared
    produced: ProducedReport
    issued: produce.Issued

    @property
    def missing(self) -> list[Missing]:
        return self.prepared.missing


def generate(session: VaultSession, options: kinds.ReportOptions,
             cosigners: Sequence[tuple[produce.CoSigner, str, str]] = (),
             progress: Progress = _quiet,
             check_glyphs: Callable[[list[Missing]], None] | None = None) -> Generated:
    """Build, sign, lay out and record one report; returns the PDF and its record."""
    total = len(STEPS)
    progress(0, total, "collect", {})
    prepared = session.call(produce.prepare, options, cosigners)
    try:
        if check_glyphs is not None:
            check_glyphs(prepared.missing)
    except BaseException:
        prepared.discard()
        raise
    progress(1, total, "layout", {"rows": prepared.rows})
    produced = produce.render(prepared)
    pages = produce.page_count(produced.pdf)
    progress(2, total, "record", {"pages": pages})
    issued = session.call(produce.record, prepared, produced, options.purpose, pages)
    progress(3, total, "done", {"pages": pages, "rows": prepared.rows})
    return Generated(prepared, produced, issued)
