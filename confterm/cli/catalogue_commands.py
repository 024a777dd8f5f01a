"""``confterm import`` and ``confterm export``: the catalogue in and out of the vault.

Import lists every problem (row, column, what) and changes nothing unless the whole file is
clean; progress goes to stderr (a rewritten line on a terminal, a line per tenth of the file
otherwise), results to stdout. Export needs a stated purpose, which the audit trail keeps.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from confterm.errors import EXIT_OK, InputError
from confterm.i18n import LANGUAGES, language, t
from confterm.vault.catalogue import export, importer
from confterm.vault.importing.columns import column_help

from .context import unlock

SHOWN_PROBLEMS = 200


def _total(done: int, total: int | None) -> str:
    """The file's row count; "≈" while it is still an estimate (a CSV's, from the part
    read so far; an XLSX's, blank rows included)."""
    if not total:
        return "?"
    return f"{total:,}" if done >= total else f"≈{total:,}"


class _Progress:
    """Progress on stderr without flooding a log: ~10 lines, or one rewritten line."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.next_tenth = 1
        self.start = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if self.tty:
            if now - self.last < 0.2 and done != total:
                return
            self.last = now
            text = t("records.cli.progress", done=f"{done:,}", total=_total(done, total))
            print("\r" + text + " ", end="", file=sys.stderr, flush=True)
            return
        if total and done * 10 >= self.next_tenth * total:
            self.next_tenth = done * 10 // total + 1
            print(t("records.cli.progress", done=f"{done:,}", total=_total(done, total)),
                  file=sys.stderr, flush=True)

    def end(self) -> None:
        if self.tty:
            print(file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    if not path.is_file():
        raise InputError("import.no_such_file", file=str(path))
    progress = _Progress()
    with unlock(args) as session:
        try:
            result = session.call(importer.import_file, path, args.dry_run, progress)
        finally:
            progress.end()
    if not result.ok:
        for problem in result.problems[:SHOWN_PROBLEMS]:
            print(problem.text(), file=sys.stderr)
        hidden = result.problem_count - min(len(result.problems), SHOWN_PROBLEMS)
        if hidden > 0:
            print(t("records.cli.more_problems", count=f"{hidden:,}"), file=sys.stderr)
        raise InputError("records.cli.import_refused", file=path.name,
                         problems=f"{result.problem_count:,}", rows=f"{result.rows:,}")
    rate = f"{result.rows / result.seconds:,.0f}" if result.seconds else "-"
    if args.dry_run:
        print(t("records.cli.dry_run_ok", file=path.name, rows=f"{result.rows:,}",
                clients=result.clients_created))
    else:
        print(t("records.cli.imported", file=path.name, records=f"{result.records_created:,}",
                clients=result.clients_created, seconds=f"{result.seconds:.1f}", rate=rate))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    encoding = "gb18030" if args.encoding == "gb18030" else "utf-8-sig"
    with unlock(args) as session:
        count = session.call(export.export, out, args.format, args.purpose, None,
                             args.headers or language(), encoding, args.include_destroyed)
    print(t("records.cli.exported", count=f"{count:,}", file=str(out)))
    return EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser("import", parents=[common], help=t("records.cli.help_import"),
                         epilog=column_help(), formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("file", metavar="FILE", help=t("records.cli.help_file"))
    imp.add_argument("--dry-run", action="store_true", help=t("records.cli.help_dry_run"))
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", parents=[common], help=t("records.cli.help_export"))
    exp.add_argument("out", metavar="OUT", help=t("records.cli.help_out"))
    exp.add_argument("--format", choices=export.FORMATS, required=True)
    exp.add_argument("--purpose", required=True, help=t("records.cli.help_purpose"))
    exp.add_argument("--encoding", choices=("utf-8", "gb18030"), default="utf-8",
                     help=t("records.cli.help_encoding"))
    exp.add_argument("--headers", choices=LANGUAGES, help=t("records.cli.help_headers"))
    exp.add_argument("--include-destroyed", action="store_true",
                     help=t("records.cli.help_include_destroyed"))
    exp.set_defaults(func=cmd_export)
