"""Completion decrypts only the pages written since the check-off's background pass; the
verification must still find every copy of destroyed content.

- a copy already in the file during the pass, in a page completion never rewrites, is
  reported from the pass and scrubbed; if the pass could not prove that page (HMAC), it
  is searched again at completion;
- a copy written into an otherwise untouched page after the pass is found: any write gives
  the page a new IV, so completion decrypts it again;
- why skipping a page is safe: every page completion does not decrypt is byte for byte the
  page the pass searched;
- content changed after the pass (values the pass never searched for) means a full scan.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from confterm.vault import store
from confterm.vault.destruction import completion, pagescan, prescan
from confterm.vault.session import Ctx
from tests.unit.destruction.rawpages import count_in_files
from tests.unit.destruction.world import WITNESS, World

NOTE = "CANARY-PRESCAN-NOTE-"
PAGE = pagescan.PAGE


def _baseline(world: World, sid: int) -> pagescan.Baseline:
    base = world.call(lambda c: prescan.take(c, sid, []))
    assert base is not None and base.pages > 0
    return base


def _tails(db: Path) -> dict[int, bytes]:
    data = db.read_bytes()
    return {n + 1: pagescan.tail(data, n) for n in range(len(data) // PAGE)}


def _base_tail(base: pagescan.Baseline, pgno: int) -> bytes:
    first = (pgno - 1) // pagescan.CHUNK_PAGES * pagescan.CHUNK_PAGES + 1
    n = pgno - first
    return base.tails.get(first, b"")[n * pagescan.TAIL:(n + 1) * pagescan.TAIL]


def _plant(db: Path, key: bytes, pgno: int, value: bytes) -> None:
    """Write ``value`` into the unused gap of leaf page ``pgno``, re-encrypted (fresh IV,
    valid MAC) as SQLCipher or the scrub would write it."""
    with db.open("rb") as fh:
        salt = fh.read(16)
        fh.seek((pgno - 1) * PAGE)
        raw = fh.read(PAGE)
    plain = bytearray(pagescan.decrypt_page(key, pgno, raw))
    ncell, start = struct.unpack(">HH", plain[3:7])
    at = 8 + 2 * ncell + 4
    assert plain[0] == 13 and (start or 65536) - at > len(value) + 4, "no room in the gap"
    plain[at:at + len(value)] = value
    page = pagescan.encrypt_page(key, pagescan.hmac_key(key, salt), pgno, bytes(plain), salt)
    with db.open("r+b") as fh:
        fh.seek((pgno - 1) * PAGE)
        fh.write(page)


def _root(ctx: Ctx, table: str) -> int:
    return int(ctx.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                                (table,)).fetchone()[0])


def _checkpoint(ctx: Ctx) -> None:
    ctx.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()


@pytest.fixture
def doomed(world: World) -> tuple[list[int], int]:
    ids = world.records(30)
    world.set_notes(ids, NOTE)
    return ids, world.open_session(ids)


def test_a_copy_in_an_untouched_page_during_the_pass_is_reported_and_scrubbed(
        world: World, doomed: tuple[list[int], int]) -> None:
    ids, sid = doomed
    db, key = world.session.path / store.DB_NAME, bytes(world.session.data_key_copy())
    world.call(_checkpoint)
    rules = world.call(_root, "retention_rules")  # a page no destruction ever writes
    _plant(db, key, rules, f"{NOTE}{ids[0]}".encode())
    world.check_all(sid, ids)  # the first check-off starts the pass
    base = _baseline(world, sid)
    assert rules in base.hits
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    result = done.verification
    assert result.unchanged_pages > 0 and result.db_pages > result.unchanged_pages
    assert result.ok and result.remediated == 1 and result.scrubbed_pages == [rules]
    assert count_in_files(db, key, NOTE.encode()) == 0


def test_a_page_the_pass_could_not_prove_is_searched_again(
        world: World, doomed: tuple[list[int], int]) -> None:
    """A page read while a checkpoint rewrote it fails its HMAC: the pass keeps no tail and
    no findings for it, and completion must decrypt it itself."""
    ids, sid = doomed
    db, key = world.session.path / store.DB_NAME, bytes(world.session.data_key_copy())
    world.call(_checkpoint)
    rules = world.call(_root, "retention_rules")
    _plant(db, key, rules, f"{NOTE}{ids[0]}".encode())
    world.check_all(sid, ids)
    base = _baseline(world, sid)
    first = (rules - 1) // pagescan.CHUNK_PAGES * pagescan.CHUNK_PAGES + 1
    torn = bytearray(base.tails[first])  # as the pass leaves a page that fails its HMAC
    torn[(rules - first) * pagescan.TAIL:(rules - first + 1) * pagescan.TAIL] = bytes(
        pagescan.TAIL)
    base.tails[first] = bytes(torn)
    del base.hits[rules]
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    assert done.verification.unchanged_pages > 0
    assert done.verification.remediated == 1 and done.verification.scrubbed_pages == [rules]


def test_a_copy_written_after_the_pass_into_an_untouched_page_is_found(
        world: World, doomed: tuple[list[int], int], monkeypatch: pytest.MonkeyPatch) -> None:
    ids, sid = doomed
    db, key = world.session.path / store.DB_NAME, bytes(world.session.data_key_copy())
    world.check_all(sid, ids)
    base = _baseline(world, sid)
    rules = world.call(_root, "retention_rules")
    original = completion.reclaim
    planted: list[bytes] = []

    def plant_then_reclaim(ctx: Ctx, force: bool = False) -> bool:
        """Runs after the purge and the checkpoint, right before the verification."""
        if not planted:
            assert _tails(db)[rules] == _base_tail(base, rules)  # untouched until now
            planted.append(f"{NOTE}{ids[0]}".encode())
            _plant(db, key, rules, planted[0])
        return original(ctx, force)

    monkeypatch.setattr(completion, "reclaim", plant_then_reclaim)
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    result = done.verification
    assert planted and result.unchanged_pages > 0
    assert result.ok and result.remediated == 1 and result.scrubbed_pages == [rules]
    assert count_in_files(db, key, planted[0]) == 0


def test_every_page_not_decrypted_at_completion_is_the_page_the_pass_searched(
        world: World, doomed: tuple[list[int], int]) -> None:
    ids, sid = doomed
    db = world.session.path / store.DB_NAME
    world.check_all(sid, ids)
    world.call(_checkpoint)  # then a pass over a file nothing writes until completion
    world.call(lambda c: prescan.begin(c.session, sid, prescan.candidate_needles(c.conn, sid)))
    base = _baseline(world, sid)
    searched = db.read_bytes()
    assert all(_base_tail(base, p) in (t, bytes(pagescan.TAIL))
               for p, t in _tails(db).items() if p <= base.pages)
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    final = db.read_bytes()
    kept = [p for p, t in _tails(db).items()
            if p <= base.pages and t == _base_tail(base, p)]
    assert len(kept) == done.verification.unchanged_pages > 0
    for p in kept:  # same IV and MAC: the same bytes, hence the same plaintext
        assert final[(p - 1) * PAGE:p * PAGE] == searched[(p - 1) * PAGE:p * PAGE], p
    assert done.verification.ok


def test_content_changed_after_the_pass_means_a_full_scan(
        world: World, doomed: tuple[list[int], int]) -> None:
    ids, sid = doomed
    world.check_all(sid, ids)
    _baseline(world, sid)

    def edit(ctx: Ctx) -> None:
        with ctx.transaction():
            ctx.conn.execute("UPDATE clients SET pi_legal_representative = ? WHERE id = ?",
                             ("法人代表后来改的金丝雀", world.client_id))

    world.call(edit)
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    assert done.verification.ok and done.verification.unchanged_pages == 0
    db, key = world.session.path / store.DB_NAME, bytes(world.session.data_key_copy())
    assert count_in_files(db, key, "法人代表后来改的金丝雀".encode()) == 0
