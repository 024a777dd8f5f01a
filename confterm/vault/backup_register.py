"""The backup register: which media hold a copy of the vault, where they are kept, and when
each was last verified. Services take a ``ctx`` and run on the database thread.

The dashboard warns when the last *verified* backup is older than a configurable number of
days (a backup never verified is no comfort); destruction certificates ask which registered
media still hold a record destroyed today (``backups_holding``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from confterm.errors import InputError
from confterm.vault import store
from confterm.vault.backup_format import Manifest
from confterm.vault.session import Ctx
from confterm.vault.store import DatabaseError

WARN_DAYS_SETTING = "backup_warn_days"
DEFAULT_WARN_DAYS = 7
MAX_WARN_DAYS = 3650


@dataclass(frozen=True)
class RegisteredBackup:
    id: int
    backup_id: str
    label: str
    kept_at: str
    location: str
    created_at: str
    created_by: str
    head_seq: int
    size_bytes: int
    verified_at: str | None
    verified_by: str | None
    retired_at: str | None


_COLUMNS = ("id, backup_id, label, kept_at, location, created_at, created_by, head_seq,"
            " size_bytes, verified_at, verified_by, retired_at")


def _rows(ctx: Ctx, where: str = "", params: tuple[object, ...] = ()) -> list[RegisteredBackup]:
    sql = f"SELECT {_COLUMNS} FROM backup_register {where} ORDER BY created_at DESC, id DESC"
    return [RegisteredBackup(*row) for row in ctx.conn.execute(sql, params)]


def list_backups(ctx: Ctx) -> list[RegisteredBackup]:
    return _rows(ctx)


def get(ctx: Ctx, backup_id: str) -> RegisteredBackup | None:
    found = _rows(ctx, "WHERE backup_id = ?", (backup_id,))
    return found[0] if found else None


def backups_holding(ctx: Ctx, since_seq: int) -> list[RegisteredBackup]:
    """Media (not retired) whose backup contains audit event ``since_seq`` or later.

    For a destruction certificate: pass the seq of the event that catalogued the record;
    every backup taken after it still carries a copy of that record.
    """
    return _rows(ctx, "WHERE head_seq >= ? AND retired_at IS NULL", (since_seq,))


def _parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def last_verified_backup_age(ctx: Ctx, now: datetime | None = None) -> timedelta | None:
    """How long since the newest successful verification of any live backup; None if none."""
    row = ctx.conn.execute("SELECT max(verified_at) FROM backup_register"
                           " WHERE verified_at IS NOT NULL AND retired_at IS NULL").fetchone()
    if row is None or row[0] is None:
        return None
    return (now or ctx.now()) - _parse_utc(str(row[0]))


def warn_days(ctx: Ctx) -> int:
    row = ctx.conn.execute("SELECT value FROM settings WHERE key = ?",
                           (WARN_DAYS_SETTING,)).fetchone()
    try:
        return int(row[0]) if row else DEFAULT_WARN_DAYS
    except ValueError:
        return DEFAULT_WARN_DAYS


def set_warn_days(ctx: Ctx, days: int) -> None:
    if not 1 <= days <= MAX_WARN_DAYS:
        raise InputError("backup.bad_warn_days", maximum=MAX_WARN_DAYS)
    with ctx.transaction():
        ctx.conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)",
                         (WARN_DAYS_SETTING, str(days)))
        ctx.audit("settings.change", "setting", WARN_DAYS_SETTING, {"value": days})


@dataclass(frozen=True)
class BackupWarning:
    """For the dashboard: a catalogue key and its parameters (render with ``t``)."""

    key: str
    params: dict[str, object]


def backup_warning(ctx: Ctx, now: datetime | None = None) -> BackupWarning | None:
    """None when a backup was verified within the configured days; else what to say."""
    limit = warn_days(ctx)
    age = last_verified_backup_age(ctx, now)
    if age is None:
        return BackupWarning("backup.warn_never", {})
    if age > timedelta(days=limit):
        return BackupWarning("backup.warn_old", {"days": age.days, "limit": limit})
    return None


def insert(ctx: Ctx, *, backup_id: str, label: str, kept_at: str, location: str,
           created_at: str, head_seq: int, head_hash: bytes, size_bytes: int,
           verified_at: str | None) -> int:
    """Register a backup (call inside the transaction that audits it)."""
    cur = ctx.conn.execute(
        "INSERT INTO backup_register(backup_id, label, kept_at, location, created_at,"
        " created_by, head_seq, head_hash, size_bytes, verified_at, verified_by)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (backup_id, label, kept_at, location, created_at, ctx.actor.name, head_seq, head_hash,
         size_bytes, verified_at, ctx.actor.name if verified_at else None))
    return int(cur.lastrowid or 0)


def register_manifest(ctx: Ctx, manifest: Manifest, location: Path, action: str,
                      verified_at: str | None) -> None:
    """Enter a backup in the register and audit it (``action``), all or nothing."""
    try:
        with ctx.transaction():
            insert(ctx, backup_id=manifest.backup_id, label=manifest.label,
                   kept_at=manifest.kept_at, location=str(location),
                   created_at=manifest.created_at, head_seq=manifest.audit_count,
                   head_hash=bytes.fromhex(manifest.audit_head),
                   size_bytes=manifest.total_size, verified_at=verified_at)
            ctx.audit(action, "backup", manifest.backup_id, {
                "label": manifest.label, "kept_at": manifest.kept_at,
                "location": str(location), "head_seq": manifest.audit_count,
                "size": manifest.total_size,
                "database_sha256": manifest.files[store.DB_NAME].sha256})
    except BaseException:
        # A failed COMMIT (disk full) may leave the transaction open: never leave it so.
        if ctx.conn.in_transaction:
            with contextlib.suppress(DatabaseError):
                ctx.conn.execute("ROLLBACK")
        raise


def mark_verified(ctx: Ctx, backup_id: str, location: str, events: int) -> bool:
    """Record a successful verification of a registered backup (audited); False if unknown."""
    if get(ctx, backup_id) is None:
        return False
    now = store.utc_now()
    with ctx.transaction():
        ctx.conn.execute("UPDATE backup_register SET verified_at = ?, verified_by = ?"
                         " WHERE backup_id = ?", (now, ctx.actor.name, backup_id))
        ctx.audit("backup.verify", "backup", backup_id, {"location": location,
                                                         "events": events})
    return True
