"""Legal holds: a held record is never eligible and can never enter destruction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import sqlcipher3

from confterm.errors import ConflictError
from confterm.vault.catalogue import browse, detail, holds, records
from confterm.vault.catalogue.filters import Filters
from confterm.vault.session import VaultSession

LATE = date(2060, 1, 1)  # every fiscal-2023 voucher's period has ended


def _eligible(cat: VaultSession) -> set[int]:
    return {i for i, _ in cat.call(lambda ctx: records.eligible_ids(ctx.conn, LATE))}


def test_client_hold_blocks_eligibility_until_released(cat: VaultSession, client_id: int,
                                                       add_record: Callable[..., int]) -> None:
    first = add_record()
    hold = cat.call(holds.create, "民事诉讼（2030）闽02民初123号", "厦门市中级人民法院",
                    "client", client_id=client_id)
    later = add_record()  # catalogued after the hold: covered too
    assert _eligible(cat) == set()
    for rid in (first, later):
        d = cat.call(lambda ctx, r=rid: detail.record_detail(ctx.conn, r, LATE))
        assert d.status == "on_hold"
        assert any(r.key == "catalogue.reason.hold" for r in d.assessment.reasons)
    held = cat.call(lambda ctx: browse.page_after(ctx.conn, Filters(status="on_hold"), LATE))
    assert {r.id for r in held.rows} == {first, later}
    cat.call(holds.release, hold, "判决生效，案件终结")
    assert _eligible(cat) == {first, later}
    with pytest.raises(ConflictError):
        cat.call(holds.release, hold, "再次解除")


def test_the_schema_refuses_destruction_of_a_held_record(cat: VaultSession,
                                                         add_record: Callable[..., int]) -> None:
    rid = add_record()
    cat.call(holds.create, "税务稽查", "国家税务总局厦门市税务局稽查局", "records",
             record_ids=[rid])

    def destroy(ctx: object) -> None:
        ctx.conn.execute("UPDATE records SET state = 'in_destruction' WHERE id = ?",  # type: ignore[attr-defined]
                         (rid,))

    with pytest.raises(sqlcipher3.IntegrityError, match="confterm:record_on_hold"):
        cat.call(destroy)
    assert cat.call(lambda ctx: holds.is_held(ctx.conn, rid))


def test_query_hold_covers_matching_records_added_later(cat: VaultSession,
                                                        add_record: Callable[..., int]) -> None:
    old = add_record(fiscal_year=2019)
    other = add_record(fiscal_year=2021)
    cat.call(holds.create, "审计调取2019年度凭证", "审计署特派办", "query",
             filters=Filters(year_from=2019, year_to=2019))
    new = add_record(fiscal_year=2019)
    assert _eligible(cat) == {other}
    assert {h.records for h in cat.call(lambda ctx: holds.list_holds(ctx.conn))} == {2}
    assert cat.call(lambda ctx: holds.is_held(ctx.conn, old))
    assert cat.call(lambda ctx: holds.is_held(ctx.conn, new))


def test_two_holds_release_one_stays_held(cat: VaultSession,
                                          add_record: Callable[..., int]) -> None:
    rid = add_record()
    a = cat.call(holds.create, "诉讼甲", "法务部", "records", record_ids=[rid])
    cat.call(holds.create, "诉讼乙", "法务部", "records", record_ids=[rid])
    cat.call(holds.release, a, "甲案结案")
    assert cat.call(lambda ctx: holds.is_held(ctx.conn, rid))
    assert cat.call(lambda ctx: browse.counter(ctx.conn, "held")) == 1


def test_hold_and_release_are_audited(cat: VaultSession, add_record: Callable[..., int]) -> None:
    rid = add_record()
    hold = cat.call(holds.create, "纪检调查", "纪委", "records", record_ids=[rid])
    cat.call(holds.release, hold, "调查结束")
    events = cat.call(lambda ctx: ctx.conn.execute(
        "SELECT action, actor, details FROM audit_events WHERE object_type = 'hold'"
        " ORDER BY seq").fetchall())
    assert [e[0] for e in events] == ["hold.create", "hold.release"]
    assert "纪检调查" in events[0][2] and "调查结束" in events[1][2]
