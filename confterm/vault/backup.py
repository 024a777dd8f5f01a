"""Writing a backup of an unlocked vault, consistent while the app keeps working.

How it stays consistent without stopping the app: a second, read-only connection opens a
read transaction (a WAL snapshot) and SQLite's online backup API copies the pages of that
snapshot into a new file keyed with the same raw data key, so the copy is encrypted exactly
like the vault (verified with sqlcipher3 4.19: same key opens it, no plaintext in the file).
The database thread keeps serving the app meanwhile; the audit head recorded in the
manifest is read inside the same snapshot.

How no partial backup ever looks valid: everything is written into a hidden
``.NAME.PID.partial`` directory (which ``verify`` refuses by name), the manifest with every
file's digest last, each file fsynced; then one rename gives it its final name; then it is
read back from the medium and verified; only then is it entered in the register (audited).
Any failure at any stage removes what was written and leaves the vault as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from confterm import __version__
from confterm.errors import ConftermError, InputError, VerificationError
from confterm.i18n import t
from confterm.vault import audit, backup_register, keyslots, people, store
from confterm.vault.atomic import fsync_dir
from confterm.vault.backup_adopt import PREFIX as ADOPT_PREFIX
from confterm.vault.backup_adopt import adopt_orphans
from confterm.vault.backup_format import MANIFEST, PARTIAL_SUFFIX, Manifest, file_digest
from confterm.vault.backup_verify import (
    VerifyReport,
    check_key,
    open_database,
    preflight,
    verify_contents,
)
from confterm.vault.secrets import wipe
from confterm.vault.session import VaultSession
from confterm.vault.store import DatabaseError

Progress = Callable[[str, int, int], None]
STAGES = ("prepare", "database", "keyslots", "manifest", "finalise", "verify", "register")
PAGES_PER_STEP = 256
PREFIX = ADOPT_PREFIX  # one name for writing and for adopting


@dataclass
class BackupResult:
    path: Path
    manifest: Manifest
    report: VerifyReport


def _final_path(dest: Path, vault_dir: Path, backup_id: str) -> Path:
    """DEST itself when it does not exist yet; else a new, dated directory inside DEST."""
    vault_dir = vault_dir.resolve()
    if dest.exists():
        if not dest.is_dir():
            raise InputError("backup.dest_not_directory", path=str(dest))
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        final = dest / f"{PREFIX}{stamp}-{backup_id[:6]}"
    else:
        if not dest.parent.is_dir():
            raise InputError("backup.dest_parent_missing", path=str(dest.parent))
        final = dest
    resolved = final.parent.resolve()
    if resolved == vault_dir or vault_dir in resolved.parents:
        raise InputError("backup.dest_inside_vault", path=str(dest))
    if not os.access(final.parent, os.W_OK | os.X_OK):
        raise InputError("backup.dest_unwritable", path=str(final.parent))
    return final


def _clean_stale_partials(parent: Path) -> None:
    """Remove half-written backups left by a process that was killed (its pid is gone)."""
    for entry in parent.glob(f".*{PARTIAL_SUFFIX}"):
        pid_text = entry.name[: -len(PARTIAL_SUFFIX)].rsplit(".", 1)[-1]
        if not pid_text.isdigit():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except PermissionError:
            continue


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        # Drop the cached pages so the read-back verification reads the medium itself.
        with contextlib.suppress(AttributeError, OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class _Snapshot:
    count: int
    head: bytes
    migrations: list[str]
    vault_name: str


def _copy_snapshot(vault_db: Path, target: Path, dek: bytearray, note: Progress) -> _Snapshot:
    """Copy one consistent snapshot of the live database into ``target`` (same key)."""
    src = open_database(vault_db, dek, read_only=True)
    try:
        src.execute("BEGIN")
        count, head = audit.head(src)  # the first read fixes the snapshot
        migrations = sorted(r[0] for r in src.execute("SELECT name FROM schema_migrations"))
        row = src.execute("SELECT value FROM settings WHERE key = 'vault_name'").fetchone()
        _write_file(target, b"")  # created 0600 before SQLite touches it
        dst = open_database(target, dek, read_only=False)
        try:
            src.backup(dst, pages=PAGES_PER_STEP,
                       progress=lambda _s, left, total: note("database", total - left, total))
            dst.execute("PRAGMA journal_mode = DELETE").fetchone()  # self-contained file
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()
    _fsync_file(target)
    return _Snapshot(count, head, migrations, str(row[0]) if row else "")


def create_backup(session: VaultSession, dest: Path, label: str | None = None,
                  kept_at: str | None = None, progress: Progress | None = None) -> BackupResult:
    """Write, read back, verify and register a backup of ``session``'s vault under ``dest``."""
    people.require_role(session.person, "custodian", "administrator")
    note = progress or (lambda _stage, _done, _total: None)
    backup_id = uuid.uuid4().hex
    final = _final_path(dest.expanduser().absolute(), session.path, backup_id)
    if final.exists():
        raise InputError("backup.dest_exists", path=str(final))
    partial = final.parent / f".{final.name}.{os.getpid()}{PARTIAL_SUFFIX}"
    dek = session.data_key_copy()
    renamed = False
    try:
        note("prepare", 0, 1)
        _clean_stale_partials(final.parent)
        adopt_orphans(session, final.parent)
        partial.mkdir(mode=0o700)
        note("database", 0, 1)
        snap = _copy_snapshot(session.path / store.DB_NAME, partial / store.DB_NAME, dek, note)
        note("keyslots", 0, 1)
        slot_bytes = keyslots.load(session.path).file.serialise()
        for name in (keyslots.PRIMARY, keyslots.BACKUP):
            _write_file(partial / name, slot_bytes)
        note("manifest", 0, 1)
        manifest = Manifest(
            backup_id=backup_id, vault_id=session.vault_id, vault_name=snap.vault_name,
            created_at=store.utc_now(), created_by=session.person.name,
            label=(label or final.name).strip()[:200], kept_at=(kept_at or "").strip()[:200],
            origin=str(session.path.resolve()), confterm_version=__version__,
            migrations=snap.migrations, audit_count=snap.count, audit_head=snap.head.hex(),
            files={n: file_digest(partial / n)
                   for n in (store.DB_NAME, keyslots.PRIMARY, keyslots.BACKUP)})
        manifest.mac = manifest.compute_mac(dek)
        _write_file(partial / MANIFEST, manifest.serialise())
        fsync_dir(partial)
        note("finalise", 0, 1)
        os.rename(partial, final)
        renamed = True
        fsync_dir(final.parent)
        note("verify", 0, 1)
        report = _read_back(final, dek, note)
        note("register", 0, 1)
        session.call(backup_register.register_manifest, manifest, final, "backup.create",
                     store.utc_now())
        note("register", 1, 1)
        return BackupResult(final, manifest, report)
    except ConftermError:
        _remove(partial, final if renamed else None)
        raise
    except (OSError, DatabaseError) as exc:
        _remove(partial, final if renamed else None)
        raise InputError("backup.write_failed", path=str(final),
                         reason=write_failure_reason(exc)) from exc
    except BaseException:
        _remove(partial, final if renamed else None)
        raise
    finally:
        wipe(dek)


def write_failure_reason(exc: BaseException) -> str:
    """Why a write failed, in the reader's words: full, read-only, gone, or I/O error."""
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or "disk is full" in str(exc):
        return t("backup.reason_full")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return t("backup.reason_read_only")
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.ESTALE):
        return t("backup.reason_removed")
    if code == errno.EIO or "disk I/O error" in str(exc):
        return t("backup.reason_io")
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _read_back(final: Path, dek: bytearray, note: Progress) -> VerifyReport:
    pre = preflight(final)
    check_key(pre, dek)
    report = verify_contents(pre, dek, note)
    if not report.ok:
        problem = report.problems[0]
        raise VerificationError("backup.readback_failed", path=str(final),
                                reason=t(problem.key, **problem.params))
    return report


def _remove(partial: Path, final: Path | None) -> None:
    shutil.rmtree(partial, ignore_errors=True)
    if final is not None:
        shutil.rmtree(final, ignore_errors=True)
        with contextlib.suppress(OSError):
            fsync_dir(final.parent)
