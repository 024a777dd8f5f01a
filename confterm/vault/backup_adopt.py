"""Backups that exist on a medium but are missing from the register, entered after all.

A backup is registered only after it is complete and verified, so that a failure leaves the
vault unchanged. The price: kill -9 (or a power cut) in the few milliseconds between the
final rename and the register's commit leaves a complete, valid backup the register does
not know. Such a copy must not stay unknown (destruction certificates list the media that
hold a record), so it is adopted: when the next backup is written beside it, or when
``backup verify --record`` reads it. Only a genuine backup of *this* vault is adopted (its
keyslot and manifest MACs verify under this vault's data key); adoption is audited.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from confterm.errors import ConftermError, InputError
from confterm.vault import backup_register
from confterm.vault.backup_verify import check_key, preflight
from confterm.vault.secrets import wipe
from confterm.vault.session import VaultSession
from confterm.vault.store import DatabaseError

PREFIX = "confterm-backup-"


def adopt(session: VaultSession, src: Path) -> bool:
    """Register the backup at ``src`` if it is this vault's and unknown; True if it was."""
    pre = preflight(src)
    if pre.manifest.vault_id != session.vault_id:
        raise InputError("backup.record_other_vault", path=str(src))
    if session.call(backup_register.get, pre.manifest.backup_id) is not None:
        return False
    dek = session.data_key_copy()
    try:
        check_key(pre, dek)
    finally:
        wipe(dek)
    session.call(backup_register.register_manifest, pre.manifest, src.resolve(),
                 "backup.adopt", None)
    return True


def adopt_orphans(session: VaultSession, parent: Path) -> list[Path]:
    """Adopt every unregistered backup of this vault named ``confterm-backup-*`` in
    ``parent``; anything else there (damaged, other vaults) is left alone."""
    adopted = []
    for entry in sorted(parent.glob(f"{PREFIX}*")):
        with contextlib.suppress(ConftermError, OSError, DatabaseError):
            if entry.is_dir() and adopt(session, entry):
                adopted.append(entry)
    return adopted
