"""Samples, statistics, peak memory and the printed table of the benchmark."""

from __future__ import annotations

import json
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.cells import cell_len


@dataclass
class Figure:
    """One measured quantity and, when it has one, its baseline from the same run."""

    name: str
    unit: str  # "ms", "s", "rows/s", "MB"
    samples: list[float]
    baseline_name: str | None = None
    baseline_samples: list[float] = field(default_factory=list)
    target: str | None = None
    higher_is_better: bool = False
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline_samples) if self.baseline_samples else None

    @property
    def ratio(self) -> float | None:
        base = self.baseline_median
        if not base:
            return None
        return self.median / base

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data.update(median=self.median, p95=self.p95, baseline_median=self.baseline_median,
                    ratio=self.ratio)
        return data


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(fn: Callable[[], object], repeat: int, scale: float = 1000.0) -> list[float]:
    """Run ``fn`` ``repeat`` times; samples in ms (scale 1000) or s (scale 1)."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * scale)
    return out


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far. VmHWM, not ru_maxrss: Linux carries
    ru_maxrss across exec, so a fresh child of a large benchmark parent would report the
    parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def render_table(figures: list[Figure]) -> str:
    header = ["figure", "unit", "median", "p95", "baseline", "baseline median", "ratio",
              "target"]
    rows = [header]
    for f in figures:
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "—"
        rows.append([f.name, f.unit, _fmt(f.median), _fmt(f.p95), f.baseline_name or "—",
                     _fmt(f.baseline_median), ratio, f.target or ""])
    widths = [max(cell_len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [c + " " * (widths[i] - cell_len(c)) for i, c in enumerate(row)]
        lines.append("| " + " | ".join(cells) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write_json(figures: list[Figure], path: Path, meta: dict[str, object]) -> None:
    path.write_text(json.dumps({"meta": meta, "figures": [f.to_json() for f in figures]},
                               ensure_ascii=False, indent=1), encoding="utf-8")
