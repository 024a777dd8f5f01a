"""Destruction figures: completing a 10,000-item supervised session on a vault of N records.

Completing means: witnesses sign, one transaction purges and tombstones every item (with
its audit event), the WAL is truncated, and the verification searches every page of the
database and WAL for the purged values: the pages written since the check-off's background
pass (``prescan``) are decrypted then, the others keep that pass's findings. Target
(issue 6): < 10 s at 1,000,000 records. Baselines: the decrypt-and-scan of every page alone
on the same file, and a VACUUM of the whole file (what "reclaim freed pages" would cost if
it always rewrote the file). The last of the (up to four) sessions is completed without the
background pass, as after reopening the vault mid-session, and reported on its own row.

Uses the catalogue's bench data (imported by ``confterm.vault.catalogue.bench`` when that
module ran first in the same run; built here otherwise). No timed asserts: figures only.

Building a 1,000,000-record vault takes many minutes, and this module changes the vault it
measures (each session destroys records). With ``CONFTERM_BENCH_VAULT_CACHE=DIR`` set, the
catalogue-only vault is saved to ``DIR/vault-<rows>`` after it is first built and copied
from there on later runs, so each run measures the same untouched catalogue. The copy holds
only synthetic data under the bench passphrase; delete the folder when done.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from confterm.bench.harness import Figure, peak_rss_mb
from confterm.bench.runner import BenchContext
from confterm.vault import lifecycle, people, store
from confterm.vault.destruction import (
    appraisal,
    completion,
    config,
    eligibility,
    pagescan,
    prescan,
    purge,
    register,
    sessions,
)
from confterm.vault.presence import Presence
from confterm.vault.secrets import passphrase_bytes, wipe
from confterm.vault.session import Ctx, VaultSession

SESSION_ITEMS = 10_000
APPROVER, WITNESS, IT_WITNESS = "基准审批人", "基准监销人", "基准信息技术监销人"
SECRETS = {APPROVER: "bench approver passphrase", WITNESS: "bench witness passphrase",
           IT_WITNESS: "bench IT witness passphrase"}


def _ensure_people(session: VaultSession, ctx: BenchContext) -> dict[str, bytearray]:
    seeds = {}
    for name, role in ((APPROVER, "approver"), (WITNESS, "witness"), (IT_WITNESS, "witness")):
        if session.call(lambda c, n=name: people.get(c.conn, n)) is None:
            lifecycle.enrol(session, name, frozenset({role}), passphrase_bytes(SECRETS[name]),
                            params=ctx.params)
        seeds[name] = lifecycle.verify_person_secret(session, name,
                                                     passphrase_bytes(SECRETS[name]))
    session.call(config.set_signatories, [("head_of_unit", APPROVER)])
    session.call(config.set_it_people, [IT_WITNESS])
    return seeds


def _witnesses(session: VaultSession, seeds: dict[str, bytearray]) -> list[Presence]:
    """Both witnesses, one from IT: the records picked may include electronic ones."""
    return [_presence(session, seeds, WITNESS), _presence(session, seeds, IT_WITNESS)]


def _presence(session: VaultSession, seeds: dict[str, bytearray], name: str) -> Presence:
    person = session.call(lambda c: people.get(c.conn, name))
    assert person is not None
    return Presence(person, bytearray(seeds[name]))


def _pick(ctx: Ctx, count: int) -> list[int]:
    out: list[int] = []
    after = None
    while len(out) < count:
        page = eligibility.eligible_page(ctx, after, min(5000, count - len(out)))
        if not page:
            break
        out += [r.id for r in page]
        after = (page[-1].retention_end, page[-1].id)
    with ctx.transaction():  # content to purge (the import leaves notes empty)
        ctx.conn.executemany("UPDATE records SET notes = ? WHERE id = ?",
                             [(f"备注 {i}：客户回访记录与联系人信息摘要 #{i:08d}", i) for i in out])
    return out


def _prepare(session: VaultSession, seeds: dict[str, bytearray], ids: list[int],
             say: Any) -> tuple[int, dict[str, float]]:
    took: dict[str, float] = {}
    start = time.perf_counter()
    aid = session.call(appraisal.create_appraisal, ids)
    session.call(appraisal.decide, aid, ids, "destroy")
    session.call(appraisal.issue_appraisal, aid, "基准测试：同意销毁")
    took["appraisal"] = time.perf_counter() - start
    start = time.perf_counter()
    rid = session.call(register.create_register, aid, "基准测试依据")
    session.call(register.sign_register, rid, "head_of_unit",
                 _presence(session, seeds, APPROVER), "approve", "同意")
    took["register"] = time.perf_counter() - start
    sid = session.call(sessions.start_session, rid, "粉碎", "基准", _witnesses(session, seeds))
    numbers = session.call(lambda c: [r[0] for r in c.conn.execute(
        "SELECT archive_no FROM destruction_register_items WHERE register_id = ?", (rid,))])
    say(f"destruction: checking off {len(numbers):,} items")
    start = time.perf_counter()
    for number in numbers:
        session.call(sessions.check_off, sid, number)
    took["scan_ms"] = (time.perf_counter() - start) * 1000 / max(len(numbers), 1)
    return sid, took


def _ensure_catalogue(bench: BenchContext, session: VaultSession) -> int:
    have = session.call(lambda c: c.conn.execute(
        "SELECT n FROM catalogue_counters WHERE key = 'records'").fetchone()[0])
    if have < bench.rows:
        from confterm.vault.catalogue import bench as catalogue_bench

        catalogue_bench.build(session, bench.rows - have, bench.workdir, bench.progress)
    return int(session.call(lambda c: c.conn.execute(
        "SELECT n FROM catalogue_counters WHERE key = 'records'").fetchone()[0]))


CACHE_ENV = "CONFTERM_BENCH_VAULT_CACHE"


def _open_catalogue(bench: BenchContext) -> tuple[VaultSession, int]:
    """The bench vault with ``bench.rows`` records: from the cache when one is there."""
    cache = os.environ.get(CACHE_ENV)
    saved = Path(cache) / f"vault-{bench.rows}" if cache else None
    if saved is not None and saved.is_dir():
        bench.progress(f"destruction: copying the cached vault {saved}")
        shutil.rmtree(bench.vault)
        shutil.copytree(saved, bench.vault)
    session = bench.open()
    total = _ensure_catalogue(bench, session)
    if saved is not None and not saved.is_dir():
        session.call(lambda c: c.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
        session.close()  # checkpointed and closed: the files are a consistent copy
        bench.progress(f"destruction: saving the vault to {saved}")
        shutil.copytree(bench.vault, saved.with_name(saved.name + ".tmp"), dirs_exist_ok=True)
        saved.with_name(saved.name + ".tmp").rename(saved)
        session = bench.open()
    return session, total


def _complete(bench: BenchContext, session: VaultSession, seeds: dict[str, bytearray],
              size: int, cold: bool) -> dict[str, Any]:
    """One session picked, appraised, registered, checked off and completed; ``cold``
    drops the background pass first (as after reopening the vault mid-session)."""
    ids = session.call(_pick, size)
    sid, times = _prepare(session, seeds, ids, bench.progress)
    took: dict[str, Any] = dict(times)
    needles = session.call(lambda c: [b for p in purge.collect(c.conn, ids).values()
                                      for b in p.needles()])
    start = time.perf_counter()
    base = session.call(lambda c: None if cold else prescan.take(c, sid, needles))
    took["wait"] = time.perf_counter() - start  # the pass ran during the check-off
    took["pass"] = base.seconds if base else None
    if cold:
        session.call(prescan.discard, sid)
    start = time.perf_counter()
    done = session.call(completion.complete_session, sid, _witnesses(session, seeds))
    took["complete"] = time.perf_counter() - start
    took["result"] = done.verification
    key = session.data_key_copy()
    try:
        start = time.perf_counter()
        pagescan.scan(session.path / store.DB_NAME, bytes(key), needles)
        took["scan"] = time.perf_counter() - start
    finally:
        wipe(key)
    return took


def figures(bench: BenchContext) -> list[Figure]:
    session, total = _open_catalogue(bench)
    try:
        seeds = _ensure_people(session, bench)
        eligible = session.call(eligibility.eligible_count)
        size = min(SESSION_ITEMS, max(eligible // (1 if bench.quick else 3), 1))
        runs = 1 if bench.quick else min(4, max(eligible // size, 1))
        took = []
        for n in range(runs):
            cold = runs > 1 and n == runs - 1  # the last one, when there are several
            bench.progress(f"destruction: session {n + 1}/{runs} of {size:,} items"
                           f" on {total:,} records{' (cold)' if cold else ''}")
            took.append(_complete(bench, session, seeds, size, cold) | {"cold": cold})
        bench.progress("destruction: VACUUM for comparison")
        start = time.perf_counter()
        session.call(lambda c: c.conn.execute("VACUUM"))
        vacuum = time.perf_counter() - start
        for seed in seeds.values():
            wipe(seed)
    finally:
        session.close()
    warm = [t for t in took if not t["cold"]]
    reopened = [t for t in took if t["cold"]]
    passes = [t["pass"] for t in warm if t["pass"] is not None]
    out = [Figure(f"complete a {size:,}-item session (purge, WAL truncate, verify)", "s",
                  [t["complete"] for t in warm], "decrypt + scan every page alone",
                  [t["scan"] for t in took], target="< 10 s at 1M",
                  note=_note(warm[-1], size, total))]
    if reopened:
        out.append(Figure("complete, no background pass (reopened mid-session)", "s",
                          [t["complete"] for t in reopened],
                          note=_note(reopened[-1], size, total)))
    if passes:
        out.append(Figure("background search of every page during check-off", "s", passes,
                          note=f"completion waited {max(t['wait'] for t in warm):.2f} s at"
                               " most for it to finish"))
    return [
        *out,
        Figure(f"appraisal + register of {size:,} items", "s",
               [t["appraisal"] + t["register"] for t in took]),
        Figure("check-off, one scan", "ms", [t["scan_ms"] for t in took],
               target="instant at the terminal"),
        Figure("VACUUM of the whole vault (not run at completion)", "s", [vacuum],
               note="secure_delete zeroes freed pages; VACUUM runs only when free pages"
                    " exceed 25 % of the file"),
        Figure("peak memory (destruction phase)", "MB", [peak_rss_mb()]),
    ]


def _note(took: dict[str, Any], size: int, total: int) -> str:
    result = took["result"]
    return (f"{size:,} items on {total:,} records; {result.db_pages:,} pages searched,"
            f" {result.db_pages - result.unchanged_pages:,} of them decrypted at completion;"
            f" {result.remediated} stale copies scrubbed from {len(result.scrubbed_pages)}"
            f" page(s); residues after {result.residues}; load average"
            f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
