"""The dashboard's backup reminder, through the shell's attention registry."""

from __future__ import annotations

from pathlib import Path

from confterm import attention
from confterm.vault import backup
from confterm.vault.session import VaultSession


def test_reminder_until_a_verified_backup_exists(session: VaultSession, tmp_path: Path) -> None:
    import confterm.screens.backup_status  # noqa: F401  (what the shell's discovery does)
    from confterm.vault.backup_attention import backup_attention

    assert backup_attention in attention.providers()
    items = session.call(backup_attention)
    assert [(i.key, i.severity) for i in items] == [("backup.warn_never", "warning")]
    backup.create_backup(session, tmp_path / "b")
    assert session.call(backup_attention) == []
