"""Changing the catalogue from the Archive area: classify a selection, move a box, a full
box refused, holds, and revealing a client's personal information."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from confterm.app import ConftermApp
from tests.ui.archive_seed import Seeded, archive_template, archive_vault, open_admin, query
from tests.ui.conftest import (
    APPROVER,
    AUDITOR,
    CUSTODIAN,
    on_screen,
    screen_text,
    unlock,
    wait_for,
)
from tests.ui.test_access_flow import ok, on, step_up_as, table_text
from tests.ui.test_archive_browser import open_archive, type_search, visible_rows

__all__ = ["archive_template", "archive_vault"]
MakeApp = Callable[..., ConftermApp]


async def dialog(pilot: Pilot[Any], name: str) -> Any:
    app: Any = pilot.app
    await wait_for(pilot, lambda: type(app.screen).__name__ == name)
    await pilot.pause()
    return app.screen


async def submit(pilot: Pilot[Any], form: Any, last_input: str) -> None:
    form.query_one(f"#{last_input}").focus()
    await pilot.press("enter")


def audit_events(path: Path, action: str) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in query(
        path, "SELECT details FROM audit_events WHERE action = ? ORDER BY seq", (action,))]


async def test_classify_a_selection_is_proposed_and_takes_effect_when_accepted(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_archive(pilot)
        await pilot.press("space", "space", "space")  # mark three, cursor moves down
        lst = screen.browser.records
        picked = lst.marked_ids
        before = {r.id: r.level for r in lst.marks.values()}
        changing = [i for i in picked if before[i] != "secret"]
        assert len(picked) == 3 and "3 marked" in screen_text(app) and changing
        await pilot.press("c")
        form = await dialog(pilot, "ClassifyDialog")
        assert form.scope().kind == "selection"
        form.query_one("#classify-level", Select).value = "secret"
        form.query_one("#classify-reason", Input).value = "含涉诉材料，提高密级"
        await submit(pilot, form, "classify-reason")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: f"{len(changing)} waiting for an approver (batch 1"
                       in " ".join(n.message for n in app._notifications))
        levels = dict(query_app(app, "SELECT id, level FROM records"))
        assert {i: levels[i] for i in picked} == before  # nothing yet on one person's word

        await pilot.press("g")  # Access → Changes: the approver decides the whole batch
        await wait_for(pilot, lambda: on(app, "AccessScreen"))
        await pilot.press("4")
        await wait_for(pilot, lambda: app.screen.view == "changes" and app.screen.loaded
                       and "(batch 1)" in table_text(app))
        await pilot.press("d")
        await wait_for(pilot, lambda: on(app, "DecideChangeDialog"))
        assert not app.screen.whole_batch()  # one change unless the approver says so
        assert f"This batch has {len(changing)} pending changes" in screen_text(app)
        app.screen.query_one("#change-scope", Select).value = "batch"
        await ok(pilot)
        await step_up_as(pilot, APPROVER)
        await wait_for(pilot, lambda: on(app, "AccessScreen") and table_text(app) == "")
    levels = dict(query(path, "SELECT id, level FROM records"))
    assert {levels[i] for i in picked} == {"secret"}
    proposed = audit_events(path, "record.change.propose")
    assert len(proposed) == len(changing)
    assert all(e["changes"]["level"]["after"] == "secret" and e["reason"] == "含涉诉材料，提高密级"
               for e in proposed)
    accepted = audit_events(path, "record.change.accept")
    assert len(accepted) == len(changing) and all(e["approver"] == APPROVER.name
                                                  for e in accepted)
    assert audit_events(path, "record.change.batch")[-1]["selected"] == 3


def query_app(app: ConftermApp, sql: str) -> list[tuple[Any, ...]]:
    """Read through the running app's own session (the vault is locked to it)."""
    session: Any = app.session
    return session.call(lambda ctx: ctx.conn.execute(sql).fetchall())


async def test_classify_needs_a_reason_and_changes_nothing_without(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_archive(pilot)
        await pilot.press("c")
        form = await dialog(pilot, "ClassifyDialog")
        form.query_one("#classify-reason", Input).value = "复核"
        await submit(pilot, form, "classify-reason")  # no level chosen: none is assumed
        await wait_for(pilot, lambda: "choose the classification level" in
                       form.message_text.lower())
        form.query_one("#classify-reason", Input).value = ""
        form.query_one("#classify-level", Select).value = "secret"
        await submit(pilot, form, "classify-reason")
        await wait_for(pilot, lambda: "reason" in form.message_text.lower())
    assert not audit_events(path, "record.change.batch")


@pytest.mark.parametrize("restricted", [False, True], ids=["plain", "personal-info"])
async def test_move_a_box_to_another_shelf(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded], restricted: bool) -> None:
    """A box holding a record with personal information (restricted processing) moves only
    when an approver steps up and countersigns."""
    path, seeded = archive_vault
    if restricted:
        with open_admin(path) as session:  # test set-up, straight into the table
            session.call(lambda ctx: ctx.conn.execute(
                "UPDATE records SET personal_info = 1 WHERE id = (SELECT min(id) FROM records"
                " WHERE location_id = ?)", (seeded.box1,)))
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        await unlock(pilot, CUSTODIAN)
        await pilot.press("j")
        await wait_for(pilot, lambda: on_screen(app, "ArchiveScreen"))
        await pilot.press("3")
        await wait_for(pilot, lambda: on_screen(app, "LocationsScreen"))
        screen: Any = app.screen
        for _level in range(3):  # room, cabinet, shelf 1: open each and step in
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.places.cursor_node is not None
                           and bool(screen.places.cursor_node.children))
            await pilot.press("down")
        await wait_for(pilot, lambda: screen.place is not None and screen.place.kind == "box")
        assert screen.place.id == seeded.box1
        await wait_for(pilot, lambda: screen.records.counted and screen.records.count == 37)
        await pilot.press("m")
        form = await dialog(pilot, "MoveDialog")
        form.query_one("#move-target", Input).value = "档案室A / 柜01 / 第2层"
        form.query_one("#move-reason", Input).value = "第1层受潮，整盒移至第2层"
        await submit(pilot, form, "move-reason")
        if restricted:
            await wait_for(pilot, lambda: type(app.screen).__name__ == "StepUpDialog")
            assert CUSTODIAN.name not in app.screen.people  # never the person moving it
            await step_up_as(pilot, APPROVER)
        await wait_for(pilot, lambda: app.screen is screen)
    moved = query(path, "SELECT parent_id, path FROM locations WHERE id = ?", (seeded.box1,))
    assert moved == [(seeded.shelf2, "档案室A / 柜01 / 第2层 / 盒0001")]
    event = audit_events(path, "location.move")[-1]
    assert event["before"].endswith("第1层 / 盒0001") and event["records"] == 37
    assert event["restricted"] == int(restricted)
    assert (event.get("approver"), bool(event.get("signature"))) == (
        (APPROVER.name, True) if restricted else (None, False))


async def test_a_move_into_a_full_box_is_refused_and_says_why(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        await pilot.press(*["down"] * 6)  # past the records already in BX0002
        await pilot.press("space", "space")
        picked = screen.browser.records.marked_ids
        await pilot.press("m")
        form = await dialog(pilot, "MoveDialog")
        form.query_one("#move-target", Input).value = "BX0002"
        form.query_one("#move-reason", Input).value = "归并"
        await submit(pilot, form, "move-reason")
        await wait_for(pilot, lambda: "holds 3 records and has 3" in form.message_text)
        assert "2 more do not fit" in form.message_text
    places = dict(query(path, "SELECT id, location_id FROM records"))
    assert all(places[i] != seeded.box2 for i in picked)
    assert not audit_events(path, "record.move")


async def test_hold_the_marked_records_then_release(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        await pilot.press("space", "space")
        picked = screen.browser.records.marked_ids
        await pilot.press("k")
        form = await dialog(pilot, "HoldDialog")
        assert form.scope().kind == "selection"
        form.query_one("#hold-reason", Input).value = "税务稽查调取"
        form.query_one("#hold-owner", Input).value = "某区税务局稽查局"
        await submit(pilot, form, "hold-reference")
        await wait_for(pilot, lambda: app.screen is screen)
        lst = screen.browser.records
        await wait_for(pilot, lambda: lst.row_at(0) is not None)
        assert {r.status for r in visible_rows(screen) if r.id in picked} == {"on_hold"}
        await pilot.press("4")
        await wait_for(pilot, lambda: on_screen(app, "HoldsScreen"))
        assert "税务稽查调取" in screen_text(app)
        await pilot.press("r")
        form = await dialog(pilot, "ReleaseDialog")
        form.query_one("#release-reason", Input).value = "稽查结束"
        await submit(pilot, form, "release-reason")
        await wait_for(pilot, lambda: on_screen(app, "HoldsScreen")
                       and "No hold is in force" in screen_text(app))
    assert query(path, "SELECT count(*) FROM records WHERE hold_count > 0") == [(0,)]
    assert audit_events(path, "hold.release")[-1]["reason"] == "稽查结束"


async def test_personal_information_stays_masked_without_a_covering_request(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        await unlock(pilot, AUDITOR)
        await pilot.press("j")
        await wait_for(pilot, lambda: on_screen(app, "ArchiveScreen"))
        await pilot.press("2")
        await wait_for(pilot, lambda: on_screen(app, "ClientsScreen"))
        await wait_for(pilot, lambda: app.screen.clients.current is not None)
        text = screen_text(app)
        assert "13900001111" not in text and "李四海" not in text  # 北京燕山 comes first
        assert "李**" in text and "139****1111" in text
        await pilot.press("v")
        form = await dialog(pilot, "RevealDialog")
        await submit(pilot, form, "reveal-request")  # no purpose
        await wait_for(pilot, lambda: "reason" in form.message_text.lower()
                       or "purpose" in form.message_text.lower())
        form.query_one("#reveal-purpose", Input).value = "法院调查取证"
        await submit(pilot, form, "reveal-request")
        await wait_for(pilot, lambda: "request" in form.message_text.lower())
        assert "李四海" not in screen_text(app)
    assert not audit_events(path, "client.reveal")
    refused = query(path, "SELECT count(*) FROM audit_events WHERE action = ?",
                    ("access.reveal_refused",))
    assert refused == [(1,)]


async def test_classify_the_whole_query_keeps_the_search_text_out_of_the_audit(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        await type_search(pilot, screen, "燕山 凭证")
        assert screen.browser.records.count == 6
        await pilot.press("escape", "c")
        form = await dialog(pilot, "ClassifyDialog")
        form.query_one("#scope", Select).value = next(
            i for i, s in enumerate(form.scopes) if s.kind == "query")
        form.query_one("#classify-level", Select).value = "confidential"
        form.query_one("#classify-reason", Input).value = "整批复核"
        await submit(pilot, form, "classify-reason")
        await wait_for(pilot, lambda: app.screen is screen)
    wanted = query(path, "SELECT r.id FROM records r JOIN clients c ON c.id = r.client_id"
                         " WHERE c.name LIKE '%燕山%' AND r.category = 'voucher'"
                         " AND r.level <> 'confidential' ORDER BY r.id")
    proposed = query(path, "SELECT record_id FROM record_changes WHERE status = 'pending'"
                           " ORDER BY record_id")
    assert wanted and proposed == wanted  # the whole query, proposed for an approver
    details = [r[0] for r in query(path, "SELECT details FROM audit_events"
                                         " WHERE action LIKE 'record.change%'")]
    assert details and not any("凭证" in d or "燕山" in d for d in details)


async def test_review_queue_confirms_the_marked_records(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    from confterm.vault.catalogue import classify
    from tests.ui.archive_seed import open_admin

    with open_admin(path) as session:
        session.call(classify.set_review_days, 30)  # everything seeded is now due
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_archive(pilot)
        await pilot.press("5")
        await wait_for(pilot, lambda: on_screen(app, "ReviewScreen")
                       and app.screen.queue.counted)
        screen: Any = app.screen
        assert screen.queue.count == seeded.records
        assert f"{seeded.records} records not reviewed for 30 days" in screen_text(app)
        await pilot.press("space", "space", "v")
        await wait_for(pilot, lambda: screen.queue.counted
                       and screen.queue.count == seeded.records - 2)
    assert len(audit_events(path, "record.review")) == 2


async def test_a_hold_on_a_query_reads_as_its_filters_not_json(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    from confterm.vault.catalogue import holds
    from confterm.vault.catalogue.filters import Filters

    path, _seeded = archive_vault
    with open_admin(path) as session:
        session.call(holds.create, "查账", "审计", "query",
                     filters=Filters(category="ledger", year_from=2019, year_to=2019,
                                     text="凭证"))
    app = make_app(path=path, lang="zh_CN")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_archive(pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: on_screen(app, "HoldsScreen") and app.screen.loaded)
        await wait_for(pilot, lambda: "年度：2019–2019" in screen_text(app))
        text = screen_text(app)
        assert "类别：" in text and "搜索：“凭证”" in text and '{"' not in text
