"""``confterm check`` and the TUI's check action: one summary line per check.

Checks, in order: the keyslot file (both copies, and the MAC under the data key), SQLCipher's
page authentication (``cipher_integrity_check``), SQLite's structure (``integrity_check``),
the audit hash chain, and the settings self-check. Each check yields a line even when an
earlier one failed, so the custodian sees the whole picture; none raises for damage.

For the TUI: ``run_checks(session, progress)`` blocks (call it from a worker thread), and
``progress(check_name, done, total)`` is called from the calling thread and the database
thread: marshal it to the UI with ``App.call_from_thread``.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from confterm.errors import ConftermError
from confterm.vault import audit, keys, keyslots, store
from confterm.vault.lifecycle import MAC_PURPOSE
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx, VaultSession
from confterm.vault.store import DatabaseError

Progress = Callable[[str, int, int], None]
CHECKS = ("keyslots", "cipher_integrity", "integrity", "audit", "settings")
REQUIRED_SETTINGS = ("vault_id", "vault_name", "created_at", "vault_public_key")


@dataclass
class CheckLine:
    """One check's outcome: ``key``/``params`` render the line with ``t``."""

    name: str
    ok: bool
    key: str
    params: dict[str, object] = field(default_factory=dict)


def keyslot_status(vault_dir: Path) -> CheckLine:
    """Both copies parsed without any key: intact, one damaged, or both damaged."""
    damaged, generations = [], []
    for name in (keyslots.PRIMARY, keyslots.BACKUP):
        try:
            generations.append(keyslots.parse((vault_dir / name).read_bytes()).generation)
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
            damaged.append(name)
    if len(damaged) == 2:
        return CheckLine("keyslots", False, "backup.check_keyslots_both_damaged",
                         {"path": str(vault_dir / keyslots.PRIMARY)})
    if damaged:
        return CheckLine("keyslots", False, "backup.check_keyslots_one_damaged",
                         {"file": damaged[0]})
    if generations[0] != generations[1]:
        return CheckLine("keyslots", False, "backup.check_keyslots_stale",
                         {"first": generations[0], "second": generations[1]})
    return CheckLine("keyslots", True, "backup.check_keyslots_ok",
                     {"generation": generations[0]})


def _keyslots_after_unlock(session: VaultSession, before: CheckLine | None) -> CheckLine:
    now = keyslot_status(session.path)
    if not now.ok:
        return now
    loaded = keyslots.load(session.path)
    dek = session.data_key_copy()
    mac_key = keys.subkey(dek, MAC_PURPOSE)
    try:
        mac_ok = hmac.compare_digest(loaded.file.compute_mac(mac_key), loaded.file.mac)
    finally:
        wipe(mac_key)
        wipe(dek)
    if not mac_ok:
        return CheckLine("keyslots", False, "backup.check_keyslots_tampered", {})
    if before is not None and not before.ok:
        return CheckLine("keyslots", True, "backup.check_keyslots_repaired",
                         {"generation": now.params["generation"]})
    return now


def _cipher(ctx: Ctx) -> CheckLine:
    rows = [" ".join(str(c) for c in r) for r in ctx.conn.execute(
        "PRAGMA cipher_integrity_check")]
    if rows:
        return CheckLine("cipher_integrity", False, "backup.check_cipher_bad",
                         {"count": len(rows), "first": rows[0][:120]})
    pages = ctx.conn.execute("PRAGMA page_count").fetchone()[0]
    return CheckLine("cipher_integrity", True, "backup.check_cipher_ok", {"pages": pages})


def _integrity(ctx: Ctx) -> CheckLine:
    rows = [str(r[0]) for r in ctx.conn.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        return CheckLine("integrity", False, "backup.check_integrity_bad",
                         {"first": rows[0][:120] if rows else "?"})
    return CheckLine("integrity", True, "backup.check_integrity_ok", {})


def _audit(ctx: Ctx, progress: Progress) -> CheckLine:
    chain = audit.verify_chain(ctx.conn, lambda done, total: progress("audit", done, total))
    if not chain.intact:
        return CheckLine("audit", False, chain.reason or "audit.hash_mismatch",
                         {"seq": chain.first_bad})
    return CheckLine("audit", True, "backup.check_audit_ok", {
        "count": chain.count, "head": audit.checkpoint_code(chain.count, chain.head_hash)})


def _settings(ctx: Ctx) -> CheckLine:
    db_path = ctx.session.path / store.DB_NAME
    try:
        store.self_check(ctx.conn, db_path)
    except ConftermError as exc:
        return CheckLine("settings", False, exc.key, dict(exc.params))
    values = dict(ctx.conn.execute("SELECT key, value FROM settings"))
    missing = [k for k in REQUIRED_SETTINGS if k not in values]
    if missing:
        return CheckLine("settings", False, "backup.check_settings_missing",
                         {"setting": missing[0]})
    if values["vault_id"] != ctx.session.vault_id:
        return CheckLine("settings", False, "backup.check_settings_vault_id", {})
    if values["vault_public_key"] != ctx.session.vault_public_key.hex():
        return CheckLine("settings", False, "backup.check_settings_vault_key", {})
    applied = {r[0] for r in ctx.conn.execute("SELECT name FROM schema_migrations")}
    pending = [m.name for m in store.known_migrations() if m.name not in applied]
    if pending:
        return CheckLine("settings", False, "backup.check_settings_migration",
                         {"migration": pending[0]})
    return CheckLine("settings", True, "backup.check_settings_ok",
                     {"migrations": len(applied)})


def _guarded(name: str, fn: Callable[[], CheckLine]) -> CheckLine:
    try:
        return fn()
    except DatabaseError as exc:
        return CheckLine(name, False, "backup.check_database_error",
                         {"reason": str(exc)[:200]})
    except ConftermError as exc:
        return CheckLine(name, False, exc.key, dict(exc.params))


def run_checks(session: VaultSession, progress: Progress | None = None,
               keyslots_before: CheckLine | None = None) -> list[CheckLine]:
    """Every check on an unlocked vault, in order; ``keyslots_before`` is the file's state
    seen before unlocking (unlocking repairs a damaged copy, and that is worth saying)."""
    note = progress or (lambda _name, _done, _total: None)
    total = len(CHECKS)
    lines: list[CheckLine] = []
    steps: list[tuple[str, Callable[[], CheckLine]]] = [
        ("keyslots", lambda: _keyslots_after_unlock(session, keyslots_before)),
        ("cipher_integrity", lambda: session.call(_cipher)),
        ("integrity", lambda: session.call(_integrity)),
        ("audit", lambda: session.call(_audit, note)),
        ("settings", lambda: session.call(_settings)),
    ]
    for index, (name, fn) in enumerate(steps):
        note("check", index, total)
        note(name, 0, 1)
        lines.append(_guarded(name, fn))
    note("check", total, total)
    return lines
