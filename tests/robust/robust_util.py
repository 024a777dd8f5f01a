"""Shared pieces of the robustness suite: a cheap KDF, the figures, the kill budget.

The figures (kills, detections, corrupt vaults...) are collected in ``FIGURES`` and printed
at the end of the run by ``conftest.pytest_terminal_summary``, so they can be quoted from
any CI log. ``CONFTERM_ROBUST_KILLS`` sets the total number of kill -9 (default 200, the CI
budget); a longer run, e.g. ``CONFTERM_ROBUST_KILLS=2000``, is documented in the README.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from confterm.vault import lifecycle
from confterm.vault.kdf import KdfParams
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import VaultSession

# The KDF is not what these tests exercise; a 1 MiB, one-pass Argon2id keeps thousands of
# unlocks affordable on a 2-core CI machine. Real vaults calibrate (0.5-1 s, >= 64 MiB).
ROBUST_PARAMS = KdfParams(memory_kib=1024, time_cost=1, parallelism=1)
ADMIN = "李建国"
PASS_A = "robust passphrase number one"
PASS_B = "robust passphrase number two"
REPO = Path(__file__).resolve().parents[2]

FIGURES: dict[str, dict[str, object]] = {}


def record(section: str, **values: object) -> None:
    """Add figures for ``section`` (printed in the terminal summary)."""
    FIGURES.setdefault(section, {}).update(values)


def total_kills() -> int:
    try:
        return max(8, int(os.environ.get("CONFTERM_ROBUST_KILLS", "200")))
    except ValueError:
        return 200


def make_vault(path: Path) -> Path:
    created = lifecycle.create_vault(path, ADMIN, passphrase_bytes(PASS_A),
                                     params=ROBUST_PARAMS, vault_name="健壮性测试")
    (path.parent / f"{path.name}.recovery").write_bytes(bytes(created.recovery_key))
    return path


def open_admin(path: Path, passphrase: str = PASS_A) -> VaultSession:
    return lifecycle.open_vault(path, ADMIN, passphrase_bytes(passphrase))


def child_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.robust.child", *args]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["CONFTERM_LANG"] = "en"
    return env
