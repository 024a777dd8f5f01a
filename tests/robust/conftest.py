"""Prints the robustness figures at the end of every run that collected any."""

from __future__ import annotations

from typing import Any

from tests.robust.robust_util import FIGURES


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("confterm robustness figures")
    for section in sorted(FIGURES):
        values = ", ".join(f"{k}={v}" for k, v in FIGURES[section].items())
        terminalreporter.write_line(f"{section}: {values}")
