"""kill -9 during completion leaves either the whole purge or none of it, and the session
can always be finished afterwards.

A template vault holds an open session whose items are all checked off; each iteration
copies it, completes it in a subprocess and kills that process at a random moment of the
completion. The survivor must show all items destroyed (with tombstones, purged notes and
audit events) or none (content intact, session still open); then the session is finished
from where it stopped and must verify.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from confterm.vault import lifecycle, presence
from confterm.vault.destruction import completion, sessions
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import Ctx
from tests.conftest import ADMIN, ADMIN_PASS
from tests.unit.destruction.world import PEOPLE, WITNESS, World

ITEMS = 300
ITERATIONS = int(os.environ.get("CONFTERM_KILL_ITERATIONS", "20"))
ROOT = Path(__file__).resolve().parents[3]


def _state(ctx: Ctx, ids: list[int]) -> dict[str, int]:
    one = ctx.conn.execute
    return {
        "destroyed": one("SELECT count(*) FROM records WHERE state = 'destroyed'").fetchone()[0],
        "in_destruction": one("SELECT count(*) FROM records WHERE state = 'in_destruction'")
        .fetchone()[0],
        "tombstones": one("SELECT count(*) FROM destruction_tombstones").fetchone()[0],
        "noted": one("SELECT count(*) FROM records WHERE notes <> ''").fetchone()[0],
        "destroy_events": one("SELECT count(*) FROM audit_events WHERE action ="
                              " 'destruction.destroy'").fetchone()[0],
        "items": len(ids),
    }


def _run(vault: Path, sid: int, delay: float | None) -> tuple[bool, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.unit.destruction.killworker", str(vault), ADMIN,
         ADMIN_PASS, WITNESS, PEOPLE[WITNESS][1], str(sid)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY", proc.stderr.read() if proc.stderr else ""
    start = time.monotonic()
    if delay is None:
        proc.wait(timeout=120)
        return True, time.monotonic() - start
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return False, delay


@pytest.mark.slow
def test_kill_during_completion_is_all_or_nothing(world: World, tmp_path: Path) -> None:
    ids = world.records(ITEMS)
    world.set_notes(ids, "待销毁备注内容 KILLTEST ")
    sid = world.open_session(ids)
    world.check_all(sid, ids)
    template = world.session.path
    world.session.close()
    rng = random.Random(int(os.environ.get("CONFTERM_KILL_SEED", "6")))
    copy = tmp_path / "calibrate"
    shutil.copytree(template, copy)
    finished, took = _run(copy, sid, None)
    assert finished
    outcomes = {"none": 0, "purged": 0, "completed": 0}
    for n in range(ITERATIONS):
        vault = tmp_path / f"kill{n}"
        shutil.copytree(template, vault)
        _run(vault, sid, rng.uniform(0, took * (0.5 if n % 2 else 1.1)))
        session = lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS))
        try:
            state = session.call(_state, ids)
            info = session.call(sessions.get, sid)
            if state["destroyed"] == 0:
                assert state == {"destroyed": 0, "in_destruction": ITEMS, "tombstones": 0,
                                 "noted": ITEMS, "destroy_events": 0, "items": ITEMS}, n
                assert info.status == "open", n
                outcomes["none"] += 1
                if outcomes["none"] % 5 == 1:  # the session can simply be completed again
                    witness = presence.verify(session, WITNESS,
                                              passphrase_bytes(PEOPLE[WITNESS][1]),
                                              "witness", "destruction")
                    done = session.call(completion.complete_session, sid, [witness])
                    assert done.destroyed == ITEMS and done.verification.ok
            else:
                assert state == {"destroyed": ITEMS, "in_destruction": 0, "tombstones": ITEMS,
                                 "noted": 0, "destroy_events": ITEMS, "items": ITEMS}, n
                assert info.status in ("purged", "completed"), n
                outcomes[info.status] += 1
                if info.status == "purged":  # killed before verification: finish it
                    result, _ = session.call(completion.finalize, sid)
                    assert result.ok and not result.full_scan
                assert session.call(sessions.get, sid).status == "completed"
        finally:
            session.close()
        shutil.rmtree(vault)
    print(f"\nkill -9 during completion: {ITERATIONS} kills, {outcomes}")
    assert sum(outcomes.values()) == ITERATIONS
