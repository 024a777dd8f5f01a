"""Opening and verifying a backup: files, passphrase, MACs, SQLCipher and the audit chain.

Order matters, so that every failure gets its own message: manifest -> file sizes and
digests (no passphrase needed: a truncated copy is found before anyone types a secret) ->
the person's slot in the backup's own keyslot file (AEAD failure on an intact file can only
be a wrong passphrase) -> keyslot and manifest MACs (tampering) -> read-only database ->
cipher_integrity_check, integrity_check, settings, audit chain and its head.
A backup is never written to while it is verified: it may sit on a read-only medium.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlcipher3

from confterm.errors import AuthError, DamageError
from confterm.vault import audit, keys, keyslots, store
from confterm.vault.backup_format import Manifest, check_files, read_manifest
from confterm.vault.lifecycle import MAC_PURPOSE
from confterm.vault.secrets import wipe
from confterm.vault.store import Connection, DatabaseError

Progress = Callable[[str, int, int], None]


def open_database(db_path: Path, dek: bytearray, read_only: bool = True) -> Connection:
    """Connect to a SQLCipher file with the raw data key; DamageError if it cannot be read."""
    target = db_path.resolve().as_uri() + ("?mode=ro" if read_only else "")
    conn: Connection = sqlcipher3.connect(target, uri=True, isolation_level=None,
                                          check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        pragma = store._key_pragma(dek)
        try:
            conn.execute(pragma.decode("ascii"))
        finally:
            wipe(pragma)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if read_only:
            conn.execute("PRAGMA query_only = 1")
    except DatabaseError as exc:
        conn.close()
        raise DamageError("backup.database_damaged", path=str(db_path)) from exc
    return conn


@dataclass
class Preflight:
    """A backup whose files are intact (checked without any key)."""

    path: Path
    manifest: Manifest
    slots: keyslots.KeyslotFile

    @property
    def people(self) -> list[str]:
        return [s.person for s in self.slots.slots if s.kind == "passphrase" and s.person]


def preflight(src: Path) -> Preflight:
    src = src.expanduser()
    manifest = read_manifest(src)
    check_files(src, manifest)
    loaded = keyslots.load(src)
    if loaded.file.vault_id != manifest.vault_id:
        raise DamageError("backup.vault_id_inconsistent", path=str(src))
    return Preflight(src, manifest, loaded.file)


def check_key(pre: Preflight, dek: bytearray) -> None:
    """DamageError unless both the keyslot MAC and the manifest MAC verify under ``dek``."""
    mac_key = keys.subkey(dek, MAC_PURPOSE)
    try:
        slots_ok = hmac.compare_digest(pre.slots.compute_mac(mac_key), pre.slots.mac)
    finally:
        wipe(mac_key)
    if not slots_ok:
        raise DamageError("backup.keyslots_tampered", path=str(pre.path / keyslots.PRIMARY))
    if not pre.manifest.mac_ok(dek):
        raise DamageError("backup.manifest_tampered", path=str(pre.path))


def unlock(pre: Preflight, name: str, passphrase: bytearray) -> bytearray:
    """The data key, opened with ``name``'s slot *in the backup*; the caller wipes it."""
    slot = pre.slots.find(name)
    if slot is None:
        raise AuthError("backup.unknown_person", person=name, path=str(pre.path))
    try:
        dek, seed = keys.open_slot(pre.slots.vault_id, slot, passphrase)
    except keys.WrongKey:
        raise AuthError("backup.wrong_passphrase", person=name, path=str(pre.path)) from None
    wipe(seed)
    try:
        check_key(pre, dek)
    except BaseException:
        wipe(dek)
        raise
    return dek


@dataclass
class Problem:
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class VerifyReport:
    """Counts found and problems met; ``ok`` when there is no problem."""

    path: Path
    manifest: Manifest
    tables: dict[str, int] = field(default_factory=dict)
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    newer_migrations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _pragma_rows(conn: Connection, pragma: str) -> list[str]:
    return [" ".join(str(c) for c in row) for row in conn.execute(f"PRAGMA {pragma}")]


def verify_contents(pre: Preflight, dek: bytearray,
                    progress: Progress | None = None) -> VerifyReport:
    """Full check of an unlocked backup's database; problems are collected, not raised."""
    report = VerifyReport(pre.path, pre.manifest)
    note = progress or (lambda _stage, _done, _total: None)
    db_path = pre.path / store.DB_NAME
    conn = open_database(db_path, dek)
    try:
        _check_database(conn, report, db_path, note)
    except DatabaseError as exc:
        report.problems.append(Problem("backup.database_damaged_detail", {
            "path": str(db_path), "reason": str(exc)[:200]}))
    finally:
        conn.close()
    return report


def _check_database(conn: Connection, report: VerifyReport, db_path: Path,
                    note: Progress) -> None:
    manifest = report.manifest
    note("cipher_integrity", 0, 1)
    bad_pages = _pragma_rows(conn, "cipher_integrity_check")
    if bad_pages:
        report.problems.append(Problem("backup.cipher_integrity", {
            "path": str(db_path), "count": len(bad_pages), "first": bad_pages[0][:120]}))
        return  # pages fail authentication: nothing read from them can be trusted
    note("integrity", 0, 1)
    rows = _pragma_rows(conn, "integrity_check")
    if rows != ["ok"]:
        report.problems.append(Problem("backup.integrity", {
            "path": str(db_path), "first": rows[0][:120] if rows else "?"}))
        return
    note("settings", 0, 1)
    found_id = conn.execute("SELECT value FROM settings WHERE key = 'vault_id'").fetchone()
    if found_id is None or found_id[0] != manifest.vault_id:
        report.problems.append(Problem("backup.vault_id_inconsistent", {"path": str(db_path)}))
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id != store.APPLICATION_ID:
        report.problems.append(Problem("backup.not_confterm", {"path": str(db_path)}))
    applied = sorted(r[0] for r in conn.execute("SELECT name FROM schema_migrations"))
    if applied != sorted(manifest.migrations):
        report.problems.append(Problem("backup.migrations_inconsistent", {"path": str(db_path)}))
    known = {m.name for m in store.known_migrations()}
    report.newer_migrations = sorted(set(applied) - known)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name")]
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        report.tables[table] = int(conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])
    chain = audit.verify_chain(conn, progress=lambda done, total: note("audit", done, total))
    report.events = chain.count
    if not chain.intact:
        report.problems.append(Problem(chain.reason or "audit.hash_mismatch",
                                       {"seq": chain.first_bad}))
    elif chain.count != manifest.audit_count or chain.head_hash.hex() != manifest.audit_head:
        report.problems.append(Problem("backup.head_mismatch", {
            "found": chain.count, "expected": manifest.audit_count}))
