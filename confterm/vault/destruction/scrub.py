"""Clearing stale copies from the unused space of live database pages, in place.

SQLite rebuilds a b-tree page during rebalancing without clearing the gap between the cell
pointer array and the cell content, so a copy of a row that moved years ago can survive
there; secure_delete never sees it (see ``completion``). VACUUM removes such copies by
rewriting the whole file, which takes tens of seconds at a million records. This module
rewrites only the pages where the verification found a destroyed value in unused space:
it decrypts the page with the vault key, zeroes the unallocated gap and the bodies of
free blocks (never a byte of a live cell: a value still found after that is left alone
and reported), re-encrypts it with a fresh IV and HMAC, and writes it back.

Safety: this runs on the database thread with no transaction open, right after a
checkpoint that emptied the WAL, in a vault locked to this process. The original pages are
first written to a journal file (fsynced, with a digest) beside the database; a crash
while pages are written is undone by ``recover`` (which puts the originals back: the stale
copies return and the next verification scrubs them again). Afterwards SQLite's page cache
is released, so it reads the new pages from disk.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable
from pathlib import Path

from confterm.vault.destruction import pagescan
from confterm.vault.store import Connection

JOURNAL = "destruction-scrub.journal"
PAGE = pagescan.PAGE
BTREE_TYPES = {2: 12, 5: 12, 10: 8, 13: 8}  # page type -> header size


def _journal(db_path: Path) -> Path:
    return db_path.with_name(JOURNAL)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cleared(plain: bytes, pgno: int) -> bytes | None:
    """``plain`` (decrypted page content, as ``decrypt_page`` returns it) with its unused
    space zeroed, or None when it is not a b-tree page."""
    data = bytearray(plain)
    shift = 16 if pgno == 1 else 0  # page 1's content starts at file offset 16
    hdr = (100 if pgno == 1 else 0) - shift
    kind = data[hdr]
    if kind not in BTREE_TYPES:
        return None
    ncell = struct.unpack(">H", data[hdr + 3:hdr + 5])[0]
    start = struct.unpack(">H", data[hdr + 5:hdr + 7])[0] or 65536
    first_free = struct.unpack(">H", data[hdr + 1:hdr + 3])[0]
    gap_from = hdr + BTREE_TYPES[kind] + 2 * ncell
    gap_to = min(start - shift, len(data))
    if gap_from < gap_to:
        data[gap_from:gap_to] = bytes(gap_to - gap_from)
    block, seen = first_free, 0
    while block and seen < 1000:  # free blocks: 2-byte next, 2-byte size, then free bytes
        at = block - shift
        if not 0 <= at < len(data) - 4:
            return None  # not a layout we understand: leave the page as it is
        nxt, size = struct.unpack(">HH", data[at:at + 4])
        data[at + 4:at + size] = bytes(max(0, min(size, len(data) - at) - 4))
        block, seen = nxt, seen + 1
    return bytes(data)


def scrub(conn: Connection, db_path: Path, key: bytes, pages: dict[int, set[bytes]]
          ) -> list[int]:
    """Rewrite ``pages`` (page number -> values found there) with their unused space
    cleared; returns the pages rewritten."""
    with db_path.open("rb") as fh:
        raw = fh.read(PAGE)
    salt, hkey = raw[:16], pagescan.hmac_key(key, raw[:16])
    plans: list[tuple[int, bytes, bytes]] = []
    with db_path.open("rb") as fh:
        for pgno in sorted(pages):
            fh.seek((pgno - 1) * PAGE)
            old = fh.read(PAGE)
            if len(old) != PAGE or not pagescan.page_ok(hkey, pgno, old):
                continue
            new_plain = cleared(pagescan.decrypt_page(key, pgno, old), pgno)
            if new_plain is None or any(v in new_plain for v in pages[pgno]):
                continue  # in a live cell, or not a b-tree page: not ours to touch
            plans.append((pgno, old, pagescan.encrypt_page(key, hkey, pgno, new_plain, salt)))
    if not plans:
        return []
    _write_journal(db_path, [(p, old) for p, old, _new in plans])
    fd = os.open(db_path, os.O_RDWR)
    try:
        for pgno, _old, new in plans:
            os.pwrite(fd, new, (pgno - 1) * PAGE)
        os.fsync(fd)
    finally:
        os.close(fd)
    _journal(db_path).unlink()
    _fsync_dir(db_path.parent)
    conn.execute("PRAGMA shrink_memory")
    return [p for p, _old, _new in plans]


def _write_journal(db_path: Path, originals: Iterable[tuple[int, bytes]]) -> None:
    body = b"".join(struct.pack(">I", p) + page for p, page in originals)
    tmp = db_path.with_name(JOURNAL + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(body + hashlib.sha256(body).digest())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, _journal(db_path))
    _fsync_dir(db_path.parent)


def recover(conn: Connection, db_path: Path) -> int:
    """Undo an interrupted scrub (put the original pages back); returns pages restored."""
    journal = _journal(db_path)
    db_path.with_name(JOURNAL + ".tmp").unlink(missing_ok=True)
    if not journal.exists():
        return 0
    data = journal.read_bytes()
    body, digest = data[:-32], data[-32:]
    restored = 0
    if len(body) % (4 + PAGE) == 0 and hashlib.sha256(body).digest() == digest:
        fd = os.open(db_path, os.O_RDWR)
        try:
            for at in range(0, len(body), 4 + PAGE):
                pgno = struct.unpack(">I", body[at:at + 4])[0]
                os.pwrite(fd, body[at + 4:at + 4 + PAGE], (pgno - 1) * PAGE)
                restored += 1
            os.fsync(fd)
        finally:
            os.close(fd)
    journal.unlink()
    _fsync_dir(db_path.parent)
    conn.execute("PRAGMA shrink_memory")
    return restored
