"""Changes are audited with before and after; boxes never overflow; numbers stay unique."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlcipher3

from confterm.errors import ConflictError, InputError
from confterm.vault.catalogue import classify, clients, labels, locations, records
from confterm.vault.catalogue.filters import Filters
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.session import VaultSession
from tests.unit.catalogue_db.conftest import Place


def _events(cat: VaultSession, action: str) -> list[tuple[str, dict[str, Any]]]:
    rows = cat.call(lambda ctx: ctx.conn.execute(
        "SELECT object_id, details FROM audit_events WHERE action = ? ORDER BY seq",
        (action,)).fetchall())
    return [(r[0], json.loads(r[1])) for r in rows]


def test_classifying_a_selection_audits_each_record_before_and_after(
        cat: VaultSession, add_record: Callable[..., int]) -> None:
    a, b = add_record(level="internal"), add_record(level="public")
    changed = cat.call(classify.classify, [a, b], "secret", "含工资明细")
    assert changed == 2
    events = _events(cat, "record.classify")
    assert [(e[0], e[1]["before"], e[1]["after"]) for e in events] == [
        (str(a), "internal", "secret"), (str(b), "public", "secret")]
    assert all(e[1]["reason"] == "含工资明细" for e in events)
    assert _events(cat, "record.classify_batch")[0][1]["changed"] == 2
    with pytest.raises(InputError):
        cat.call(classify.classify, [a], "secret", "  ")


def test_classifying_a_query_checks_the_confirmed_count(
        cat: VaultSession, add_record: Callable[..., int]) -> None:
    for year in (2019, 2019, 2020):
        add_record(fiscal_year=year)
    f = Filters(year_from=2019, year_to=2019)
    with pytest.raises(ConflictError):
        cat.call(classify.classify_query, f, "confidential", "年度复核", 3)
    assert cat.call(classify.classify_query, f, "confidential", "年度复核", 2) == 2


def test_review_queue_lists_records_not_reviewed_for_the_period(
        cat: VaultSession, add_record: Callable[..., int]) -> None:
    from datetime import date

    rid = add_record()
    cat.call(classify.set_review_days, 30)
    due = cat.call(lambda ctx: classify.review_queue(ctx.conn, date(2030, 8, 1)))
    assert [r[0] for r in due] == [rid]
    assert cat.call(lambda ctx: classify.review_queue(ctx.conn, date(2030, 6, 20))) == []


def test_moving_records_is_audited_and_a_full_box_refuses(
        cat: VaultSession, add_record: Callable[..., int], place: Place) -> None:
    small = cat.call(locations.create, "box", "盒0002", place.shelf, "BX0002", 1)
    a, b = add_record(location_id=place.box), add_record(location_id=place.box)
    assert cat.call(locations.move_records, [a], small, "整理装盒") == 1
    event = _events(cat, "record.move")[0]
    assert event[0] == str(a)
    assert event[1]["before"].endswith("盒0001") and event[1]["after"].endswith("盒0002")
    with pytest.raises(ConflictError, match="holds 1 records"):
        cat.call(locations.move_records, [b], small, "再放一件")
    assert cat.call(lambda ctx: locations.get(ctx.conn, small).record_count) == 1
    with pytest.raises(ConflictError):
        cat.call(locations.update, small, None, capacity=0)


def test_moving_a_whole_box_rewrites_paths_and_is_audited(
        cat: VaultSession, add_record: Callable[..., int], place: Place) -> None:
    rid = add_record(location_id=place.box)
    cabinet = cat.call(locations.create, "safe", "保险柜01", place.room)
    shelf = cat.call(locations.create, "shelf", "上层", cabinet)
    moved = cat.call(locations.move_location, place.box, shelf, "涉密档案转入保险柜")
    assert moved.path == "档案室A / 保险柜01 / 上层 / 盒0001"
    row = cat.call(lambda ctx: locations.contents(ctx.conn, place.box))
    assert [r[0] for r in row] == [rid]
    event = _events(cat, "location.move")[0][1]
    assert event["before"] == "档案室A / 柜01 / 第1层 / 盒0001" and event["after"] == moved.path
    with pytest.raises(InputError):
        cat.call(locations.move_location, place.box, place.room, "盒不能直接放在库房")


def test_the_capacity_trigger_is_the_last_line_of_defence(
        cat: VaultSession, add_record: Callable[..., int], place: Place) -> None:
    cat.call(lambda ctx: ctx.conn.execute("UPDATE locations SET capacity = 1 WHERE id = ?",
                                          (place.box,)))
    add_record(location_id=place.box)
    loose = add_record()
    with pytest.raises(sqlcipher3.IntegrityError, match="confterm:location_full"):
        cat.call(lambda ctx: ctx.conn.execute(  # bypassing the services' own check
            "UPDATE records SET location_id = ? WHERE id = ?", (place.box, loose)))


def test_duplicate_archive_number_is_refused(cat: VaultSession,
                                             add_record: Callable[..., int]) -> None:
    add_record(archive_no="KJ-2023-0001")
    with pytest.raises(ConflictError, match="already in the vault"):
        add_record(archive_no="KJ-2023-0001")


def test_record_edit_audits_before_after_and_refuses_a_stale_version(
        cat: VaultSession, add_record: Callable[..., int]) -> None:
    rid = add_record(title="2023年记账凭证")
    cat.call(records.update, rid, 1, {"title": "2023年1月记账凭证", "pages": 120})
    changes = _events(cat, "record.update")[0][1]["changes"]
    assert changes["title"] == {"before": "2023年记账凭证", "after": "2023年1月记账凭证"}
    with pytest.raises(ConflictError, match="changed by someone else"):
        cat.call(records.update, rid, 1, {"pages": 121})


def test_client_personal_information_is_masked_and_reveal_is_audited(
        cat: VaultSession, client_id: int) -> None:
    shown = cat.call(lambda ctx: clients.get(ctx.conn, client_id))
    assert shown.legal_representative == "陈**" and shown.liquidation_contact == "138****5678"
    cat.call(clients.update, client_id, 1, {"legal_representative": "陈小文"})
    update = _events(cat, "client.update")[0][1]
    assert "陈小文" not in json.dumps(update, ensure_ascii=False)
    revealed = cat.call(clients.reveal, client_id, "法院调查令（2030）第5号")
    assert revealed["legal_representative"] == "陈小文"
    assert _events(cat, "client.reveal")[0][1]["purpose"] == "法院调查令（2030）第5号"


def test_bad_credit_code_and_labels(cat: VaultSession, add_record: Callable[..., int]) -> None:
    with pytest.raises(InputError, match="check character"):
        cat.call(clients.create, clients.ClientInput("某公司", "91350100M000100Y44"))
    rid = add_record()
    cat.call(labels.change, [rid], ["涉诉", "原件缺失"])
    cat.call(labels.change, [rid], (), ["原件缺失"])
    assert cat.call(lambda ctx: labels.of_records(ctx.conn, [rid]))[rid] == ["涉诉"]
    assert [e[1]["after"] for e in _events(cat, "record.labels")] == [
        ["原件缺失", "涉诉"], ["涉诉"]]
    with pytest.raises(InputError, match="end year"):
        cat.call(records.create, RecordInput("X-1", "题名", 1, "ledger", 2020, start_year=2021,
                                             end_year=2020))
