"""A stale copy of destroyed content in the unused space of a live page — which SQLite's
secure_delete does not clear — is found by the verification and scrubbed in place; an
interrupted scrub is undone from its journal; the database stays intact throughout."""

from __future__ import annotations

import struct
from pathlib import Path

from confterm.vault import lifecycle, store
from confterm.vault.destruction import completion, pagescan, scrub
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import VaultSession
from tests.conftest import ADMIN, ADMIN_PASS
from tests.unit.destruction.rawpages import count_in_files
from tests.unit.destruction.world import WITNESS, World

STALE = b"STALE-COPY-OF-A-DESTROYED-NOTE-7Q"


def _plant_in_gap(db: Path, key: bytes) -> int:
    """Write STALE into the unallocated gap of the first b-tree leaf page with room."""
    data = bytearray(db.read_bytes())
    salt = bytes(data[:16])
    hkey = pagescan.hmac_key(key, salt)
    for pgno in range(2, len(data) // 4096 + 1):
        raw = bytes(data[(pgno - 1) * 4096:pgno * 4096])
        plain = bytearray(pagescan.decrypt_page(key, pgno, raw))
        if plain[0] != 13:
            continue
        ncell, start = struct.unpack(">HH", plain[3:7])
        gap_from = 8 + 2 * ncell
        if (start or 65536) - gap_from > len(STALE) + 8:
            plain[gap_from + 4:gap_from + 4 + len(STALE)] = STALE
            page = pagescan.encrypt_page(key, hkey, pgno, bytes(plain), salt)
            data[(pgno - 1) * 4096:pgno * 4096] = page
            db.write_bytes(bytes(data))
            return pgno
    raise AssertionError("no leaf page with a gap")


def _reopen(path: Path) -> VaultSession:
    return lifecycle.open_vault(path, ADMIN, passphrase_bytes(ADMIN_PASS))


def test_stale_copy_in_a_page_gap_is_found_and_scrubbed(world: World) -> None:
    ids = world.records(5)
    sid = world.open_session(ids)
    world.check_all(sid, ids)
    world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    path, key = world.session.path, bytes(world.session.data_key_copy())
    db = path / store.DB_NAME
    world.session.close()
    page = _plant_in_gap(db, key)
    assert count_in_files(db, key, STALE) == 1
    session = _reopen(path)
    try:
        result, _ = session.call(completion.finalize, sid, [STALE])
        assert result.ok and result.remediated == 1 and result.scrubbed_pages == [page]
        assert not result.vacuumed
        assert session.call(lambda c: c.conn.execute("PRAGMA integrity_check").fetchone()) \
            == ("ok",)
        assert session.call(lambda c: c.conn.execute(
            "SELECT count(*) FROM records").fetchone())[0] == 5
    finally:
        session.close()
    assert count_in_files(db, key, STALE) == 0


def test_an_interrupted_scrub_is_undone_from_its_journal(world: World) -> None:
    world.records(2)
    path, key = world.session.path, bytes(world.session.data_key_copy())
    db = path / store.DB_NAME
    world.session.call(lambda c: c.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
    world.session.close()
    page = _plant_in_gap(db, key)
    planted = db.read_bytes()[(page - 1) * 4096:page * 4096]
    scrub._write_journal(db, [(page, planted)])  # journal written, then...
    with db.open("r+b") as fh:  # ...a torn write: half the page, then power loss
        fh.seek((page - 1) * 4096)
        fh.write(bytes(2048))
    session = _reopen(path)
    try:
        assert session.call(lambda c: scrub.recover(c.conn, db)) == 1
        assert session.call(lambda c: c.conn.execute("PRAGMA integrity_check").fetchone()) \
            == ("ok",)
    finally:
        session.close()
    assert db.read_bytes()[(page - 1) * 4096:page * 4096] == planted
    assert not (path / scrub.JOURNAL).exists()
