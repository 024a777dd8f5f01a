"""The keyslot file: how each person's passphrase (or the recovery key) opens the data key.

Layout on disk: one header line ``confterm-keyslots 1 sha256=<hex>`` followed by the JSON
body. The digest lets us tell a damaged file from a wrong passphrase *before* any key is
tried: if the bytes are intact, an AEAD failure can only mean the passphrase is wrong. Two
copies are kept (``keyslots.json`` and ``keyslots.bak.json``), each written atomically
(temp file, fsync, rename), so one damaged copy never locks anyone out. After unlocking, a
MAC keyed from the data key proves nobody rewrote the file without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from confterm.errors import DamageError
from confterm.vault.atomic import write_atomic
from confterm.vault.kdf import KdfParams

MAGIC = "confterm-keyslots"
FORMAT_VERSION = 1
PRIMARY = "keyslots.json"
BACKUP = "keyslots.bak.json"


def b64e(data: bytes | bytearray) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass
class Slot:
    """One way in: a person's passphrase slot, or the vault's recovery slot."""

    slot_id: str
    kind: str  # "passphrase" | "recovery"
    person: str | None  # person name for passphrase slots
    kdf: KdfParams
    salt: bytes
    wrapped_dek: bytes  # nonce || AES-256-GCM(KEK, DEK)
    wrapped_signing_key: bytes | None = None  # nonce || AES-256-GCM(KEK, Ed25519 seed)
    public_key: bytes | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "slot_id": self.slot_id, "kind": self.kind, "person": self.person,
            "kdf": self.kdf.to_json(), "salt": b64e(self.salt),
            "wrapped_dek": b64e(self.wrapped_dek),
            "wrapped_signing_key": b64e(self.wrapped_signing_key)
            if self.wrapped_signing_key else None,
            "public_key": b64e(self.public_key) if self.public_key else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Slot:
        wsk = data.get("wrapped_signing_key")
        pub = data.get("public_key")
        return cls(
            slot_id=str(data["slot_id"]), kind=str(data["kind"]),
            person=str(data["person"]) if data.get("person") is not None else None,
            kdf=KdfParams.from_json(data["kdf"]),  # type: ignore[arg-type]
            salt=b64d(str(data["salt"])), wrapped_dek=b64d(str(data["wrapped_dek"])),
            wrapped_signing_key=b64d(str(wsk)) if wsk else None,
            public_key=b64d(str(pub)) if pub else None,
        )


@dataclass
class KeyslotFile:
    """The parsed file: vault identity, a generation counter, the slots and the MAC."""

    vault_id: str
    generation: int
    slots: list[Slot] = field(default_factory=list)
    mac: bytes = b""

    def body_for_mac(self) -> bytes:
        body = {"vault_id": self.vault_id, "generation": self.generation,
                "slots": [s.to_json() for s in self.slots]}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def compute_mac(self, mac_key: bytes | bytearray) -> bytes:
        return hmac.new(bytes(mac_key), self.body_for_mac(), hashlib.sha256).digest()

    def find(self, person: str) -> Slot | None:
        return next((s for s in self.slots if s.kind == "passphrase" and s.person == person),
                    None)

    def recovery(self) -> Slot | None:
        return next((s for s in self.slots if s.kind == "recovery"), None)

    def serialise(self) -> bytes:
        body = json.dumps({
            "format": MAGIC, "version": FORMAT_VERSION, "vault_id": self.vault_id,
            "generation": self.generation, "slots": [s.to_json() for s in self.slots],
            "mac": b64e(self.mac),
        }, sort_keys=True, indent=1).encode()
        digest = hashlib.sha256(body).hexdigest()
        return f"{MAGIC} {FORMAT_VERSION} sha256={digest}\n".encode() + body


def parse(raw: bytes) -> KeyslotFile:
    """Parse one copy; raise ValueError on any damage (digest, syntax, structure)."""
    header, sep, body = raw.partition(b"\n")
    if not sep:
        raise ValueError("no header line")
    parts = header.decode("ascii", "strict").split(" ")
    if len(parts) != 3 or parts[0] != MAGIC or not parts[2].startswith("sha256="):
        raise ValueError("bad header")
    if int(parts[1]) != FORMAT_VERSION:
        raise ValueError("unknown keyslot format version")
    if not hmac.compare_digest(hashlib.sha256(body).hexdigest(), parts[2][7:]):
        raise ValueError("digest mismatch")
    data = json.loads(body)
    if data.get("format") != MAGIC:
        raise ValueError("not a keyslot file")
    return KeyslotFile(
        vault_id=str(data["vault_id"]), generation=int(data["generation"]),
        slots=[Slot.from_json(s) for s in data["slots"]], mac=b64d(str(data["mac"])),
    )


@dataclass
class LoadedSlots:
    """The newest intact copy, and whether the other copy needs repair."""

    file: KeyslotFile
    needs_repair: bool


def load(vault_dir: Path) -> LoadedSlots:
    """Read both copies; use the intact one with the highest generation.

    Raises DamageError naming the keyslot file when no copy is intact.
    """
    parsed: list[KeyslotFile] = []
    damaged = 0
    for name in (PRIMARY, BACKUP):
        path = vault_dir / name
        try:
            parsed.append(parse(path.read_bytes()))
        except FileNotFoundError:
            damaged += 1
        except PermissionError as exc:
            raise DamageError("vault.keyslots_unreadable", path=str(path)) from exc
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
            damaged += 1
    if not parsed:
        raise DamageError("vault.keyslots_damaged", path=str(vault_dir / PRIMARY))
    best = max(parsed, key=lambda f: f.generation)
    stale = damaged > 0 or any(f.generation != best.generation for f in parsed)
    return LoadedSlots(best, stale)


def save(vault_dir: Path, slots: KeyslotFile, mac_key: bytes | bytearray) -> None:
    """Write both copies atomically, primary first, with a fresh MAC and generation."""
    slots.generation += 1
    slots.mac = slots.compute_mac(mac_key)
    data = slots.serialise()
    write_atomic(vault_dir / PRIMARY, data)
    write_atomic(vault_dir / BACKUP, data)


def new_slot_id() -> str:
    return os.urandom(8).hex()
