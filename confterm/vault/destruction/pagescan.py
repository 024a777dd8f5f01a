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
TAIL = 32  # bytes kept per page by the background pass: the 16-byte IV, 16 of the MAC


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
    region likewise): same offsets as ``data``.

    CBC over the whole run with a zero IV is right everywhere except each page's first
    block, which it chains from the previous page's MAC instead of the page's own IV.
    Those blocks are gathered with 16 strided slices, decrypted together and XORed with
    their IVs, and put back the same way: no Python step per page."""
    count = len(data) // PAGE
    out = bytearray(Cipher(algorithms.AES(key), modes.CBC(bytes(16))).decryptor().update(data))
    if not count:
        return out
    firsts, ivs = bytearray(16 * count), bytearray(16 * count)
    for k in range(16):
        firsts[k::16] = data[k:count * PAGE:PAGE]
        ivs[k::16] = data[IV_AT + k:count * PAGE:PAGE]
    plain = Cipher(algorithms.AES(key), modes.ECB()).decryptor().update(bytes(firsts))
    fixed = (int.from_bytes(plain, "big") ^ int.from_bytes(ivs, "big")).to_bytes(16 * count,
                                                                                  "big")
    for k in range(16):
        out[k:count * PAGE:PAGE] = fixed[k::16]
    if first_pgno == 1:  # page 1 is encrypted from byte 16 on (its first 16: the salt)
        out[16:IV_AT] = decrypt_page(key, 1, data[:PAGE])
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
Locator = Callable[[bytes | bytearray], list[tuple[int, int, int]]]


def locator(needles: Sequence[bytes]) -> Locator:
    """A function returning (needle index, start, end) of every occurrence of ``needles``
    in a haystack, overlapping ones included."""
    if not needles:
        return lambda _hay: []
    try:
        import ahocorasick_rs

        automaton = ahocorasick_rs.BytesAhoCorasick(list(needles))
        return lambda hay: automaton.find_matches_as_indexes(hay, overlapping=True)
    except ImportError:  # slower, same answer
        def find(hay: bytes | bytearray) -> list[tuple[int, int, int]]:
            out = []
            for i, n in enumerate(needles):
                at = hay.find(n)
                while at >= 0:
                    out.append((i, at, at + len(n)))
                    at = hay.find(n, at + 1)
            return out

        return find


def matcher(needles: Sequence[bytes]) -> Matcher:
    """A function returning the indexes of ``needles`` found in a haystack."""
    find = locator(needles)
    return lambda hay: {m[0] for m in find(hay)}


def located(matches: Iterable[tuple[int, int, int]], first_pgno: int) -> dict[int, set[int]]:
    """Page -> needles for matches in a run of plaintext pages starting at ``first_pgno``.
    A match must lie inside one page's content (before its IV): the reserve bytes decrypt
    to noise, and no value continues from one page into the next."""
    pages: dict[int, set[int]] = {}
    for i, start, end in matches:
        n = start // PAGE
        if end <= n * PAGE + IV_AT:
            pages.setdefault(first_pgno + n, set()).add(i)
    return pages


def read_run(path: Path, first_pgno: int, count: int = CHUNK_PAGES) -> bytes:
    """Up to ``count`` whole pages of ``path`` from ``first_pgno`` (a partial page is cut)."""
    with path.open("rb") as fh:
        fh.seek((first_pgno - 1) * PAGE)
        data = fh.read(PAGE * count)
    return data[:len(data) - len(data) % PAGE]


def tail(data: bytes, n: int) -> bytes:
    """Page ``n`` of ``data``'s IV and first MAC bytes: new whenever SQLCipher writes it."""
    return data[n * PAGE + IV_AT:n * PAGE + IV_AT + TAIL]


@dataclass
class Baseline:
    """A search of every page made earlier (``prescan``): per run of pages, each page's
    tail (zeros where the page was not proven authentic), and the values found per page
    (indexes into ``needles``)."""

    needles: list[bytes]
    tails: dict[int, bytes] = field(default_factory=dict)  # first page of a run -> tails
    hits: dict[int, set[int]] = field(default_factory=dict)
    pages: int = 0
    seconds: float = 0.0  # how long the search took


@dataclass
class ScanReport:
    db_pages: int = 0
    unchanged: int = 0  # of db_pages: proven unchanged since the baseline, not decrypted
    wal_frames: int = 0
    wal_bytes: int = 0
    key_ok: bool = False
    found: dict[int, int] = field(default_factory=dict)  # needle index -> pages holding it
    controls_found: set[int] = field(default_factory=set)
    pages: dict[int, set[int]] = field(default_factory=dict)  # db page -> needles in it


def _scan_chunk(path: Path, key: bytes, first_pgno: int, find: Locator, control: Matcher
                ) -> tuple[int, dict[int, set[int]], set[int]]:
    """Decrypt and search one run of pages: (pages read, page -> needles, controls)."""
    data = read_run(path, first_pgno)
    plain = decrypt_run(key, data, first_pgno)
    return len(data) // PAGE, located(find(plain), first_pgno), control(plain)


_UNPROVEN = bytes(TAIL)


def _diff_chunk(path: Path, key: bytes, first_pgno: int, find: Locator, control: Matcher,
                base: Baseline, remap: dict[int, int]
                ) -> tuple[int, dict[int, set[int]], set[int], int]:
    """``_scan_chunk`` against a baseline: pages whose tail is unchanged keep the baseline's
    findings (mapped by ``remap`` to this scan's needles); the rest are decrypted and
    searched. Returns (pages, page -> needles, controls, pages unchanged)."""
    data = read_run(path, first_pgno)
    count, old = len(data) // PAGE, base.tails.get(first_pgno, b"")
    pages: dict[int, set[int]] = {}
    changed: list[int] = []
    for n in range(count):
        was = old[n * TAIL:(n + 1) * TAIL]
        if len(was) < TAIL or was == _UNPROVEN or was != tail(data, n):
            changed.append(n)
        elif first_pgno + n in base.hits:
            mapped = {remap[i] for i in base.hits[first_pgno + n] if i in remap}
            if mapped:
                pages[first_pgno + n] = mapped
    controls: set[int] = set()
    at = 0
    while at < len(changed):  # decrypt runs of consecutive changed pages together
        end = at
        while end + 1 < len(changed) and changed[end + 1] == changed[end] + 1:
            end += 1
        a, b = changed[at], changed[end] + 1
        plain = decrypt_run(key, data[a * PAGE:b * PAGE], first_pgno + a)
        pages.update(located(find(plain), first_pgno + a))
        controls |= control(plain)
        at = end + 1
    return count, pages, controls, count - len(changed)


def scan(db_path: Path, key: bytes, needles: Sequence[bytes],
         controls: Sequence[bytes] = (), only: Iterable[int] | None = None,
         baseline: Baseline | None = None) -> ScanReport:
    """Find ``needles`` (and ``controls``, which prove the plaintext was really read) in
    every page of the database and every frame of its WAL (``only``: just those pages).
    With a ``baseline`` (which must have searched for every one of ``needles``), pages
    unchanged since it keep its findings and only the others are decrypted.

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
    find, control = locator(needles), matcher(controls)
    if only is not None:
        with db_path.open("rb") as fh:
            for pgno in sorted(set(only)):
                fh.seek((pgno - 1) * PAGE)
                raw = fh.read(PAGE)
                if len(raw) < PAGE:
                    continue
                plain = decrypt_page(key, pgno, raw)
                report.db_pages += 1
                for i in located(find(plain), pgno).get(pgno, set()):
                    report.found[i] = report.found.get(i, 0) + 1
                    report.pages.setdefault(pgno, set()).add(i)
        return report
    total = db_path.stat().st_size // PAGE
    starts = range(1, total + 1, CHUNK_PAGES)

    def one(start: int) -> tuple[int, dict[int, set[int]], set[int], int]:
        if baseline is None:
            return (*_scan_chunk(db_path, key, start, find, control), 0)
        return _diff_chunk(db_path, key, start, find, control, baseline, remap)

    if baseline is not None:
        index = {n: i for i, n in enumerate(needles)}
        remap = {bi: index[n] for bi, n in enumerate(baseline.needles) if n in index}
        if len(set(remap.values())) < len(index):
            raise ValueError("the baseline did not search for every value")
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for count, pages, found_controls, unchanged in pool.map(one, starts):
            report.db_pages += count
            report.unchanged += unchanged
            report.controls_found |= found_controls
            for pgno, found in pages.items():
                report.pages[pgno] = found
                for i in found:
                    report.found[i] = report.found.get(i, 0) + 1
    wal = db_path.with_name(db_path.name + "-wal")
    report.wal_bytes = wal.stat().st_size if wal.exists() else 0
    for _pgno, plain in wal_frames(wal, key):
        report.wal_frames += 1
        for i in {m[0] for m in find(plain)}:
            report.found[i] = report.found.get(i, 0) + 1
        report.controls_found |= control(plain)
    return report
