"""Disk full at every stage of a backup (RLIMIT_FSIZE in a child process, SIGXFSZ ignored so
writes fail with EFBIG like a full disk): a clear error, an unchanged vault, and nothing
left on the medium, in particular no partial backup that verifies."""

from __future__ import annotations

import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from confterm.vault import backup, backup_verify, store
from tests.robust.robust_util import (
    PASS_A,
    REPO,
    child_command,
    child_env,
    make_vault,
    open_admin,
    record,
)
from tests.robust.test_kill9 import damage_of

# Limits (bytes a file may reach) applied when the backup enters each stage. A limit larger
# than anything the stage writes lets it pass, so a later stage is where the disk fills.
LIMITS = {
    "prepare": [0],
    "database": [0, 1, 4096, 20_000, 100_000, 300_000],
    "keyslots": [0, 100, 1000],
    "manifest": [0, 200],
    "finalise": [0],
    "verify": [0],
    "register": [0, 4096, 20_000],
}
CLEAR = {"backup.write_failed", "backup.readback_failed", "vault.io_error", "vault.disk_full"}


def _state(vault: Path) -> tuple[int, int, list[str]]:
    with open_admin(vault) as s:
        head = s.call(lambda ctx: ctx.conn.execute(
            "SELECT coalesce(max(seq), 0) FROM audit_events").fetchone()[0])
        registered = s.call(lambda ctx: ctx.conn.execute(
            "SELECT count(*) FROM backup_register").fetchone()[0])
        return head, registered, damage_of(s)


@pytest.fixture(scope="module")
def base_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    vault = make_vault(tmp_path_factory.mktemp("full") / "vault")
    with open_admin(vault) as s:
        def fill(ctx: object) -> None:
            conn = ctx.conn  # type: ignore[attr-defined]
            conn.execute("CREATE TABLE pad(n INTEGER PRIMARY KEY, body TEXT)")
            for n in range(120):
                with ctx.transaction():  # type: ignore[attr-defined]
                    conn.execute("INSERT INTO pad VALUES (?, ?)", (n, "卷" * 800))
                    ctx.audit("robust.edit", "pad", n, {})  # type: ignore[attr-defined]
        s.call(fill)
    return vault


@pytest.mark.slow
def test_disk_full_at_every_stage_of_a_backup(base_vault: Path, tmp_path: Path) -> None:
    outcomes: Counter[str] = Counter()
    bad: list[str] = []
    started = time.monotonic()
    cases = [(stage, limit) for stage in backup.STAGES for limit in LIMITS[stage]]
    for i, (stage, limit) in enumerate(cases):
        vault, dest = tmp_path / f"v{i}", tmp_path / f"usb{i}"
        shutil.copytree(base_vault, vault)
        dest.mkdir()
        before = _state(vault)
        run = subprocess.run(child_command("diskfull", str(vault), PASS_A, str(dest), stage,
                                           str(limit)),
                             capture_output=True, text=True, env=child_env(), cwd=REPO,
                             timeout=120)
        where = f"{stage}@{limit}"
        if run.returncode != 0 or "Traceback" in run.stderr or not run.stdout.strip():
            bad.append(f"{where}: exit {run.returncode} {run.stderr[-500:]}")
            continue
        kind, key, *_ = run.stdout.split()
        after = _state(vault)
        if after[2]:
            bad.append(f"{where}: vault damaged: {after[2]}")
        if kind == "error":
            outcomes["clear_error"] += 1
            if key not in CLEAR:
                bad.append(f"{where}: unexpected error {key}: {run.stdout.strip()}")
            if after[:2] != before[:2]:
                bad.append(f"{where}: vault changed {before[:2]} -> {after[:2]}")
            leftovers = [p.name for p in dest.iterdir()]
            if leftovers:
                bad.append(f"{where}: left on the medium: {leftovers}")
        else:
            outcomes["completed"] += 1  # the limit did not bite: must be a full backup
            pre = backup_verify.preflight(Path(run.stdout.split()[2]))
            if after[1] != before[1] + 1 or pre.manifest.audit_count != before[0]:
                bad.append(f"{where}: completed but not registered")
        shutil.rmtree(vault)
        shutil.rmtree(dest)
    record("disk full during backup", cases=len(cases), clear_errors=outcomes["clear_error"],
           completed=outcomes["completed"], stages=len(backup.STAGES),
           seconds=round(time.monotonic() - started, 1))
    assert bad == [], bad
    assert outcomes["clear_error"] >= len(cases) - 2  # only a huge limit may let one pass


def _limit_files(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(
        resource.RLIMIT_FSIZE)[1]))


@pytest.mark.slow
def test_cli_backup_onto_a_full_disk_says_so_in_one_sentence(base_vault: Path,
                                                            tmp_path: Path) -> None:
    vault, dest = tmp_path / "v", tmp_path / "usb"
    shutil.copytree(base_vault, vault)
    dest.mkdir()
    before = _state(vault)
    size = (vault / store.DB_NAME).stat().st_size
    run = subprocess.run([sys.executable, "-m", "confterm", "backup", str(dest), "--vault",
                          str(vault)], input=f"{PASS_A}\n", capture_output=True, text=True,
                         env=child_env(), cwd=REPO, timeout=120,
                         preexec_fn=lambda: _limit_files(size // 3))
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "failed" in run.stderr
    assert list(dest.iterdir()) == []
    assert _state(vault)[:2] == before[:2]
