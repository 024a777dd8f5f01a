"""Catalogue changes are audited; boxes never overflow; numbers stay unique.

Classifying, moving records and editing records are change control's: see
tests/unit/access/test_change_batches.py and test_access_changes.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlcipher3

from confterm.errors import ConflictError, InputError
from confterm.vault.catalogue import classify, clients, labels, locations, records
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.session import VaultSession
from tests.unit.catalogue_db.conftest import Place


def _events(cat: VaultSession, action: str) -> list[tuple[str, dict[str, Any]]]:
    rows = cat.call(lambda ctx: ctx.conn.execute(
        "SELECT object_id, details FROM audit_events WHERE action = ? ORDER BY seq",
        (action,)).fetchall())
    return [(r[0], json.loads(r[1])) for r in rows]


def test_review_queue_lists_records_not_reviewed_for_the_period(
        cat: VaultSession, add_record: Callable[..., int]) -> None:
    from datetime import date

    rid = add_record()
    cat.call(classify.set_review_days, 30)
    due = cat.call(lambda ctx: classify.review_queue(ctx.conn, date(2030, 8, 1)))
    assert [r[0] for r in due] == [rid]
    assert cat.call(lambda ctx: classify.review_queue(ctx.conn, date(2030, 6, 20))) == []


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
