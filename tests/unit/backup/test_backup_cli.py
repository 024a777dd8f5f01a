"""The backup, restore and check commands as a script sees them: exit codes, one sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PASS = "correct horse battery staple"


def run(*args: str, stdin: str = f"{PASS}\n") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONFTERM_LANG": "en"}
    env.pop("CONFTERM_VAULT", None)
    return subprocess.run([sys.executable, "-m", "confterm", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env=env)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture
def cli_vault(tmp_path: Path) -> Path:
    path = tmp_path / "v"
    result = run("init", "--vault", str(path), "--name", "Admin", "--fast-kdf",
                 stdin=f"{PASS}\n{PASS}\n")
    assert result.returncode == 0, result.stderr
    return path


def test_backup_verify_restore_check_round_trip(cli_vault: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    made = run("backup", str(usb), "--vault", str(cli_vault), "--label", "U-1",
               "--kept-at", "保险柜")
    assert made.returncode == 0, made.stderr
    (backup_dir,) = list(usb.iterdir())
    assert str(backup_dir) in made.stdout
    ok = run("backup", "verify", str(backup_dir))
    assert ok.returncode == 0 and "Backup intact" in ok.stdout, ok.stderr
    recorded = run("backup", "verify", str(backup_dir), "--record", "--vault", str(cli_vault))
    assert recorded.returncode == 0 and "recorded" in recorded.stdout, recorded.stderr
    listing = run("backup", "list", "--vault", str(cli_vault))
    assert listing.returncode == 0 and "U-1" in listing.stdout and "保险柜" in listing.stdout
    restored = run("restore", str(backup_dir), "--vault", str(tmp_path / "r"))
    assert restored.returncode == 0, restored.stderr
    assert "current vault" in restored.stdout
    checked = run("check", "--vault", str(tmp_path / "r"))
    assert checked.returncode == 0 and checked.stdout.count("✔") == 5, checked.stdout


def test_exit_codes_for_damage_wrong_passphrase_and_refusals(cli_vault: Path,
                                                            tmp_path: Path) -> None:
    assert run("backup", str(tmp_path / "b"), "--vault", str(cli_vault)).returncode == 0
    wrong = run("backup", "verify", str(tmp_path / "b"), stdin="not the right one at all\n")
    assert wrong.returncode == 3 and "Wrong passphrase" in wrong.stderr
    no_traceback(wrong)
    again = run("restore", str(tmp_path / "b"), "--vault", str(cli_vault))
    assert again.returncode == 2 and "never overwritten" in again.stderr
    db = tmp_path / "b" / "vault.db"
    db.write_bytes(db.read_bytes()[:8192])
    broken = run("backup", "verify", str(tmp_path / "b"))
    assert broken.returncode == 1 and "truncated" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1
    refused = run("restore", str(tmp_path / "b"), "--vault", str(tmp_path / "r"))
    assert refused.returncode == 1 and "truncated" in refused.stderr
    assert not (tmp_path / "r").exists()
    no_traceback(refused)
    usage = run("backup", "verify", "a", "b", "--vault", str(cli_vault))
    assert usage.returncode == 2 and "usage" in usage.stderr


def test_check_reports_a_damaged_keyslot_copy_and_exit_one_when_both(cli_vault: Path) -> None:
    (cli_vault / "keyslots.bak.json").write_bytes(b"damaged")
    repaired = run("check", "--vault", str(cli_vault))
    assert repaired.returncode == 0 and "repaired" in repaired.stdout
    for name in ("keyslots.json", "keyslots.bak.json"):
        (cli_vault / name).write_bytes(b"damaged")
    both = run("check", "--vault", str(cli_vault))
    assert both.returncode == 1 and "both copies are damaged" in both.stdout
    assert "not run" in both.stdout
    no_traceback(both)


def test_check_on_a_damaged_database_names_it_and_exits_one(cli_vault: Path) -> None:
    db = cli_vault / "vault.db"
    data = bytearray(db.read_bytes())
    data[100] ^= 0xFF  # page 1: every read fails authentication
    db.write_bytes(bytes(data))
    damaged = run("check", "--vault", str(cli_vault))
    assert damaged.returncode == 1, damaged.stdout + damaged.stderr
    assert "✔ Keyslot file" in damaged.stdout and "database is damaged" in damaged.stdout
    no_traceback(damaged)
