"""kill -9 at random moments of a child importing a ~5,000-row catalogue CSV.

An import is one transaction (``catalogue.importer.import_file``): after every kill the
vault must open with the same passphrase, hold either none of the rows or all of them,
and its audit chain must verify. The kill moments are spread uniformly over the time one
whole import takes (measured first, start-up included), plus a little after it.
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

from confterm.vault import audit
from confterm.vault.catalogue.bench_data import make_boxes
from confterm.vault.importing.export import write_csv
from confterm.vault.synthetic import generate_catalogue
from tests.robust.robust_util import (
    ADMIN,
    PASS_A,
    child_env,
    make_vault,
    open_admin,
    record,
)

ROWS = 5000
CHILD = f"""
import os, sys
from pathlib import Path
from confterm.vault import lifecycle
from confterm.vault.catalogue import bulk, importer
from confterm.vault.secrets import passphrase_bytes
if sys.argv[3] == "bulk":  # a "large" import: indexes rebuilt, rollback journal, FKs off
    importer.BYTES_PER_ROW, bulk.REBUILD_AFTER = 1, 100
session = lifecycle.open_vault(Path(sys.argv[1]), {ADMIN!r}, passphrase_bytes({PASS_A!r}))
os.write(1, b"ready\\n")
result = session.call(importer.import_file, sys.argv[2])
os.write(1, ("ack %d\\n" % result.records_created).encode())
session.close()
"""


def kills() -> int:
    try:
        return max(5, int(os.environ.get("CONFTERM_ROBUST_IMPORT_KILLS", "20")))
    except ValueError:
        return 20


def _start(vault: Path, csv: Path, path: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(vault), str(csv), path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())


def _state(vault: Path) -> tuple[int, bool]:
    """(records, whether the audit chain, the database and its settings are whole)."""
    with open_admin(vault) as session:
        count = session.call(lambda ctx: ctx.conn.execute(
            "SELECT count(*) FROM records").fetchone()[0])
        intact = session.call(lambda ctx: audit.verify_chain(ctx.conn).intact)
        whole = session.call(lambda ctx: (
            ctx.conn.execute("PRAGMA integrity_check").fetchone()[0],
            ctx.conn.execute("PRAGMA journal_mode").fetchone()[0],
            ctx.conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                             " AND tbl_name = 'records'").fetchone()[0]))
    return int(count), bool(intact) and whole[:2] == ("ok", "wal") and whole[2] >= 13


@pytest.mark.parametrize("path", ["rows", "bulk"])
def test_kill9_during_import_is_all_or_nothing(tmp_path: Path, path: str) -> None:
    """``bulk``: the large-file path (its rollback journal, indexes dropped and made again,
    foreign keys off) taken for this small file."""
    seed = int(os.environ.get("CONFTERM_ROBUST_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    template = make_vault(tmp_path / "template")
    csv = tmp_path / "catalogue.csv"
    _, rows = generate_catalogue(ROWS, seed=seed % 1000)
    assert write_csv(csv, rows) == ROWS
    with open_admin(template) as session:  # the rows name boxes that must already exist
        session.call(make_boxes, sorted({row.location for row in rows}))

    # One complete run: the import works at all, and how long it takes.
    whole = Path(shutil.copytree(template, tmp_path / "whole"))
    started = time.monotonic()
    child = _start(whole, csv, path)
    out, err = child.communicate(timeout=600)
    duration = time.monotonic() - started
    assert child.returncode == 0, err.decode(errors="replace")[-2000:]
    assert f"ack {ROWS}".encode() in out
    assert _state(whole) == (ROWS, True)

    outcomes = {"none": 0, "all": 0}
    for k in range(kills()):
        vault = Path(shutil.copytree(template, tmp_path / f"v{k}"))
        child = _start(vault, csv, path)
        time.sleep(rng.uniform(0.0, duration * 1.05))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        count, intact = _state(vault)  # opens: no lock-out, no damage
        assert intact, f"audit chain broken after kill {k} (seed {seed})"
        assert count in (0, ROWS), f"{count} of {ROWS} rows after kill {k} (seed {seed})"
        outcomes["all" if count == ROWS else "none"] += 1
        shutil.rmtree(vault)
    record(f"kill -9 during import ({path})", kills=kills(), rows=ROWS, seed=seed,
           import_seconds=round(duration, 2), committed=outcomes["all"],
           rolled_back=outcomes["none"], corrupt=0, partial=0)
