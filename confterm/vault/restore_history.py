"""Finding and opening the history that is newer than a backup (for the restore hooks).

The newer history is the current vault (given with ``--current`` or found where the backup
was taken from) or a newer backup (``--newer``). Either must be the *same* vault (vault_id),
open with the *same* data key (keyslot MAC), and its audit chain must extend the backup's:
its event number ``head_seq`` carries the backup's head hash. Anything else is refused,
because re-applying destructions from an unrelated history would be guesswork.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path

from confterm.errors import ConflictError, DamageError, InputError
from confterm.vault import audit, keys, keyslots, store
from confterm.vault.backup_format import Manifest
from confterm.vault.backup_verify import check_key, open_database, preflight
from confterm.vault.lifecycle import MAC_PURPOSE, is_vault
from confterm.vault.secrets import wipe
from confterm.vault.store import Connection, DatabaseError


@dataclass
class History:
    kind: str  # "current" | "newer"
    path: Path
    conn: Connection
    head_seq: int

    def close(self) -> None:
        self.conn.close()


def vault_id_of(path: Path) -> str | None:
    """The vault_id in ``path``'s keyslot file, or None if it is not a readable vault."""
    try:
        if not path.is_dir() or not is_vault(path):
            return None
        return keyslots.load(path).file.vault_id
    except (OSError, DamageError):
        return None


def detect_current(manifest: Manifest, candidates: list[Path], target: Path) -> Path | None:
    """The first candidate (e.g. the backup's origin) that holds this same vault."""
    for path in candidates:
        path = path.expanduser()
        if path.resolve() == target.resolve():
            continue
        if vault_id_of(path) == manifest.vault_id:
            return path
    return None


def _check_extends(conn: Connection, manifest: Manifest, where: Path) -> int:
    count, _ = audit.head(conn)
    if manifest.audit_count == 0:
        return count
    row = conn.execute("SELECT hash FROM audit_events WHERE seq = ?",
                       (manifest.audit_count,)).fetchone()
    if count < manifest.audit_count or row is None \
            or not hmac.compare_digest(bytes(row[0]).hex(), manifest.audit_head):
        raise ConflictError("backup.restore_history_diverged", path=str(where),
                            seq=manifest.audit_count)
    return count


def open_current(path: Path, manifest: Manifest, dek: bytearray) -> History:
    path = path.expanduser()
    if not path.is_dir() or not is_vault(path):
        raise InputError("backup.restore_current_not_vault", path=str(path))
    loaded = keyslots.load(path)
    if loaded.file.vault_id != manifest.vault_id:
        raise InputError("backup.restore_other_vault", path=str(path))
    mac_key = keys.subkey(dek, MAC_PURPOSE)
    try:
        same_key = hmac.compare_digest(loaded.file.compute_mac(mac_key), loaded.file.mac)
    finally:
        wipe(mac_key)
    if not same_key:
        raise DamageError("backup.restore_current_key_differs", path=str(path))
    try:
        conn = open_database(path / store.DB_NAME, dek, read_only=True)
    except DamageError:
        raise DamageError("backup.restore_current_unreadable", path=str(path)) from None
    try:
        return History("current", path, conn, _check_extends(conn, manifest, path))
    except DatabaseError as exc:
        conn.close()
        raise DamageError("backup.restore_current_unreadable", path=str(path)) from exc
    except BaseException:
        conn.close()
        raise


def open_newer(src: Path, manifest: Manifest, dek: bytearray) -> History:
    pre = preflight(src)
    if pre.manifest.vault_id != manifest.vault_id:
        raise InputError("backup.restore_other_vault", path=str(src))
    if pre.manifest.audit_count < manifest.audit_count:
        raise InputError("backup.restore_newer_is_older", path=str(src))
    check_key(pre, dek)
    conn = open_database(src / store.DB_NAME, dek, read_only=True)
    try:
        return History("newer", src, conn, _check_extends(conn, manifest, src))
    except DatabaseError as exc:
        conn.close()
        raise DamageError("backup.database_damaged", path=str(src)) from exc
    except BaseException:
        conn.close()
        raise
