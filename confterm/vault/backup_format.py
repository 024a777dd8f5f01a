"""The on-disk form of a backup: a directory with the database, the keyslots and a manifest.

The manifest is written last and carries the size and SHA-256 of every other file, so a
truncated or damaged backup is found *before* anyone types a passphrase. After unlocking, a
MAC keyed from the data key proves the manifest itself was written by someone holding the
key (a sha256 list alone would not stop a deliberate edit). Every parsing failure is a
DamageError naming the backup and the reason: outside input never crashes confterm.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from confterm.errors import DamageError, InputError
from confterm.vault import keys, keyslots, store
from confterm.vault.secrets import wipe

FORMAT = "confterm-backup"
VERSION = 1
MANIFEST = "manifest.json"
PARTIAL_SUFFIX = ".partial"
MAC_PURPOSE = b"backup-manifest"
MAX_MANIFEST_BYTES = 1 << 20
DATA_FILES = (store.DB_NAME, keyslots.PRIMARY, keyslots.BACKUP)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class FileEntry:
    size: int
    sha256: str


@dataclass
class Manifest:
    """What a backup says about itself; ``mac`` covers every other field."""

    backup_id: str
    vault_id: str
    vault_name: str
    created_at: str
    created_by: str
    label: str
    kept_at: str
    origin: str
    confterm_version: str
    migrations: list[str]
    audit_count: int
    audit_head: str  # hex of the head hash
    files: dict[str, FileEntry] = field(default_factory=dict)
    mac: str = ""

    def body(self) -> dict[str, object]:
        return {
            "format": FORMAT, "version": VERSION, "backup_id": self.backup_id,
            "vault_id": self.vault_id, "vault_name": self.vault_name,
            "created_at": self.created_at, "created_by": self.created_by,
            "label": self.label, "kept_at": self.kept_at, "origin": self.origin,
            "confterm_version": self.confterm_version, "migrations": list(self.migrations),
            "audit": {"count": self.audit_count, "head": self.audit_head},
            "files": {name: {"size": e.size, "sha256": e.sha256}
                      for name, e in sorted(self.files.items())},
        }

    def canonical(self) -> bytes:
        return json.dumps(self.body(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")

    def compute_mac(self, dek: bytearray) -> str:
        mac_key = keys.subkey(dek, MAC_PURPOSE)
        try:
            return hmac.new(bytes(mac_key), self.canonical(), hashlib.sha256).hexdigest()
        finally:
            wipe(mac_key)

    def mac_ok(self, dek: bytearray) -> bool:
        return hmac.compare_digest(self.compute_mac(dek), self.mac)

    def serialise(self) -> bytes:
        data = self.body()
        data["mac"] = self.mac
        return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8")

    @property
    def total_size(self) -> int:
        return sum(e.size for e in self.files.values())


def _text(data: dict[str, object], key: str, limit: int = 4096) -> str:
    value = data[key]
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(key)
    return value


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 1 << 62:
        raise ValueError("count")
    return value


def parse_manifest(raw: bytes, where: str = "") -> Manifest:
    """Parse manifest bytes; DamageError("backup.manifest_damaged") on anything malformed."""
    try:
        if len(raw) > MAX_MANIFEST_BYTES:
            raise ValueError("too large")
        data = json.loads(raw.decode("utf-8", "strict"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("format")
        if data.get("version") != VERSION:
            raise InputError("backup.unknown_format", path=where, version=str(data.get(
                "version"))[:20])
        audit_part, files_part, migrations = data["audit"], data["files"], data["migrations"]
        if not isinstance(audit_part, dict) or not isinstance(files_part, dict) \
                or not isinstance(migrations, list) \
                or not all(isinstance(m, str) and len(m) < 200 for m in migrations):
            raise ValueError("structure")
        files: dict[str, FileEntry] = {}
        for name, entry in files_part.items():
            if name not in DATA_FILES or not isinstance(entry, dict):
                raise ValueError("file entry")
            digest = entry["sha256"]
            if not isinstance(digest, str) or not _HEX64.match(digest):
                raise ValueError("sha256")
            files[name] = FileEntry(_count(entry["size"]), digest)
        if set(files) != set(DATA_FILES):
            raise ValueError("files")
        manifest = Manifest(
            backup_id=_text(data, "backup_id"), vault_id=_text(data, "vault_id"),
            vault_name=_text(data, "vault_name"), created_at=_text(data, "created_at", 64),
            created_by=_text(data, "created_by"), label=_text(data, "label"),
            kept_at=_text(data, "kept_at"), origin=_text(data, "origin"),
            confterm_version=_text(data, "confterm_version", 64),
            migrations=list(migrations), audit_count=_count(audit_part["count"]),
            audit_head=str(audit_part["head"]), files=files, mac=_text(data, "mac", 64))
        if not _ID.match(manifest.backup_id) or not _ID.match(manifest.vault_id) \
                or not _HEX64.match(manifest.audit_head) or not _HEX64.match(manifest.mac):
            raise ValueError("identifiers")
        return manifest
    except InputError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise DamageError("backup.manifest_damaged", path=where) from exc


def read_manifest(src: Path) -> Manifest:
    """The manifest of the backup directory ``src``; clear errors for every way it fails."""
    if not src.exists():
        raise InputError("backup.missing", path=str(src))
    if not src.is_dir():
        raise InputError("backup.not_a_directory", path=str(src))
    if src.name.endswith(PARTIAL_SUFFIX):
        raise DamageError("backup.unfinished", path=str(src))
    path = src / MANIFEST
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
    except FileNotFoundError:
        if any((src / name).exists() for name in DATA_FILES):
            raise DamageError("backup.unfinished", path=str(src)) from None
        raise InputError("backup.not_a_backup", path=str(src)) from None
    except OSError as exc:
        raise DamageError("backup.unreadable", path=str(path),
                          reason=exc.strerror or type(exc).__name__) from exc
    return parse_manifest(raw, str(path))


def file_digest(path: Path, chunk: int = 1 << 20) -> FileEntry:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
            size += len(block)
    return FileEntry(size, digest.hexdigest())


def check_files(src: Path, manifest: Manifest) -> None:
    """Every listed file present, of the listed size and digest; DamageError naming it."""
    for name, entry in sorted(manifest.files.items()):
        path = src / name
        try:
            found = file_digest(path)
        except FileNotFoundError:
            raise DamageError("backup.file_missing", path=str(path)) from None
        except OSError as exc:
            raise DamageError("backup.unreadable", path=str(path),
                              reason=exc.strerror or type(exc).__name__) from exc
        if found.size < entry.size:
            raise DamageError("backup.truncated", path=str(path), size=found.size,
                              expected=entry.size)
        if found.size != entry.size or not hmac.compare_digest(found.sha256, entry.sha256):
            raise DamageError("backup.file_damaged", path=str(path))
