"""Benchmark figures of the archive browser (the TUI over N records).

- first paint at N rows (the key ``j`` on the home screen until the first page is drawn)
  against Textual's DataTable holding ``BASELINE_ROWS`` of the same records (the DataTable
  needs 2 s at 10,000 rows and 20 s at 100,000, FINDINGS.md, so it is measured where it
  still finishes);
- page-down against the DataTable's page-down;
- a far jump (a scrollbar drag to the middle, which reads one key by offset);
- search as you type, one, two, three-plus Chinese characters and archive numbers: from
  the restart after the typing pause to its first page on screen, against a LIKE scan
  answering the same search (the catalogue's baseline);
- peak memory of a process that only browses, against one that holds the DataTable.

The rows are built by the catalogue's own benchmark builder (boxes, a CSV of realistic
records, the real import) unless an earlier figure module already did (``ctx.shared
["catalogue_rows"]``) or the vault already holds records. Each side runs in its own
process (:mod:`browser_measure`), so memory is the browsing's alone. "Drawn" means the
whole screen's frame composed (Textual's compositor), an upper bound of what a terminal
update costs. Nothing here asserts a time.

``python -m confterm.bench.browser_figures --keep DIR [--rows N]`` measures these figures
alone over a vault kept in DIR (built there on the first run, reused after): importing a
million records takes minutes, these figures two, and work on the browser needs many runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BASELINE_ROWS = 10_000
SEARCH_GROUPS = ("1 char", "2 chars", "3+ chars", "archive numbers")


def _vault_rows(ctx: Any) -> int:
    from confterm.vault.catalogue import browse

    session = ctx.open()
    try:
        return int(session.call(lambda c: browse.total(c.conn)))
    finally:
        session.close()


def ensure_rows(ctx: Any) -> int:
    """Make sure the benchmark vault holds ``ctx.rows`` records (the catalogue's builder)."""
    if ctx.shared.get("catalogue_rows") == ctx.rows:
        return int(ctx.rows)
    found = _vault_rows(ctx)
    if found == 0:
        from confterm.vault.catalogue import bench as cat_bench

        session = ctx.open()
        try:
            built = cat_bench.build(session, ctx.rows, ctx.workdir, ctx.progress)
            built.path.unlink(missing_ok=True)
        finally:
            session.close()
        found = ctx.rows
    ctx.shared["catalogue_rows"] = found
    return found


def measure(vault: Path, name: str, passphrase: str, mode: str, rows: int,
            repeat: int) -> dict[str, Any]:
    """Run :mod:`browser_measure` in a fresh process (passphrase on stdin)."""
    done = subprocess.run(
        [sys.executable, "-m", "confterm.bench.browser_measure", str(vault), name, mode,
         str(rows), str(repeat)], input=passphrase + "\n", capture_output=True, text=True,
        timeout=3600, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        raise RuntimeError(f"browser measurement ({mode}) failed: {' / '.join(tail)}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def figures(ctx: Any) -> list[Any]:
    """For the benchmark runner (BenchContext in, harness Figures out)."""
    from confterm.bench.harness import Figure
    from confterm.bench.runner import BENCH_PASSPHRASE, BENCH_PERSON

    rows = ensure_rows(ctx)
    repeat = 3 if ctx.quick else ctx.repeat
    ctx.progress(f"archive browser: {rows:,} records, headless")
    lazy = measure(ctx.vault, BENCH_PERSON, BENCH_PASSPHRASE, "lazy", rows, repeat)
    table_rows = min(rows, 1_000 if ctx.quick else BASELINE_ROWS)
    ctx.progress(f"archive browser: DataTable baseline, {table_rows:,} records")
    table = measure(ctx.vault, BENCH_PERSON, BENCH_PASSPHRASE, "datatable", table_rows,
                    repeat)
    base = f"DataTable, {table['rows']:,} rows"
    out = [
        Figure(f"archive browser first paint, {rows:,} rows", "ms", lazy["first_paint"],
               base, table["first_paint"], target="< 300 ms"),
        Figure("archive browser page-down", "ms", lazy["page_down"], base,
               table["page_down"], target="p95 < 50 ms",
               note="key to the next page drawn; a read-ahead page usually has the rows"),
        Figure("archive browser far jump (scrollbar drag)", "ms", lazy["jump"],
               note="one OFFSET over the sort index, then by key"),
    ]
    for group in SEARCH_GROUPS:
        out.append(Figure(f"search as you type in the browser, {group}", "ms",
                          lazy["search"][group], "LIKE scan", lazy["like"][group],
                          target="p95 < 50 ms",
                          note="restart after the 120 ms typing pause to first page drawn"))
    counted = [v for g in SEARCH_GROUPS for v in lazy["search_counted"][g]]
    out += [
        Figure("search: counting the matches (≤ 10,000)", "ms", counted,
               note="after the first page, once typing pauses 0.4 s; 0 when one page"),
        Figure("peak memory while browsing", "MB", [lazy["peak_rss_mb"]], base,
               [table["peak_rss_mb"]], target="< 200 MB",
               note="whole process: Python, Textual, the app, SQLCipher page cache"),
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    """The browser figures over a kept vault (see the module), printed as the bench's table."""
    from confterm.bench.harness import render_table, write_json
    from confterm.bench.runner import BenchContext, create_bench_vault
    from confterm.vault.kdf import FAST_PARAMS

    parser = argparse.ArgumentParser(prog="python -m confterm.bench.browser_figures")
    parser.add_argument("--keep", type=Path, required=True, help="folder the vault stays in")
    parser.add_argument("--rows", type=int, default=100_000, help="records, when building")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    vault = args.keep / "vault"
    if not vault.exists():
        args.keep.mkdir(parents=True, exist_ok=True)
        create_bench_vault(vault)
    ctx = BenchContext(args.rows, args.keep, vault, FAST_PARAMS, args.repeat,
                       progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    found = figures(ctx)
    print(render_table(found))
    if args.json:
        write_json(found, args.json, {"rows": ctx.shared.get("catalogue_rows")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
