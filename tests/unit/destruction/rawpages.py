"""An independent reader of the vault's files for the tests: every page, decrypted.

Deliberately not the product's ``pagescan``: the test must not trust the code it checks.
Each page's HMAC is verified, so a wrong key or a wrong layout fails loudly instead of
yielding noise in which nothing is ever "found".
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE, RESERVE = 4096, 80


def _plain(key: bytes, hkey: bytes, pgno: int, page: bytes) -> bytes:
    start = 16 if pgno == 1 else 0
    body, iv, mac = page[start:PAGE - RESERVE], page[PAGE - RESERVE:PAGE - 64], page[PAGE - 64:]
    want = hmac.new(hkey, body + iv + struct.pack("<I", pgno), "sha512").digest()
    assert hmac.compare_digest(want, mac), f"page {pgno}: HMAC mismatch (wrong key/layout)"
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(body) + dec.finalize()


def all_plaintext(db: Path, key: bytes) -> tuple[list[bytes], list[bytes]]:
    """(decrypted database pages, decrypted WAL frames, stale ones included)."""
    data = db.read_bytes()
    salt = data[:16]
    hkey = hashlib.pbkdf2_hmac("sha512", key, bytes(b ^ 0x3A for b in salt), 2, 32)
    pages = [_plain(key, hkey, n + 1, data[n * PAGE:(n + 1) * PAGE])
             for n in range(len(data) // PAGE)]
    frames = []
    wal = db.with_name(db.name + "-wal")
    if wal.exists():
        raw = wal.read_bytes()
        offset = 32
        while offset + 24 + PAGE <= len(raw):
            pgno = struct.unpack(">I", raw[offset:offset + 4])[0]
            frames.append(_plain(key, hkey, pgno, raw[offset + 24:offset + 24 + PAGE]))
            offset += 24 + PAGE
    return pages, frames


def count_in_files(db: Path, key: bytes, needle: bytes) -> int:
    """How many decrypted pages/frames contain ``needle``."""
    pages, frames = all_plaintext(db, key)
    return sum(needle in p for p in pages) + sum(needle in f for f in frames)
