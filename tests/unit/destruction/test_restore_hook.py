"""Restoring a backup taken before a destruction does not bring the records back."""

from __future__ import annotations

from pathlib import Path

from confterm.vault import lifecycle, store
from confterm.vault.backup import create_backup
from confterm.vault.destruction import completion
from confterm.vault.restore import restore
from confterm.vault.secrets import passphrase_bytes
from tests.conftest import ADMIN, ADMIN_PASS
from tests.unit.destruction.rawpages import count_in_files
from tests.unit.destruction.world import WITNESS, World


def test_restore_reapplies_destructions_newer_than_the_backup(world: World,
                                                              tmp_path: Path) -> None:
    ids = world.records(5)
    world.set_notes(ids, "RESTORE-CANARY-")
    backup = create_backup(world.session, tmp_path / "backups")
    sid = world.open_session(ids[:3])
    world.check_all(sid, ids[:3])
    assert world.call(completion.complete_session, sid, [world.presence(WITNESS)]).destroyed == 3
    current = world.session.path
    world.session.close()
    target = tmp_path / "restored"
    report = restore(backup.path, target, ADMIN, passphrase_bytes(ADMIN_PASS), current=current)
    assert len(report.purged) == 3 and all("AR-" in line for line in report.purged)
    session = lifecycle.open_vault(target, ADMIN, passphrase_bytes(ADMIN_PASS))
    try:
        rows = session.call(lambda ctx: ctx.conn.execute(
            "SELECT r.id, r.state, r.notes, t.reapplied FROM records r LEFT JOIN"
            " destruction_tombstones t ON t.record_id = r.id WHERE r.id IN (?,?,?,?,?)"
            " ORDER BY r.id", tuple(ids)).fetchall())
        key = bytes(session.data_key_copy())
    finally:
        session.close()
    assert [r[1] for r in rows] == ["destroyed"] * 3 + ["active"] * 2
    assert [r[2] for r in rows[:3]] == ["", "", ""] and rows[3][2].startswith("RESTORE-CANARY")
    assert [r[3] for r in rows] == [1, 1, 1, None, None]
    for rid in ids[:3]:
        assert count_in_files(target / store.DB_NAME, key, f"RESTORE-CANARY-{rid}".encode()) == 0
    assert count_in_files(target / store.DB_NAME, key, f"RESTORE-CANARY-{ids[3]}".encode()) > 0
