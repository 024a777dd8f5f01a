"""After completion, no copy of a destroyed record's content is left anywhere in the vault:
not in a table, not in a free page or the unused part of a page, not in the WAL.

Canary values are planted in the notes of records that are destroyed (and of one that is
not, as the positive control), and in the personal information of a client whose every
record is destroyed. The files are then decrypted page by page with the vault key.
"""

from __future__ import annotations

from pathlib import Path

import sqlcipher3

from confterm.vault import store
from confterm.vault.destruction import completion
from confterm.vault.session import Ctx
from tests.unit.destruction.rawpages import count_in_files
from tests.unit.destruction.world import WITNESS, World


def _all_table_text(db: Path, key: bytes) -> str:
    conn = sqlcipher3.connect(str(db))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    out = []
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                         " AND name NOT LIKE 'record_search%'")]
    for table in tables:
        for row in conn.execute(f"SELECT * FROM {table}"):
            out.extend(str(v) for v in row)
    conn.close()
    return "\n".join(out)


def test_no_copy_of_destroyed_content_in_any_page_or_wal_frame(world: World) -> None:
    doomed_client = world.new_client()
    world.call(lambda ctx: _plant_client_pi(ctx, doomed_client))
    ids = world.records(40, client_id=doomed_client)
    keep = world.records(1, client_id=world.new_client())
    world.set_notes(ids, "CANARY-DESTROY-Z9Q")
    world.set_notes(keep, "CANARY-KEEP-Z9Q")
    db = world.session.path / store.DB_NAME
    key = bytes(world.session.data_key_copy())
    assert count_in_files(db, key, b"CANARY-DESTROY-Z9Q") > 0  # planted, visible before
    sid = world.open_session(ids)
    world.check_all(sid, ids)
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    assert done.destroyed == 40 and done.verification.ok
    assert done.verification.needles >= 40 and done.verification.residues == 0
    for label in ("while open", "after close"):
        assert count_in_files(db, key, b"CANARY-DESTROY-Z9Q") == 0, label
        assert count_in_files(db, key, "法人代表金丝雀".encode()) == 0, label
        assert count_in_files(db, key, b"CANARY-KEEP-Z9Q") > 0, label  # the scan works
        text = _all_table_text(db, key)
        assert "CANARY-DESTROY" not in text and "法人代表金丝雀" not in text
        assert "CANARY-KEEP-Z9Q" in text
        world.session.close()


def _plant_client_pi(ctx: Ctx, client_id: int) -> None:
    with ctx.transaction():
        ctx.conn.execute("UPDATE clients SET pi_legal_representative = '法人代表金丝雀甲',"
                         " pi_liquidation_contact = '清算联系人 法人代表金丝雀乙' WHERE id = ?",
                         (client_id,))


def test_notes_written_through_the_catalogue_leave_no_copy(world: World) -> None:
    ids = world.records(3, notes="CANARY-VIA-SERVICE-8K2")
    sid = world.open_session(ids)
    world.check_all(sid, ids)
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    # The catalogue audits notes as present/changed, never verbatim: nothing survives.
    assert done.verification.where == []
    key = bytes(world.session.data_key_copy())
    assert count_in_files(world.session.path / store.DB_NAME, key,
                          b"CANARY-VIA-SERVICE-8K2") == 0
