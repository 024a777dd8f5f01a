"""Catalogue figures for ``confterm bench``: import, first page, page-down, search, memory.

Each figure has a baseline measured in the same run: the import against stdlib sqlite3
inserting the same rows into a bare table; search against a LIKE scan answering the same
question. Nothing here asserts a time. :func:`measure` works on any open session and
returns the harness's Figures; :func:`figures` runs it for the bench harness (module listed in
``confterm.bench.runner.FIGURE_MODULES``).
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from confterm.bench.harness import Figure, peak_rss_mb
from confterm.vault.catalogue import bench_data, browse, importer, records
from confterm.vault.catalogue.filters import Filters
from confterm.vault.session import Ctx, VaultSession

SEARCH_TYPED = ("记账凭证", "银行对账单", "增值税", "身份证", "科技有限", "申报表")
ONE_CHAR = ("凭", "账", "税", "科", "表")
TWO_CHAR = ("凭证", "明细", "工资", "杭州", "申报")
THREE_PLUS = ("记账凭证", "银行对账单", "增值税纳税", "财务会计报告")


def _ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


class Built(NamedTuple):
    path: Path  # the CSV file imported
    seconds: float  # the import's own time
    boxes: list[str]  # the box barcodes its rows name


IMPORT_RUNS = 3
"""Imports timed for the import figure at :data:`IMPORT_RUNS_FROM` rows or more: the one
that builds the vault browsed next, then the same file into throwaway vaults. The machine
is shared and noisy and one import of a million rows takes most of a minute; the figure
is their median."""
IMPORT_RUNS_FROM = 100_000


def build(session: VaultSession, rows: int, workdir: Path,
          say: Callable[[str], None] = lambda _m: None) -> Built:
    """Boxes in the vault, ``rows`` records in a CSV; imports it."""
    path = workdir / "catalogue.csv"
    say(f"catalogue: writing {rows:,} synthetic rows to a CSV file")
    have = session.call(lambda ctx: browse.total(ctx.conn))
    boxes = bench_data.write_file(path, rows, tag=f"R{have}-" if have else "")
    say(f"catalogue: {len(boxes):,} boxes")
    session.call(bench_data.make_boxes, boxes)
    say("catalogue: importing")
    before = _cpu()
    result = session.call(importer.import_file, path)
    if not result.ok:
        raise RuntimeError(f"bench import failed: {[p.text() for p in result.problems[:3]]}")
    after = _cpu()
    LAST_IMPORT_CPU.update(vault_us_per_row=(after[0] - before[0]) / rows * 1e6,
                           reader_us_per_row=(after[1] - before[1]) / rows * 1e6,
                           load=os.getloadavg()[0])
    return Built(path, result.seconds, boxes)


def import_into_fresh_vault(built: Built, workdir: Path) -> float:
    """The seconds ``built``'s file takes to import into a new, empty vault (then removed)."""
    from confterm.bench.runner import BENCH_PASSPHRASE, BENCH_PERSON, create_bench_vault
    from confterm.vault import lifecycle
    from confterm.vault.secrets import passphrase_bytes

    folder = Path(tempfile.mkdtemp(prefix="import-run-", dir=workdir))
    try:
        create_bench_vault(folder / "vault")
        with lifecycle.open_vault(folder / "vault", BENCH_PERSON,
                                  passphrase_bytes(BENCH_PASSPHRASE)) as session:
            session.call(bench_data.make_boxes, built.boxes)
            result = session.call(importer.import_file, built.path)
        if not result.ok:
            raise RuntimeError("bench import failed in a fresh vault")
        return result.seconds
    finally:
        shutil.rmtree(folder, ignore_errors=True)


LAST_IMPORT_CPU: dict[str, float] = {}


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children (the reader process)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def plain_sqlite_baseline(path: Path, workdir: Path) -> float:
    """Seconds for stdlib sqlite3 to read the same CSV and insert its rows (bare table)."""
    db = workdir / "plain.db"
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        cols = ", ".join(f"c{i}" for i in range(len(header)))
        conn.execute(f"CREATE TABLE t({cols})")
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(header))})", reader)
        conn.execute("COMMIT")
    conn.close()
    seconds = time.perf_counter() - start
    db.unlink(missing_ok=True)
    return seconds


def _pages(conn: Any, today: date, f: Filters, sort: str, count: int) -> list[float]:
    out, key = [], None
    for _ in range(count):
        start = time.perf_counter()
        page = browse.page_after(conn, f, today, key, 50, sort)
        out.append((time.perf_counter() - start) * 1000)
        if not page.more_after:
            key = None
            continue
        key = page.last_key
    return out


def _like(conn: Any, text: str) -> None:
    like = f"%{text}%"
    conn.execute("SELECT r.id FROM records r JOIN clients c ON c.id = r.client_id"
                 " WHERE r.title LIKE ? OR r.archive_no LIKE ? OR c.name LIKE ?"
                 " OR c.credit_code LIKE ? ORDER BY r.archive_no LIMIT 51",
                 (like, like, like, like)).fetchall()


def _search(conn: Any, today: date, text: str) -> None:
    browse.page_after(conn, Filters(text=text), today, None, 50)


def browse_figures(ctx: Ctx, repeat: int, archive_samples: list[str]) -> list[Figure]:
    conn, today = ctx.conn, date.today()
    out = []
    first = [_ms(lambda: (browse.total(conn), browse.page_after(conn, Filters(), today)))
             for _ in range(repeat)]
    out.append(Figure("browser first page + count", "ms", first, target="< 300 ms"))
    for sort in ("archive_no", "title", "client", "fiscal_year", "retention_end"):
        out.append(Figure(f"page-down, sort {sort}", "ms",
                           _pages(conn, today, Filters(), sort, 20 * repeat),
                           target="p95 < 50 ms"))
    for label, f in (("level secret", Filters(level="secret")),
                     ("category ledger", Filters(category="ledger")),
                     ("status eligible", Filters(status="eligible")),
                     ("year 2010", Filters(year_from=2010, year_to=2010))):
        out.append(Figure(f"page-down, filter {label}", "ms",
                           _pages(conn, today, f, "archive_no", 5 * repeat),
                           target="p95 < 50 ms"))
    typed = [text[:i] for text in SEARCH_TYPED for i in range(1, len(text) + 1)]
    groups = (("search as you type", typed), ("search 1 char", ONE_CHAR),
              ("search 2 chars", TWO_CHAR), ("search 3+ chars", THREE_PLUS),
              ("search archive numbers", archive_samples))
    for name, queries in groups:
        samples = [_ms(lambda q=q: _search(conn, today, q))  # type: ignore[misc]
                   for _ in range(max(repeat // 3, 1)) for q in queries]
        base = [_ms(lambda q=q: _like(conn, q)) for q in queries]  # type: ignore[misc]
        out.append(Figure(name, "ms", samples, "LIKE scan", base, target="p95 < 50 ms"))
    out.append(Figure("eligible for disposal: count + all ids", "ms",
                       [_ms(lambda: _eligible(conn, today)) for _ in range(3)]))
    return out


def _eligible(conn: Any, today: date) -> None:
    records.eligible_count(conn, today)
    after = None
    while batch := records.eligible_ids(conn, today, after, 5000):
        after = (batch[-1][1], batch[-1][0])


def archive_number_queries(ctx: Ctx) -> list[str]:
    """Whole numbers, prefixes, inner pieces and tails, typed key by key (as a person
    types a number into the search box), taken from records of the vault itself."""
    out: list[str] = []
    for fraction in (3, 2, 1.5):
        row = ctx.conn.execute("SELECT archive_no FROM records WHERE id = (SELECT"
                               " CAST(max(id) / ? AS INTEGER) FROM records)",
                               (fraction,)).fetchone()
        number = str(row[0]) if row else "PZ-2019-00012-003"
        out += [number[:i] for i in range(3, len(number) + 1, 3)]
        out += [number[3:13], number[8:], number[-7:], number[-3:]]
    return out


def measure(session: VaultSession, rows: int, workdir: Path, repeat: int = 7,
            say: Callable[[str], None] = lambda _m: None) -> list[Figure]:
    built = build(session, rows, workdir, say)
    path = built.path
    cpu = dict(LAST_IMPORT_CPU)
    seconds = [built.seconds]
    runs = IMPORT_RUNS if rows >= IMPORT_RUNS_FROM and repeat > 1 else 1
    for n in range(2, runs + 1):
        say(f"catalogue: importing again into a fresh vault ({n}/{runs})")
        seconds.append(import_into_fresh_vault(built, workdir))
    say("catalogue: plain sqlite3 baseline")
    bases = [plain_sqlite_baseline(path, workdir) for _ in range(runs)]
    note = (f"{runs} import(s); CPU per row in the first: vault process"
            f" {cpu.get('vault_us_per_row', 0):.0f} µs, reader process"
            f" {cpu.get('reader_us_per_row', 0):.0f} µs; load average {cpu.get('load', 0):.1f}")
    out = [Figure("import with search index", "rows/s", [rows / s for s in seconds],
                   "stdlib sqlite3, bare table", [rows / b for b in bases],
                   target=">= 20,000 rows/s", higher_is_better=True, note=note)]
    say("catalogue: browsing and search")
    archive = session.call(archive_number_queries)
    out.extend(session.call(browse_figures, repeat, archive))
    out.append(Figure("process peak RSS after import and browsing", "MB",
                       [peak_rss_mb()],
                       note="includes the import (256 MiB page cache while importing)"))
    path.unlink(missing_ok=True)
    return out


def _browse_a_while(session: VaultSession) -> None:
    """What a person does in the archive browser: pages in every order, filters, search."""
    def work(ctx: Ctx) -> None:
        today = date.today()
        for sort in ("archive_no", "title", "client", "fiscal_year", "retention_end"):
            _pages(ctx.conn, today, Filters(), sort, 40)
        for text in SEARCH_TYPED:
            for i in range(1, len(text) + 1):
                _search(ctx.conn, today, text[:i])
        _pages(ctx.conn, today, Filters(status="eligible"), "title", 20)

    session.call(work)


def browse_peak_rss(vault: Path, person: str, passphrase: str) -> float:
    """Peak RSS (MB) of a fresh process that unlocks the vault and browses a while.

    The vault must not be open in this process (one confterm at a time holds it)."""
    proc = subprocess.run([sys.executable, "-m", __name__, str(vault), person],
                          input=passphrase, capture_output=True, text=True, timeout=600,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"browse probe failed: {proc.stderr.strip()[-300:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def _probe_main() -> None:
    from confterm.vault import lifecycle
    from confterm.vault.secrets import passphrase_bytes

    vault, person = Path(sys.argv[1]), sys.argv[2]
    secret = passphrase_bytes(sys.stdin.readline().rstrip("\n"))
    with lifecycle.open_vault(vault, person, secret) as session:
        _browse_a_while(session)
    print(peak_rss_mb())


def figures(ctx: Any) -> list[Figure]:
    """Adapter for confterm.bench (BenchContext in, harness Figures out)."""
    from confterm.bench.runner import BENCH_PASSPHRASE, BENCH_PERSON

    session = ctx.open()
    try:
        measured = measure(session, ctx.rows, ctx.workdir, ctx.repeat, ctx.progress)
    finally:
        session.close()
    ctx.progress("catalogue: browsing memory in a fresh process")
    rss = browse_peak_rss(ctx.vault, BENCH_PERSON, BENCH_PASSPHRASE)
    measured.append(Figure("browsing peak RSS (fresh process)", "MB", [rss],
                            target="< 200 MB"))
    ctx.shared["catalogue_rows"] = ctx.rows
    return measured


if __name__ == "__main__":
    _probe_main()
