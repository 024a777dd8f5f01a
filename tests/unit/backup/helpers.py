"""Shared helpers for the backup tests: a vault with some audited content, and shortcuts."""

from __future__ import annotations

from pathlib import Path

from confterm.vault import backup, backup_verify, lifecycle
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import Ctx, VaultSession
from tests.conftest import ADMIN, ADMIN_PASS

CANARY = "CANARY-统一社会信用代码-91310000MA1FL0XX7Q"


def _add(ctx: Ctx, n: int, body: str) -> int:
    with ctx.transaction():
        ctx.conn.execute("CREATE TABLE IF NOT EXISTS test_rows(n INTEGER PRIMARY KEY,"
                         " body TEXT NOT NULL)")
        ctx.conn.execute("INSERT INTO test_rows(n, body) VALUES (?, ?)", (n, body))
        return ctx.audit("test.edit", "test_row", n, {"len": len(body)})


def add_rows(session: VaultSession, start: int, count: int, body: str = CANARY) -> int:
    """Audited inserts; returns the last audit seq."""
    seq = 0
    for n in range(start, start + count):
        seq = session.call(_add, n, f"{body}-{n}")
    return seq


def open_admin(path: Path) -> VaultSession:
    return lifecycle.open_vault(path, ADMIN, passphrase_bytes(ADMIN_PASS))


def take_backup(vault: Path, dest: Path, **kwargs: object) -> backup.BackupResult:
    with open_admin(vault) as s:
        return backup.create_backup(s, dest, **kwargs)  # type: ignore[arg-type]


def verify(src: Path, passphrase: str = ADMIN_PASS) -> backup_verify.VerifyReport:
    pre = backup_verify.preflight(src)
    dek = backup_verify.unlock(pre, ADMIN, passphrase_bytes(passphrase))
    try:
        return backup_verify.verify_contents(pre, dek)
    finally:
        dek[:] = bytes(len(dek))
