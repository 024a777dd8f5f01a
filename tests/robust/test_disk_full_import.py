"""Disk full (RLIMIT_FSIZE) at several moments of a catalogue import.

The child unlocks the vault first, then lowers its file-size limit a little above the
vault's current files, so the import's writes (WAL frames, new pages) hit the limit at
different depths. Each case must end in one clear ConftermError or a complete import, and
the vault must then open with none or all of the rows and an intact audit chain.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from confterm.vault import audit
from confterm.vault.catalogue.bench_data import make_boxes
from confterm.vault.importing.export import write_csv
from confterm.vault.synthetic import generate_catalogue
from tests.robust.robust_util import ADMIN, PASS_A, child_env, make_vault, open_admin, record

ROWS = 3000
HEADROOM = [16 * 1024, 128 * 1024, 512 * 1024, 2 * 1024**2, 8 * 1024**2]
CHILD = f"""
import os, resource, signal, sys
from pathlib import Path
from confterm.errors import ConftermError
from confterm.vault import lifecycle
from confterm.vault.catalogue import importer
from confterm.vault.secrets import passphrase_bytes
vault = Path(sys.argv[1])
session = lifecycle.open_vault(vault, {ADMIN!r}, passphrase_bytes({PASS_A!r}))
biggest = max(p.stat().st_size for p in vault.iterdir() if p.is_file())
limit = biggest + int(sys.argv[3])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
original = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, original[1]))
try:
    result = session.call(importer.import_file, sys.argv[2])
    print("ack", result.records_created)
except ConftermError as exc:
    print("error", exc.key)
except Exception as exc:
    print("crash", type(exc).__name__, str(exc)[:200])
resource.setrlimit(resource.RLIMIT_FSIZE, original)
session.close()
"""


def _state(vault: Path) -> tuple[int, bool]:
    with open_admin(vault) as session:
        count = session.call(lambda ctx: ctx.conn.execute(
            "SELECT count(*) FROM records").fetchone()[0])
        intact = session.call(lambda ctx: audit.verify_chain(ctx.conn).intact)
    return int(count), bool(intact)


def test_disk_full_during_import_is_a_clear_error_and_nothing_half_written(
        tmp_path: Path) -> None:
    template = make_vault(tmp_path / "template")
    csv = tmp_path / "catalogue.csv"
    _, rows = generate_catalogue(ROWS, seed=7)
    assert write_csv(csv, rows) == ROWS
    with open_admin(template) as session:
        session.call(make_boxes, sorted({row.location for row in rows}))
    outcomes = {"clear_error": 0, "completed": 0}
    problems: list[str] = []
    for i, headroom in enumerate(HEADROOM):
        vault = Path(shutil.copytree(template, tmp_path / f"v{i}"))
        run = subprocess.run([sys.executable, "-c", CHILD, str(vault), str(csv), str(headroom)],
                             capture_output=True, text=True, env=child_env(), timeout=600)
        words = run.stdout.split()
        if run.returncode != 0 or not words or words[0] == "crash" or "Traceback" in run.stderr:
            problems.append(f"+{headroom}: exit {run.returncode} {run.stdout} "
                            f"{run.stderr[-400:]}")
            continue
        count, intact = _state(vault)
        if not intact:
            problems.append(f"+{headroom}: audit chain broken")
        if words[0] == "error":
            outcomes["clear_error"] += 1
            if count != 0:
                problems.append(f"+{headroom}: {count} rows left after a failed import")
        else:
            outcomes["completed"] += 1
            if count != ROWS:
                problems.append(f"+{headroom}: completed with {count} of {ROWS} rows")
        shutil.rmtree(vault)
    record("disk full during import", cases=len(HEADROOM), rows=ROWS, **outcomes)
    assert problems == [], problems
    assert outcomes["clear_error"] >= 2  # the small limits must bite
