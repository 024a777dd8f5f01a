"""Helpers for the report tests: external tools (skip, or fail under CI) and sample reports.

External tools (poppler, zbar, CUPS) are skipped when absent on a developer's machine,
but CI sets CONFTERM_REQUIRE_TOOLS=1 and then a missing tool fails the test instead.
(A uniquely named module, not conftest: several test folders have a conftest.py.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from confterm.reports.engine import ProducedReport, SigningMaterial, produce_report
from confterm.reports.sample import build_sample_register, sample_private_keys


def need(*tools: str) -> None:
    """Skip (or, with CONFTERM_REQUIRE_TOOLS=1, fail) unless every tool is on PATH."""
    missing = [t for t in tools if shutil.which(t) is None and not Path(t).is_file()]
    if not missing:
        return
    if os.environ.get("CONFTERM_REQUIRE_TOOLS") == "1":
        pytest.fail(f"required external tools missing: {', '.join(missing)}")
    pytest.skip(f"external tools missing: {', '.join(missing)}")


def run(*args: str, data: bytes | None = None) -> str:
    """A tool's standard output (stderr has noise such as zbarimg's D-Bus complaints)."""
    proc = subprocess.run(list(args), input=data, capture_output=True, check=False,
                          env=dict(os.environ, LC_ALL="C"))
    return proc.stdout.decode("utf-8", "replace")


def squash(text: str) -> str:
    """Text without spaces: pdftotext drops or adds spaces between CJK and digits."""
    return "".join(text.split(" "))


def produce(material: SigningMaterial, lang: str = "zh_CN", rows: int = 60,
            **changes: object) -> ProducedReport:
    report = build_sample_register(lang, rows)
    for name, value in changes.items():
        setattr(report, name, value)
    return produce_report(report, material, sample_private_keys())
