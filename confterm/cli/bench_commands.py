"""``confterm bench``: build a temporary vault, measure, print one table."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
from pathlib import Path

from confterm.bench.harness import render_table, write_json
from confterm.bench.runner import run
from confterm.errors import EXIT_OK, EXIT_VERIFY_FAILED
from confterm.i18n import t


def cmd_bench(args: argparse.Namespace) -> int:
    failures: list[str] = []
    figures = run(args.rows, repeat=args.repeat, quick=args.quick,
                  modules=args.only.split(",") if args.only else None, failures=failures)
    print(render_table(figures))
    for failure in failures:
        print(t("bench.module_failed", failure=failure))
    if args.json:
        meta = {"rows": args.rows, "date": datetime.date.today().isoformat(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "python": platform.python_version()}
        write_json(figures, Path(args.json), {**meta, "failures": failures})
    return EXIT_VERIFY_FAILED if failures else EXIT_OK


def _rows(text: str) -> int:
    try:
        return int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(t("bench.rows_not_a_number", text=text)) from None


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("bench", help=t("bench.help"))
    p.add_argument("--rows", type=_rows, default=100_000, help=t("bench.help_rows"))
    p.add_argument("--json", metavar="FILE", help=t("bench.help_json"))
    p.add_argument("--repeat", type=int, default=7, help=t("bench.help_repeat"))
    p.add_argument("--quick", action="store_true", help=t("bench.help_quick"))
    p.add_argument("--only", metavar="MODULES", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_bench)
