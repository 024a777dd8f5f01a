"""Key material: the data key (DEK), per-person slots, signing keys and the recovery key.

One random 256-bit DEK opens the SQLCipher database as a raw key, so opening is cheap and
changing a passphrase rewrites one slot, never the database. Each slot wraps the DEK (and the
person's Ed25519 signing seed) with AES-256-GCM under a key derived from the passphrase by
Argon2id. Because the keyslot file carries its own digest, an AEAD failure on an intact file
can only mean a wrong passphrase: damage and wrong passphrase are never confused.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets as pysecrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from confterm.errors import InputError
from confterm.vault.checkchar import luhn_check_char
from confterm.vault.kdf import KdfParams, derive_key
from confterm.vault.keyslots import Slot, new_slot_id
from confterm.vault.secrets import wipe

NONCE_BYTES = 12
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I L O U
RECOVERY_DATA_CHARS = 26  # 130 bits of randomness
RECOVERY_GROUP = 4


class WrongKey(Exception):
    """AEAD authentication failed: the derived key is not the one that sealed the slot."""


def new_data_key() -> bytearray:
    return bytearray(os.urandom(32))


def subkey(dek: bytearray, purpose: bytes) -> bytearray:
    """A key derived from the DEK for one purpose (keyslot MAC, checkpoint signing...)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"confterm:" + purpose).derive(bytes(dek))
    return bytearray(derived)


def seal(key: bytearray, plaintext: bytearray, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(bytes(key)).encrypt(nonce, bytes(plaintext), aad)


def unseal(key: bytearray, sealed: bytes, aad: bytes) -> bytearray:
    try:
        return bytearray(AESGCM(bytes(key)).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:],
                                                    aad))
    except InvalidTag as exc:
        raise WrongKey from exc


def _aad(vault_id: str, slot_id: str, purpose: str) -> bytes:
    return f"{vault_id}|{slot_id}|{purpose}".encode()


def make_slot(vault_id: str, secret: bytearray, dek: bytearray, params: KdfParams,
              kind: str = "passphrase", person: str | None = None,
              signing_seed: bytearray | None = None) -> Slot:
    """Wrap ``dek`` (and a signing seed for people) under Argon2id(secret)."""
    slot_id = new_slot_id()
    salt = os.urandom(16)
    kek = derive_key(secret, salt, params)
    try:
        wrapped = seal(kek, dek, _aad(vault_id, slot_id, "dek"))
        wrapped_sk = pub = None
        if signing_seed is not None:
            wrapped_sk = seal(kek, signing_seed, _aad(vault_id, slot_id, "signing"))
            pub = public_key_of(signing_seed)
        return Slot(slot_id, kind, person, params, salt, wrapped, wrapped_sk, pub)
    finally:
        wipe(kek)


def open_slot(vault_id: str, slot: Slot, secret: bytearray) -> tuple[bytearray, bytearray | None]:
    """Return (DEK, signing seed or None); raise WrongKey if ``secret`` is wrong."""
    kek = derive_key(secret, slot.salt, slot.kdf)
    try:
        dek = unseal(kek, slot.wrapped_dek, _aad(vault_id, slot.slot_id, "dek"))
        seed = None
        if slot.wrapped_signing_key is not None:
            seed = unseal(kek, slot.wrapped_signing_key, _aad(vault_id, slot.slot_id, "signing"))
        return dek, seed
    finally:
        wipe(kek)


def new_signing_seed() -> bytearray:
    return bytearray(os.urandom(32))


def _private(seed: bytearray) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(seed))


def public_key_of(seed: bytearray) -> bytes:
    return _private(seed).public_key().public_bytes(serialization.Encoding.Raw,
                                                    serialization.PublicFormat.Raw)


def sign(seed: bytearray, message: bytes) -> bytes:
    return _private(seed).sign(message)


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def fingerprint(public_key: bytes) -> str:
    """A short, readable key fingerprint: 16 hex digits in groups of four."""
    digest = hashlib.sha256(public_key).hexdigest()[:16].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


# ---- recovery key -------------------------------------------------------------------


def _check_char(data: str) -> str:
    return luhn_check_char(data, RECOVERY_ALPHABET)


def new_recovery_key() -> bytearray:
    """26 random Crockford base32 characters plus a check character, grouped by four."""
    data = "".join(pysecrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_DATA_CHARS))
    full = data + _check_char(data)
    grouped = "-".join(full[i:i + RECOVERY_GROUP] for i in range(0, len(full), RECOVERY_GROUP))
    return bytearray(grouped.encode("ascii"))


def normalise_recovery_key(typed: bytearray) -> bytearray:
    """Canonical form of a typed recovery key; InputError if malformed or mistyped.

    Accepts lower case, spaces or no separators, and the usual confusions (O->0, I/L->1).
    """
    text = bytes(typed).decode("ascii", "replace").upper()
    text = text.translate(str.maketrans("OIL", "011"))
    chars = [c for c in text if c not in " -\t\r\n"]
    if len(chars) != RECOVERY_DATA_CHARS + 1 or any(c not in RECOVERY_ALPHABET for c in chars):
        raise InputError("vault.recovery_malformed", length=RECOVERY_DATA_CHARS + 1)
    data, check = "".join(chars[:-1]), chars[-1]
    if not hmac.compare_digest(_check_char(data), check):
        raise InputError("vault.recovery_typo")
    full = data + check
    return bytearray("-".join(full[i:i + RECOVERY_GROUP]
                              for i in range(0, len(full), RECOVERY_GROUP)).encode("ascii"))
