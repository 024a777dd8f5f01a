"""Restoring a backup into a new directory, without bringing destroyed records back.

Never over an existing vault: the restore is built in a hidden sibling directory and renamed
into place at the end, so a crash or a full disk leaves either nothing or a complete vault.
Before the rename, every restore hook (``restore_hooks``) re-applies what the newer history
(the current vault or a newer backup) did after the backup was taken, e.g. destructions, and
the restore itself is audited in the restored vault, in the same transaction.

A restore with no newer history at all is refused unless the person states that none exists
(``no_newer_history``): otherwise a record destroyed after the backup could silently return.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from confterm.errors import (
    ConftermError,
    DamageError,
    InputError,
    PermissionDenied,
    VerificationError,
)
from confterm.i18n import t
from confterm.vault import audit, keyslots, people, store
from confterm.vault.atomic import fsync_dir
from confterm.vault.backup import write_failure_reason
from confterm.vault.backup_format import Manifest, file_digest
from confterm.vault.backup_verify import (
    Preflight,
    open_database,
    preflight,
    unlock,
    verify_contents,
)
from confterm.vault.lifecycle import check_new_vault_target
from confterm.vault.restore_history import History, detect_current, open_current, open_newer
from confterm.vault.restore_hooks import ReapplyHook, load_hooks
from confterm.vault.secrets import wipe
from confterm.vault.store import Connection, DatabaseError

Progress = Callable[[str, int, int], None]
MAX_AUDITED_LINES = 1000


@dataclass
class RestoreReport:
    path: Path
    manifest: Manifest
    history: str  # "current" | "newer" | "none"
    history_path: Path | None
    purged: list[str] = field(default_factory=list)
    migrations_applied: list[str] = field(default_factory=list)
    audit_seq: int = 0
    unreadable: Path | None = None  # a detected current vault skipped because damaged


def check_target(path: Path) -> None:
    """InputError unless ``path`` can become a new vault: absent, or an empty directory."""
    check_new_vault_target(path)


def preflight_restore(src: Path, target: Path) -> Preflight:
    """Every check that needs no passphrase: target, backup files, confterm version."""
    check_target(target)
    pre = preflight(src)
    known = {m.name for m in store.known_migrations()}
    unknown = sorted(set(pre.manifest.migrations) - known)
    if unknown:
        raise InputError("backup.restore_newer_confterm", path=str(src), migration=unknown[0])
    return pre


def _require_restorer(pre: Preflight, dek: bytearray, name: str) -> None:
    conn = open_database(pre.path / store.DB_NAME, dek)
    try:
        person = people.get(conn, name)
    finally:
        conn.close()
    if person is None or not person.active:
        raise PermissionDenied("backup.restore_not_in_backup", person=name)
    people.require_role(person, "administrator", "custodian")


def restore(src: Path, target: Path, name: str, passphrase: bytearray, *,
            current: Path | None = None, newer: Path | None = None,
            candidates: list[Path] | None = None, no_newer_history: bool = False,
            progress: Progress | None = None) -> RestoreReport:
    """Restore backup ``src`` into the new directory ``target`` as person ``name``."""
    note = progress or (lambda _stage, _done, _total: None)
    src, target = src.expanduser(), target.expanduser()
    pre = preflight_restore(src, target)
    detected = False
    if current is None and newer is None:
        origin = [Path(pre.manifest.origin)] if pre.manifest.origin else []
        current = detect_current(pre.manifest, [*origin, *(candidates or [])], target)
        detected = current is not None
    if current is None and newer is None and not no_newer_history:
        raise InputError("backup.restore_no_history", path=str(src))
    dek = unlock(pre, name, passphrase)
    history: History | None = None
    tmp = target.parent / f".{target.name}.restoring-{os.getpid()}"
    try:
        _require_restorer(pre, dek, name)
        report = verify_contents(pre, dek, note)
        if not report.ok:
            problem = report.problems[0]
            raise VerificationError("backup.restore_backup_bad", path=str(src),
                                    reason=t(problem.key, **problem.params))
        unreadable: Path | None = None
        if current is not None:
            try:
                history = open_current(current, pre.manifest, dek)
            except DamageError:
                # A damaged current vault is why people restore: found by detection and
                # declared absent by the person, it is skipped (and the audit says so).
                if not (detected and no_newer_history):
                    raise
                unreadable = current
        elif newer is not None:
            history = open_newer(newer, pre.manifest, dek)
        result = RestoreReport(target, pre.manifest, history.kind if history else "none",
                               history.path if history else None, unreadable=unreadable)
        _build(pre, tmp, dek, name, history, result, note)
        note("finalise", 0, 1)
        if target.exists():
            target.rmdir()
        os.rename(tmp, target)
        fsync_dir(target.parent)
        note("finalise", 1, 1)
        return result
    except ConftermError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except (OSError, DatabaseError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError("backup.restore_write_failed", path=str(target),
                         reason=write_failure_reason(exc)) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        wipe(dek)
        if history is not None:
            history.close()


def _run_hook(hook: ReapplyHook, history: History, restored: Connection,
              head_seq: int) -> list[str]:
    """A hook's own refusal passes through; anything else becomes one clear sentence."""
    try:
        return [str(line) for line in hook(history.conn, restored, head_seq)]
    except ConftermError:
        raise
    except Exception as exc:
        raise VerificationError("backup.restore_hook_failed",
                                hook=getattr(hook, "__qualname__", repr(hook)),
                                path=str(history.path), reason=str(exc)[:200]) from exc


def _build(pre: Preflight, tmp: Path, dek: bytearray, name: str, history: History | None,
           result: RestoreReport, note: Progress) -> None:
    note("copy", 0, 1)
    tmp.mkdir(mode=0o700)
    db = tmp / store.DB_NAME
    shutil.copyfile(pre.path / store.DB_NAME, db)
    os.chmod(db, 0o600)
    if file_digest(db).sha256 != pre.manifest.files[store.DB_NAME].sha256:
        raise VerificationError("backup.restore_copy_differs", path=str(db))
    for slot_file in (keyslots.PRIMARY, keyslots.BACKUP):
        shutil.copyfile(pre.path / slot_file, tmp / slot_file)
        os.chmod(tmp / slot_file, 0o600)
    conn = store.connect(db, dek)
    try:
        store.self_check(conn, db)
        result.migrations_applied = store.migrate(conn, db)
        note("reapply", 0, 1)
        manifest = pre.manifest
        try:
            with store.transaction(conn):
                if history is not None:
                    for hook in load_hooks():
                        result.purged.extend(_run_hook(hook, history, conn,
                                                       manifest.audit_count))
                result.audit_seq = audit.append(conn, name, "vault.restore", "vault",
                                                manifest.vault_id, {
                    "backup_id": manifest.backup_id, "backup_created_at": manifest.created_at,
                    "backup_label": manifest.label, "backup_head_seq": manifest.audit_count,
                    "history": result.history,
                    "history_path": str(history.path) if history else None,
                    "history_head_seq": history.head_seq if history else None,
                    "history_unreadable": str(result.unreadable) if result.unreadable else None,
                    "purged_count": len(result.purged),
                    "purged": result.purged[:MAX_AUDITED_LINES],
                    "migrations_applied": result.migrations_applied})
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for child in tmp.iterdir():
        fd = os.open(child, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    fsync_dir(tmp)
