"""kill -9 at random moments: zero corrupt vaults, zero lost acknowledged commits, zero
lock-outs, and no partial backup that verifies.

A child process (tests/robust/child.py) works in a loop and prints an acknowledgement after
each operation returned; the parent kills it with SIGKILL at a random moment (sometimes
during start-up, unlock and WAL recovery), then unlocks the vault like a person would and
checks it. The split of CONFTERM_ROBUST_KILLS between the scenarios is SHARES.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from confterm.errors import AuthError, DamageError
from confterm.vault import audit, backup_adopt, backup_verify, keyslots
from confterm.vault.session import VaultSession
from tests.robust.robust_util import (
    PASS_A,
    PASS_B,
    REPO,
    child_command,
    child_env,
    make_vault,
    open_admin,
    record,
    total_kills,
)

SHARES = {"edits": 0.45, "passwd": 0.2, "rewrite": 0.15, "backup": 0.2}
WINDOW = {"edits": 0.25, "passwd": 0.6, "rewrite": 0.6, "backup": 0.35}
EARLY_KILL = 0.15  # share of kills before the child says "ready" (start-up, unlock, recovery)


@dataclass
class Tally:
    kills: int = 0
    early: int = 0
    acked: int = 0
    corrupt: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    lockouts: list[str] = field(default_factory=list)


def run_and_kill(args: list[str], rng: random.Random, window: float,
                 tally: Tally) -> list[str]:
    """Start the child, SIGKILL it at a random moment, return its acknowledgement lines."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(child_command(*args), stdout=subprocess.PIPE, stderr=err,
                                env=child_env(), cwd=REPO)
        assert proc.stdout is not None
        fd, out = proc.stdout.fileno(), b""
        if rng.random() < EARLY_KILL:
            time.sleep(rng.uniform(0.0, 0.25))
            tally.early += 1
        else:
            deadline = time.monotonic() + 60
            while b"ready\n" not in out and proc.poll() is None:
                assert time.monotonic() < deadline, "child never became ready"
                if select.select([fd], [], [], 0.5)[0]:
                    out += os.read(fd, 65536)
            time.sleep(rng.uniform(0.0, window))
        proc.send_signal(signal.SIGKILL)
        while chunk := os.read(fd, 65536):
            out += chunk
        proc.wait(timeout=30)
        proc.stdout.close()
        if proc.returncode != -signal.SIGKILL:
            err.seek(0)
            pytest.fail(f"child ended by itself ({proc.returncode}): {err.read()[-2000:]!r}")
    tally.kills += 1
    return [line for line in out.decode("utf-8").splitlines() if line.startswith("ack ")]


def damage_of(session: VaultSession) -> list[str]:
    """Every sign of a corrupt vault: page authentication, structure, audit chain."""
    def run(ctx: object) -> list[str]:
        conn = ctx.conn  # type: ignore[attr-defined]
        problems = [" ".join(map(str, r)) for r in conn.execute("PRAGMA cipher_integrity_check")]
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            problems.append(f"integrity_check: {rows[:3]}")
        chain = audit.verify_chain(conn)
        if not chain.intact:
            problems.append(f"audit chain: {chain.reason} at {chain.first_bad}")
        return problems
    return session.call(run)


def unlock(vault: Path, passphrases: list[str], tally: Tally, where: str
           ) -> tuple[VaultSession | None, str]:
    """Unlock as a person would; a damage error is a corrupt vault, no way in a lock-out."""
    for secret in passphrases:
        try:
            return open_admin(vault, secret), secret
        except AuthError:
            continue
        except DamageError as exc:
            tally.corrupt.append(f"{where}: {exc.message()}")
            return None, secret
    tally.lockouts.append(f"{where}: no passphrase opens the vault")
    return None, passphrases[0]


def scenario_edits(vault: Path, rng: random.Random, kills: int, tally: Tally) -> None:
    acked: dict[int, int] = {}
    for i in range(kills):
        for line in run_and_kill(["edits", str(vault), PASS_A], rng, WINDOW["edits"], tally):
            _, seq, n = line.split()
            acked[int(seq)] = int(n)
        session, _ = unlock(vault, [PASS_A], tally, f"kill {i}")
        if session is None:
            continue
        with session:
            tally.corrupt.extend(f"kill {i}: {p}" for p in damage_of(session))
            events = dict(session.call(lambda ctx: [
                (int(r[0]), int(r[1])) for r in ctx.conn.execute(
                    "SELECT seq, object_id FROM audit_events WHERE action = 'robust.edit'")]))
            # The first kill may land before the child made its table: no rows yet.
            rows = set(session.call(lambda ctx: [r[0] for r in ctx.conn.execute(
                "SELECT n FROM robust_rows")] if ctx.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'robust_rows'").fetchone() else []))
        tally.lost.extend(f"kill {i}: seq {seq} (row {n})" for seq, n in acked.items()
                          if events.get(seq) != n or n not in rows)
    tally.acked = len(acked)


def scenario_passwd(vault: Path, rng: random.Random, kills: int, tally: Tally) -> None:
    known = PASS_A
    for i in range(kills):
        acks = run_and_kill(["passwd", str(vault), known], rng, WINDOW["passwd"], tally)
        tally.acked += len(acks)
        if acks:
            known = acks[-1].split(" ", 1)[1]
        # The acknowledged passphrase opens, or the other one if the change the child had
        # started after its last acknowledgement completed before the kill. Neither: lock-out.
        other = PASS_B if known == PASS_A else PASS_A
        session, known = unlock(vault, [known, other], tally, f"kill {i}")
        if session is None:
            continue
        with session:
            tally.corrupt.extend(f"kill {i}: {p}" for p in damage_of(session))
            audited = session.call(lambda ctx: ctx.conn.execute(
                "SELECT count(*) FROM audit_events WHERE action = 'person.passphrase_changed'"
            ).fetchone()[0])
        if audited < tally.acked:
            tally.lost.append(f"kill {i}: {tally.acked} changes acknowledged, {audited} audited")
        _check_slot_copies(vault, tally, f"kill {i}")


def _check_slot_copies(vault: Path, tally: Tally, where: str) -> None:
    """After an unlock both copies must be intact and identical (repaired if needed)."""
    copies = [(vault / name).read_bytes() for name in (keyslots.PRIMARY, keyslots.BACKUP)]
    try:
        parsed = [keyslots.parse(c) for c in copies]
    except ValueError as exc:
        tally.corrupt.append(f"{where}: keyslot copy unreadable after unlock ({exc})")
        return
    if parsed[0].generation != parsed[1].generation:
        tally.corrupt.append(f"{where}: keyslot copies not repaired after unlock")


def scenario_rewrite(vault: Path, rng: random.Random, kills: int, tally: Tally) -> None:
    enrolled: set[str] = set()
    disabled: set[str] = set()
    for i in range(kills):
        for line in run_and_kill(["rewrite", str(vault), PASS_A], rng, WINDOW["rewrite"],
                                 tally):
            _, what, name = line.split()
            (enrolled if what == "enrol" else disabled).add(name)
            tally.acked += 1
        session, _ = unlock(vault, [PASS_A], tally, f"kill {i}")
        if session is None:
            continue
        with session:
            tally.corrupt.extend(f"kill {i}: {p}" for p in damage_of(session))
            state = dict(session.call(lambda ctx: list(ctx.conn.execute(
                "SELECT name, disabled_at FROM people"))))
        slots = {s.person for s in keyslots.load(vault).file.slots if s.person}
        tally.lost.extend(f"kill {i}: enrolment of {n}" for n in enrolled if n not in state)
        tally.lost.extend(f"kill {i}: disabling {n}" for n in disabled
                          if state.get(n) is None or n in slots)
        _check_slot_copies(vault, tally, f"kill {i}")


def scenario_backup(vault: Path, rng: random.Random, kills: int, tally: Tally) -> None:
    dest = vault.parent / "backups"
    dest.mkdir()
    checked: set[str] = set()
    acked: dict[str, str] = {}
    partial_refused = unregistered = 0
    for i in range(kills):
        for line in run_and_kill(["backup", str(vault), PASS_A, str(dest)], rng,
                                 WINDOW["backup"], tally):
            _, backup_id, path = line.split(" ", 2)
            acked[backup_id] = path
        session, _ = unlock(vault, [PASS_A], tally, f"kill {i}")
        if session is None:
            continue
        with session:
            tally.corrupt.extend(f"kill {i}: {p}" for p in damage_of(session))
            registered = dict(session.call(lambda ctx: list(ctx.conn.execute(
                "SELECT backup_id, location FROM backup_register"))))
            dek = session.data_key_copy()
        tally.lost.extend(f"kill {i}: backup {b} not registered" for b in acked
                          if b not in registered)
        for entry in sorted(dest.iterdir()):
            if entry.name in checked:
                continue
            try:
                pre = backup_verify.preflight(entry)
            except DamageError:
                if entry.name.startswith("."):
                    partial_refused += 1  # a half-written backup never verifies: good
                    checked.add(entry.name)
                    continue
                tally.corrupt.append(f"kill {i}: finished backup {entry.name} is damaged")
                continue
            if entry.name.startswith("."):
                tally.corrupt.append(f"kill {i}: partial backup {entry.name} verifies")
            backup_verify.check_key(pre, dek)
            report = backup_verify.verify_contents(pre, dek)
            if not report.ok:
                tally.corrupt.append(f"kill {i}: backup {entry.name}: {report.problems[0]}")
            if pre.manifest.backup_id not in registered:
                unregistered += 1  # killed between rename and register: complete, valid
            checked.add(entry.name)
        dek[:] = bytes(len(dek))
    tally.acked = len(acked)
    # Such a backup must not stay unknown: the next backup written beside it adopts it.
    with open_admin(vault) as session:
        backup_adopt.adopt_orphans(session, dest)
        registered = dict(session.call(lambda ctx: list(ctx.conn.execute(
            "SELECT backup_id, location FROM backup_register"))))
        adopted = session.call(lambda ctx: ctx.conn.execute(
            "SELECT count(*) FROM audit_events WHERE action = 'backup.adopt'").fetchone()[0])
    for entry in dest.iterdir():
        if not entry.name.startswith(".") and \
                backup_verify.preflight(entry).manifest.backup_id not in registered:
            tally.lost.append(f"complete backup {entry.name} never entered in the register")
    record("kill -9: backup", partial_dirs_refused=partial_refused,
           complete_but_unregistered_when_killed=unregistered, adopted_into_register=adopted)


SCENARIOS: dict[str, Callable[[Path, random.Random, int, Tally], None]] = {
    "edits": scenario_edits, "passwd": scenario_passwd, "rewrite": scenario_rewrite,
    "backup": scenario_backup,
}


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(SCENARIOS))
def test_kill9_never_corrupts_loses_or_locks_out(mode: str, tmp_path: Path) -> None:
    kills = max(2, round(total_kills() * SHARES[mode]))
    seed = int(os.environ.get("CONFTERM_ROBUST_SEED", "0")) or random.randrange(1, 10**9)
    vault = make_vault(tmp_path / "vault")
    tally = Tally()
    started = time.monotonic()
    SCENARIOS[mode](vault, random.Random(seed), kills, tally)
    record(f"kill -9: {mode}", kills=tally.kills, killed_during_startup=tally.early,
           acknowledged=tally.acked, corrupt=len(tally.corrupt), lost=len(tally.lost),
           lockouts=len(tally.lockouts), seconds=round(time.monotonic() - started, 1),
           seed=seed)
    assert tally.corrupt == [], f"seed {seed}"
    assert tally.lost == [], f"seed {seed}"
    assert tally.lockouts == [], f"seed {seed}"
    assert tally.kills == kills and tally.acked > 0
