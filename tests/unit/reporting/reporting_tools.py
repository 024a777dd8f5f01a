"""Helpers for the vault report tests (a uniquely named module: several folders have a
conftest.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from confterm.cli import main
from confterm.vault import lifecycle
from confterm.vault.demo import DEMO_PEOPLE
from confterm.vault.reporting import kinds, run
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import VaultSession

ADMIN = DEMO_PEOPLE[0]  # 李建国: administrator, custodian
AUDITOR = DEMO_PEOPLE[5]  # 赵敏: auditor


def open_as(path: Path, name: str = ADMIN.name) -> VaultSession:
    secret = next(p.passphrase for p in DEMO_PEOPLE if p.name == name)
    return lifecycle.open_vault(path, name, passphrase_bytes(secret))


def generate(session: VaultSession, kind: str, lang: str = "zh_CN",
             **options: object) -> run.Generated:
    opts = kinds.ReportOptions(kind, lang, "单元测试", **options)  # type: ignore[arg-type]
    return run.generate(session, opts)


def cli(monkeypatch: pytest.MonkeyPatch, vault: Path, *args: str,
        stdin: str = ADMIN.passphrase + "\n") -> int:
    """Run ``confterm --lang en --vault VAULT --as ADMIN ARGS`` with passphrases on stdin."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    command, *rest = args
    return main(["--lang", "en", command, "--vault", str(vault), "--as", ADMIN.name, *rest])
