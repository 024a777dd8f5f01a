"""The CLI as a script sees it: stdin passphrases, exit codes, one sentence, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PASS = "correct horse battery staple"


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "CONFTERM_LANG": "en", **(env or {})}
    return subprocess.run([sys.executable, "-m", "confterm", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env=full_env)


def assert_one_sentence(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr


@pytest.fixture
def cli_vault(tmp_path: Path) -> Path:
    path = tmp_path / "v"
    result = run("init", "--vault", str(path), "--name", "Admin", "--fast-kdf",
                 stdin=f"{PASS}\n{PASS}\n")
    assert result.returncode == 0, result.stderr
    assert "Recovery key" in result.stdout
    return path


def test_init_then_verify_and_user_management(cli_vault: Path) -> None:
    ok = run("audit", "verify", "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert ok.returncode == 0 and "intact" in ok.stdout
    add = run("user", "add", "--vault", str(cli_vault), "--name", "王秀英", "--role",
              "custodian", "--fast-kdf", stdin=f"{PASS}\nanother fine passphrase\n"
              "another fine passphrase\n")
    assert add.returncode == 0, add.stderr
    listing = run("user", "list", "--vault", str(cli_vault), "--as", "王秀英",
                  stdin="another fine passphrase\n")
    assert listing.returncode == 0 and "王秀英" in listing.stdout and "Admin" in listing.stdout
    needs_as = run("user", "list", "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert needs_as.returncode == 2 and "--as" in needs_as.stderr
    assert_one_sentence(needs_as)


def test_vault_and_person_may_come_before_the_command(cli_vault: Path, tmp_path: Path) -> None:
    """``confterm --vault X --as NAME COMMAND`` uses X, not $CONFTERM_VAULT or the default
    (the command's own parser used to put its empty defaults over them)."""
    elsewhere = {"CONFTERM_VAULT": str(tmp_path / "no-such-vault")}
    ok = run("--vault", str(cli_vault), "--as", "Admin", "audit", "verify",
             stdin=f"{PASS}\n", env=elsewhere)
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stderr
    after = run("audit", "verify", "--vault", str(cli_vault), stdin=f"{PASS}\n", env=elsewhere)
    assert after.returncode == 0, after.stderr


def test_wrong_passphrase_exits_3(cli_vault: Path) -> None:
    result = run("audit", "verify", "--vault", str(cli_vault), stdin="not the right one\n")
    assert result.returncode == 3
    assert_one_sentence(result)


def test_bad_inputs_exit_2_with_one_sentence(cli_vault: Path, tmp_path: Path) -> None:
    again = run("init", "--vault", str(cli_vault), "--name", "X", stdin=f"{PASS}\n{PASS}\n")
    assert again.returncode == 2 and "already holds a vault" in again.stderr
    missing = run("audit", "verify", "--vault", str(tmp_path / "none"), stdin=f"{PASS}\n")
    assert missing.returncode == 2 and "No vault directory" in missing.stderr
    weak = run("init", "--vault", str(tmp_path / "w"), "--name", "X",
               stdin="qwerty123456\nqwerty123456\n")
    assert weak.returncode == 2 and "too common" in weak.stderr
    assert not (tmp_path / "w").exists()
    mismatch = run("init", "--vault", str(tmp_path / "m"), "--name", "X",
                   stdin=f"{PASS}\n{PASS}x\n")
    assert mismatch.returncode == 3 and "do not match" in mismatch.stderr
    typo = run("audit", "verify", "--vault", str(cli_vault), "--checkpoint", "CP-1-AAAA")
    assert typo.returncode == 2
    for result in (again, missing, weak, mismatch, typo):
        assert_one_sentence(result)


def test_tampered_audit_log_exits_1(cli_vault: Path) -> None:
    from confterm.vault import lifecycle
    from confterm.vault.secrets import passphrase_bytes

    with lifecycle.open_vault(cli_vault, "Admin", passphrase_bytes(PASS)) as s:
        s.call(lambda ctx: ctx.conn.execute(
            "UPDATE audit_events SET actor = 'Mallory' WHERE seq = 1"))
    result = run("audit", "verify", "--vault", str(cli_vault), stdin=f"{PASS}\n")
    assert result.returncode == 1 and "event 1" in result.stderr


def test_help_is_translated() -> None:
    en = run("--help")
    zh = run("--help", env={"CONFTERM_LANG": "zh_CN"})
    assert en.returncode == zh.returncode == 0
    assert "Exit codes" in en.stdout and "退出码" in zh.stdout
