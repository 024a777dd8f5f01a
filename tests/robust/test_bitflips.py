"""1,000 random bit flips in the database, each on a fresh copy: every one is detected as
damage (DamageError on unlock, or a failing check), none is read silently as good, and
none is ever reported as a wrong passphrase (the passphrase is judged by its keyslot)."""

from __future__ import annotations

import os
import random
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from confterm.errors import AuthError, DamageError
from confterm.vault import check, keyslots, lifecycle, store
from confterm.vault.secrets import passphrase_bytes
from tests.robust.robust_util import ADMIN, PASS_A, make_vault, open_admin, record

FLIPS = int(os.environ.get("CONFTERM_ROBUST_FLIPS", "1000"))
DB_CHECKS = {"cipher_integrity", "integrity", "audit", "settings"}


def _fill(vault: Path) -> None:
    rng = random.Random(7)
    with open_admin(vault) as s:
        def work(ctx: object) -> None:
            conn = ctx.conn  # type: ignore[attr-defined]
            conn.execute("CREATE TABLE flip_rows(n INTEGER PRIMARY KEY, body TEXT NOT NULL)")
            for n in range(300):
                with ctx.transaction():  # type: ignore[attr-defined]
                    conn.execute("INSERT INTO flip_rows VALUES (?, ?)",
                                 (n, "档案" * rng.randrange(10, 600)))
                    ctx.audit("robust.edit", "flip_row", n, {})  # type: ignore[attr-defined]
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        s.call(work)


def classify(vault: Path) -> str:
    """How a damaged copy is seen by a person: unlock, then `confterm check`."""
    try:
        session = lifecycle.open_vault(vault, ADMIN, passphrase_bytes(PASS_A))
    except DamageError:
        return "damage_on_unlock"
    except AuthError:
        return "WRONG_PASSPHRASE"
    except Exception as exc:  # anything else is neither clear nor a detection
        return f"UNCLEAR_{type(exc).__name__}"
    with session:
        lines = check.run_checks(session)
    failed = [line.name for line in lines if not line.ok]
    if not failed:
        return "SILENT"
    if set(failed) <= DB_CHECKS:
        return "damage_by_check"
    return f"UNEXPECTED_{'+'.join(failed)}"


@pytest.mark.slow
def test_every_bit_flip_in_the_database_is_detected(tmp_path: Path) -> None:
    base = make_vault(tmp_path / "base")
    _fill(base)
    assert not (base / f"{store.DB_NAME}-wal").exists() or \
        (base / f"{store.DB_NAME}-wal").stat().st_size == 0
    original = (base / store.DB_NAME).read_bytes()
    seed = int(os.environ.get("CONFTERM_ROBUST_SEED", "0")) or random.randrange(1, 10**9)
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    bad: list[str] = []
    work = tmp_path / "work"
    started = time.monotonic()
    for i in range(FLIPS):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        for name in (keyslots.PRIMARY, keyslots.BACKUP):
            shutil.copyfile(base / name, work / name)
        offset, bit = rng.randrange(len(original)), rng.randrange(8)
        data = bytearray(original)
        data[offset] ^= 1 << bit
        (work / store.DB_NAME).write_bytes(bytes(data))
        outcome = classify(work)
        outcomes[outcome] += 1
        if outcome.isupper() or outcome.startswith(("UNCLEAR", "UNEXPECTED")):
            bad.append(f"flip {i}: offset {offset} bit {bit} page {offset // 4096 + 1}: "
                       f"{outcome}")
    record("bit flips in the database", flips=FLIPS, file_bytes=len(original),
           detected_on_unlock=outcomes["damage_on_unlock"],
           detected_by_check=outcomes["damage_by_check"], silent=outcomes["SILENT"],
           wrong_passphrase=outcomes["WRONG_PASSPHRASE"],
           other=sum(v for k, v in outcomes.items() if k.startswith(("UNCLEAR", "UNEXP"))),
           seconds=round(time.monotonic() - started, 1), seed=seed)
    assert bad == [], f"seed {seed}: {bad[:20]}"
