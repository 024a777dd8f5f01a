"""The SQLCipher database: connection, pragmas, self-check, and versioned migrations.

The connection is opened with the raw 256-bit data key, so opening costs milliseconds.
SQLCipher's own "file is not a database" is never used to judge a passphrase: by the time we
get here the key has already been proven by its keyslot, so a failed first read means damage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3

from confterm.errors import DamageError, InputError
from confterm.vault.secrets import wipe

DB_NAME = "vault.db"
APPLICATION_ID = 0x43465452  # "CFTR"
PAGE_SIZE = 4096
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

if TYPE_CHECKING:  # sqlcipher3 ships no stubs; its API is sqlite3's
    from sqlite3 import Connection, DatabaseError
else:
    Connection = sqlcipher3.Connection
    DatabaseError = sqlcipher3.DatabaseError


def _key_pragma(dek: bytearray) -> bytearray:
    pragma = bytearray(b"PRAGMA key = \"x'")
    pragma += bytes(dek).hex().encode("ascii")
    pragma += b"'\""
    return pragma


def connect(db_path: Path, dek: bytearray, create: bool = False) -> Connection:
    """Open (or create) the encrypted database with the raw data key.

    Raises DamageError when the file cannot be read with a key already proven correct.
    """
    if not create and not db_path.exists():
        raise DamageError("vault.database_missing", path=str(db_path))
    conn: Connection = sqlcipher3.connect(str(db_path), isolation_level=None,
                                          check_same_thread=False)
    conn.execute("PRAGMA cipher_log_level = NONE")
    pragma = _key_pragma(dek)
    try:
        conn.execute(pragma.decode("ascii"))
    finally:
        wipe(pragma)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if create:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA cache_size = -65536")
    except DatabaseError as exc:
        conn.close()
        raise DamageError("vault.database_damaged", path=str(db_path)) from exc
    return conn


def self_check(conn: Connection, db_path: Path) -> None:
    """Refuse a database whose settings are not what confterm creates."""
    expected = {
        "application_id": APPLICATION_ID, "journal_mode": "wal", "foreign_keys": 1,
        "secure_delete": 1, "cipher_page_size": PAGE_SIZE,
    }
    for pragma, want in expected.items():
        got = conn.execute(f"PRAGMA {pragma}").fetchone()
        value = got[0] if got else None
        if str(value).lower() != str(want).lower():
            raise DamageError("vault.settings_mismatch", path=str(db_path), setting=pragma,
                              expected=want, found=value)


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception: all-or-nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        # Also when COMMIT itself fails (disk full, I/O error): leave no open transaction.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


_DAMAGE_MARKERS = ("malformed", "not a database", "hmac", "corrupt")
_FULL_MARKERS = ("disk is full", "database or disk is full")


def translate_error(exc: DatabaseError, db_path: Path) -> Exception:
    """A database error as a person should read it: damage, a full disk, or a bug.

    Damage and a full disk are conditions of the machine and get their own message; any
    other DatabaseError is a programming error and is left as it is.
    """
    text = str(exc).lower()
    if any(marker in text for marker in _FULL_MARKERS):
        return InputError("vault.disk_full", path=str(db_path.parent))
    if any(marker in text for marker in _DAMAGE_MARKERS):
        return DamageError("vault.database_damaged", path=str(db_path))
    if "disk i/o error" in text:  # a full disk under a file-size limit, a removed medium...
        return InputError("vault.io_error", path=str(db_path))
    return exc


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str


def known_migrations() -> list[Migration]:
    """Every migration shipped with this confterm, in order of their number."""
    folder = resources.files("confterm.vault") / "migrations"
    found = [Migration(p.name, p.read_text(encoding="utf-8"))
             for p in folder.iterdir() if _MIGRATION_NAME.match(p.name)]
    return sorted(found, key=lambda m: m.name)


def migrate(conn: Connection, db_path: Path) -> list[str]:
    """Apply every shipped migration not yet applied; return the names applied.

    Migrations are tracked by name, not by a single number, so features written in parallel
    each bring their own file. A database that has applied a migration this confterm does
    not know was made by a newer confterm and is refused rather than misread.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations("
                 "name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    applied = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    shipped = known_migrations()
    unknown = applied - {m.name for m in shipped}
    if unknown:
        raise InputError("vault.newer_schema", path=str(db_path), migration=sorted(unknown)[0])
    done = []
    for migration in shipped:
        if migration.name in applied:
            continue
        with transaction(conn):
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations(name, applied_at) VALUES (?, ?)",
                         (migration.name, utc_now()))
        done.append(migration.name)
    return done


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement handles triggers)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlcipher3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
