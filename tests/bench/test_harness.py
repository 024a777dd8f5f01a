"""The benchmark harness works at a tiny size; its bad input is refused before any work."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from confterm.bench.harness import Figure, percentile, render_table
from confterm.bench.runner import FIGURE_MODULES, run
from confterm.errors import InputError


def test_every_figure_module_runs_at_a_tiny_size(tmp_path: Path) -> None:
    failures: list[str] = []
    figures = run(300, repeat=2, quick=True, parent=tmp_path, progress=lambda _m: None,
                  failures=failures)
    assert failures == []
    assert figures, "no figures measured"
    for figure in figures:
        assert figure.samples and all(math.isfinite(s) and s >= 0 for s in figure.samples)
        if figure.baseline_name:
            assert figure.baseline_samples and figure.ratio is not None
    table = render_table(figures)
    assert "unlock" in table and "audit verification" in table
    assert list(tmp_path.iterdir()) == [], "temporary vault left behind"


def test_module_list_is_importable() -> None:
    import importlib

    for name in FIGURE_MODULES:
        assert callable(importlib.import_module(name).figures)


@pytest.mark.parametrize("rows", [0, -5, 10**9])
def test_absurd_sizes_are_refused_before_any_work(rows: int, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        run(rows, parent=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cli_reports_bad_rows_in_one_sentence() -> None:
    env = {**os.environ, "CONFTERM_LANG": "en"}
    result = subprocess.run([sys.executable, "-m", "confterm", "bench", "--rows", "0"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2 and "at least 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failing_module_is_named_and_the_rest_still_measured(tmp_path: Path) -> None:
    failures: list[str] = []
    figures = run(50, modules=["confterm.bench.core_figures", "json"], quick=True,
                  parent=tmp_path, progress=lambda _m: None, failures=failures)
    assert any("unlock" in f.name for f in figures)
    assert len(failures) == 1 and failures[0].startswith("json:")


def test_statistics() -> None:
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile(list(range(101)), 95) == 95
    f = Figure("x", "ms", [10, 20, 30], "base", [5, 10, 15])
    assert f.ratio == 2.0
