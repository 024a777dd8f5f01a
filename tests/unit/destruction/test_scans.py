"""Check-off by container barcode: one item in the box checks it; several ask for archive
numbers; every scan, matched or not, is logged with its outcome."""

from __future__ import annotations

from confterm.vault.catalogue import locations
from confterm.vault.destruction import sessions
from confterm.vault.session import Ctx
from tests.unit.destruction.world import World


def _box(world: World, barcode: str, ids: list[int]) -> None:
    room = world.call(locations.create, "room", f"档案室{barcode}")
    cab = world.call(locations.create, "cabinet", "柜01", room)
    shelf = world.call(locations.create, "shelf", "第1层", cab)
    box = world.call(locations.create, "box", f"盒{barcode}", shelf, barcode)

    def put(ctx: Ctx) -> None:
        with ctx.transaction():
            ctx.conn.executemany("UPDATE records SET location_id = ? WHERE id = ?",
                                 [(box, i) for i in ids])
    world.call(put)


def test_box_barcode_scans(world: World) -> None:
    ids = world.records(3)
    _box(world, "BX-ONE", ids[:1])
    _box(world, "BX-TWO", ids[1:])
    sid = world.open_session(ids)
    assert world.call(sessions.check_off, sid, "BX-ONE").outcome == "checked"
    assert world.call(sessions.check_off, sid, "BX-TWO").outcome == "ambiguous"
    assert world.call(sessions.check_off, sid, "BX-ONE").outcome == "duplicate"
    for number in world.archive_numbers(ids[1:]):
        assert world.call(sessions.check_off, sid, number).outcome == "checked"
    assert world.call(sessions.get, sid).ready
    log = world.call(lambda ctx: [r[0] for r in ctx.conn.execute(
        "SELECT outcome FROM destruction_scans WHERE session_id = ? ORDER BY id", (sid,))])
    assert log == ["checked", "ambiguous", "duplicate", "checked", "checked"]
