"""Decrypt every page of the vault's database file and write-ahead log, and look for bytes.

This is how the verification step proves that no destroyed value is left: it does not ask
SQLite (which would only show live rows) but reads the files as an attacker holding the
key would, page by page, including free pages, unused space inside pages and WAL frames.

SQLCipher 4 page layout (defaults confterm uses, raw 256-bit key): each 4096-byte page is
AES-256-CBC over bytes [0, 4016) (page 1: [16, 4016), its first 16 bytes are the salt),
followed by a 16-byte IV and a 64-byte HMAC-SHA512 over ciphertext‖IV‖page number (LE).
The HMAC key is PBKDF2-HMAC-SHA512(key, salt ⊕ 0x3a, 2 iterations). WAL frames carry the
same encrypted page after a 24-byte frame header; the WAL has a 32-byte file header.

Speed: one CBC pass over a whole run of pages, then each page's first block is fixed with
its own IV (CBC decryption of block i only needs ciphertext block i-1), two runs at a time
on two threads; needles are matched with an Aho-Corasick automaton (ahocorasick_rs, a
Rust extension) or, without it, one ``bytes.find`` per value (same answer, slower).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80
IV_AT = PAGE - RESERVE
WAL_HEADER = 32
FRAME_HEADER = 24
CHUNK_PAGES = 2048


def hmac_key(key: bytes, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", key, bytes(b ^ 0x3A for b in salt), 2, 32)


def page_ok(hkey: bytes, pgno: int, page: bytes) -> bool:
    start = 16 if pgno == 1 else 0
    mac = hmac.new(hkey, page[start:IV_AT + 16] + struct.pack("<I", pgno), "sha512").digest()
    return hmac.compare_digest(mac, page[IV_AT + 16:PAGE])


def encrypt_page(key: bytes, hkey: bytes, pgno: int, plain: bytes, salt: bytes) -> bytes:
    """The inverse of ``decrypt_page``, with a fresh IV: a whole on-disk page."""
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    body = enc.update(plain) + enc.finalize()
    mac = hmac.new(hkey, body + iv + struct.pack("<I", pgno), "sha512").digest()
    return (salt if pgno == 1 else b"") + body + iv + mac


def decrypt_page(key: bytes, pgno: int, page: bytes) -> bytes:
    start = 16 if pgno == 1 else 0
    iv = page[IV_AT:IV_AT + 16]
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(page[start:IV_AT]) + dec.finalize()


def decrypt_run(key: bytes, data: bytes, first_pgno: int) -> bytearray:
    """Plaintext of consecutive whole pages (reserve bytes decrypt to noise; page 1's salt
    region likewise): same offsets as ``data``."""
    out = bytearray(Cipher(algorithms.AES(key), modes.CBC(bytes(16))).decryptor().update(data))
    frm = int.from_bytes
    for i in range(len(data) // PAGE):
        base = i * PAGE
        s = base + 16 if first_pgno + i == 1 else base
        prev = data[s - 16:s] if s >= 16 else bytes(16)
        iv = data[base + IV_AT:base + IV_AT + 16]
        fixed = frm(out[s:s + 16], "big") ^ frm(prev, "big") ^ frm(iv, "big")
        out[s:s + 16] = fixed.to_bytes(16, "big")
    return out


def wal_frames(path: Path, key: bytes) -> Iterator[tuple[int, bytes]]:
    """(page number, plaintext) for every frame physically present in the WAL file, valid
    or stale: stale frames beyond the last commit are exactly where old data hides."""
    if not path.exists():
        return
    with path.open("rb") as fh:
        fh.seek(WAL_HEADER)
        while frame := fh.read(FRAME_HEADER + PAGE):
            if len(frame) < FRAME_HEADER + PAGE:
                break
            pgno = struct.unpack(">I", frame[:4])[0]
            if pgno:
                yield pgno, decrypt_page(key, pgno, frame[FRAME_HEADER:])


Matcher = Callable[[bytes | bytearray], set[int]]


def matcher(needles: Sequence[bytes]) -> Matcher:
    """A function returning the indexes of ``needles`` found in a haystack."""
    if not needles:
        return lambda _hay: set()
    try:
        import ahocorasick_rs

        automaton = ahocorasick_rs.BytesAhoCorasick(list(needles))

        def find(hay: bytes | bytearray) -> set[int]:
            return {m[0] for m in automaton.find_matches_as_indexes(hay, overlapping=True)}

        return find
    except ImportError:  # slower, same answer
        return lambda hay: {i for i, n in enumerate(needles) if n in hay}


@dataclass
class ScanReport:
    db_pages: int = 0
    wal_frames: int = 0
    wal_bytes: int = 0
    key_ok: bool = False
    found: dict[int, int] = field(default_factory=dict)  # needle index -> pages holding it
    controls_found: set[int] = field(default_factory=set)
    pages: dict[int, set[int]] = field(default_factory=dict)  # db page -> needles in it


def _scan_chunk(path: Path, key: bytes, first_pgno: int, find: Matcher, control: Matcher,
                needles: Sequence[bytes]) -> tuple[int, dict[int, set[int]], set[int]]:
    """Decrypt and search one run of pages: (pages read, page -> needles, controls)."""
    with path.open("rb") as fh:
        fh.seek((first_pgno - 1) * PAGE)
        data = fh.read(PAGE * CHUNK_PAGES)
    whole = len(data) - len(data) % PAGE
    plain = decrypt_run(key, data[:whole], first_pgno)
    pages: dict[int, set[int]] = {}
    for i in find(plain):
        for n in range(whole // PAGE):  # which page(s): rare, so simply search each
            if needles[i] in plain[n * PAGE:(n + 1) * PAGE]:
                pages.setdefault(first_pgno + n, set()).add(i)
    return whole // PAGE, pages, control(plain)


def scan(db_path: Path, key: bytes, needles: Sequence[bytes],
         controls: Sequence[bytes] = (), only: Iterable[int] | None = None) -> ScanReport:
    """Find ``needles`` (and ``controls``, which prove the plaintext was really read) in
    every page of the database and every frame of its WAL (``only``: just those pages).

    Runs of pages are decrypted and searched on two threads (OpenSSL and the automaton
    release the GIL). A value cannot continue contiguously from one page into the next
    (every page ends with its IV and HMAC), so runs need no overlap; a long value moved
    to overflow pages is found by its fragments (``purge.fragments``).
    """
    report = ScanReport()
    with db_path.open("rb") as fh:
        first = fh.read(PAGE)
    if len(first) == PAGE:
        report.key_ok = page_ok(hmac_key(key, first[:16]), 1, first)
    find, control = matcher(needles), matcher(controls)
    if only is not None:
        with db_path.open("rb") as fh:
            for pgno in sorted(set(only)):
                fh.seek((pgno - 1) * PAGE)
                raw = fh.read(PAGE)
                if len(raw) < PAGE:
                    continue
                plain = decrypt_page(key, pgno, raw)
                report.db_pages += 1
                for i in find(plain):
                    report.found[i] = report.found.get(i, 0) + 1
                    report.pages.setdefault(pgno, set()).add(i)
        return report
    total = db_path.stat().st_size // PAGE
    starts = range(1, total + 1, CHUNK_PAGES)
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for count, pages, found_controls in pool.map(
                lambda start: _scan_chunk(db_path, key, start, find, control, needles),
                starts):
            report.db_pages += count
            report.controls_found |= found_controls
            for pgno, found in pages.items():
                report.pages[pgno] = found
                for i in found:
                    report.found[i] = report.found.get(i, 0) + 1
    wal = db_path.with_name(db_path.name + "-wal")
    report.wal_bytes = wal.stat().st_size if wal.exists() else 0
    for _pgno, plain in wal_frames(wal, key):
        report.wal_frames += 1
        for i in find(plain):
            report.found[i] = report.found.get(i, 0) + 1
        report.controls_found |= control(plain)
    return report
