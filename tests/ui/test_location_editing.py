"""Setting up and changing storage places in the Archive area's Locations view: a new firm
builds room → cabinet → shelf → box, renames a box, is refused a capacity below what a box
holds, deletes an empty box and is refused deleting a full one; people without the role
cannot change anything."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select

from confterm.app import ConftermApp
from confterm.dialogs.location_form import LocationDialog
from confterm.screens.archive_locations import _descendants
from tests.ui.archive_seed import Seeded, archive_template, archive_vault, query
from tests.ui.conftest import (
    ADMIN,
    AUDITOR,
    CUSTODIAN,
    Who,
    on_screen,
    screen_text,
    unlock,
    wait_for,
)
from tests.ui.test_archive_changes import audit_events, dialog

__all__ = ["archive_template", "archive_vault"]
MakeApp = Callable[..., ConftermApp]


async def open_locations(pilot: Pilot[Any], who: Who = CUSTODIAN) -> Any:
    app: Any = pilot.app
    await unlock(pilot, who)
    await pilot.press("j")
    await wait_for(pilot, lambda: on_screen(app, "ArchiveScreen"))
    await pilot.press("3")
    await wait_for(pilot, lambda: on_screen(app, "LocationsScreen"))
    return app.screen


async def step_into(pilot: Pilot[Any], screen: Any, levels: int) -> None:
    """Open the highlighted place and move to its first child, ``levels`` times."""
    for _level in range(levels):
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.places.cursor_node is not None
                       and bool(screen.places.cursor_node.children))
        await pilot.press("down")


async def fill(pilot: Pilot[Any], form: Any, kind: str | None = None, **values: str) -> None:
    """Type into the dialog's fields (name=, barcode=, capacity=, notes=) and press Enter."""
    if kind is not None:
        form.query_one("#location-kind", Select).value = kind
    for field, value in values.items():
        form.query_one(f"#location-{field}", Input).value = value
    form.query_one("#location-notes").focus()
    await pilot.press("enter")


async def add(pilot: Pilot[Any], screen: Any, kind: str, **values: str) -> None:
    app: Any = pilot.app
    await pilot.press("n")
    form = await dialog(pilot, "LocationDialog")
    await fill(pilot, form, kind, **values)
    await wait_for(pilot, lambda: app.screen is screen and screen.loaded
                   and screen.place is not None and screen.place.name == values["name"])


async def test_a_new_firm_sets_up_room_cabinet_shelf_and_boxes(make_app: MakeApp,
                                                               vault: Path) -> None:
    app = make_app(path=vault)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_locations(pilot, ADMIN)
        await wait_for(pilot, lambda: "no locations yet" in screen_text(app))
        await pilot.press("n")
        form = await dialog(pilot, "LocationDialog")
        assert form.kinds == ["room"]  # nothing selected: only a room can start the tree
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await add(pilot, screen, "room", name="档案室A")
        await pilot.press("n")
        form = await dialog(pilot, "LocationDialog")
        assert form.kinds == ["cabinet", "safe", "room"]  # what a room holds, or a new room
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await add(pilot, screen, "cabinet", name="柜01")
        await add(pilot, screen, "shelf", name="第1层")
        await add(pilot, screen, "box", name="盒0001", barcode="BX0001", capacity="50")
        await wait_for(pilot, lambda: "盒0001 BX0001  [0/50]" in screen_text(app))
        assert screen.place.path == "档案室A / 柜01 / 第1层 / 盒0001"
        # With a box highlighted, n proposes the next box on the same shelf.
        await pilot.press("n")
        form = await dialog(pilot, "LocationDialog")
        assert form.query_one("#location-name", Input).value == "盒0002"
        assert form.query_one("#location-barcode", Input).value == "BX0002"
        assert form.query_one("#location-capacity", Input).value == "50"
        await fill(pilot, form)
        await wait_for(pilot, lambda: app.screen is screen and "盒0002 BX0002  [0/50]"
                       in screen_text(app))
        # The same barcode twice is refused on the dialog, which stays open.
        await pilot.press("n")
        form = await dialog(pilot, "LocationDialog")
        await fill(pilot, form, name="盒0009", barcode="BX0001")
        await wait_for(pilot, lambda: "BX0001" in form.message_text
                       and "already used" in form.message_text)
        assert app.screen is form
    rows = query(vault, "SELECT path, kind, barcode, capacity FROM locations ORDER BY id")
    assert rows == [("档案室A", "room", None, None), ("档案室A / 柜01", "cabinet", None, None),
                    ("档案室A / 柜01 / 第1层", "shelf", None, None),
                    ("档案室A / 柜01 / 第1层 / 盒0001", "box", "BX0001", 50),
                    ("档案室A / 柜01 / 第1层 / 盒0002", "box", "BX0002", 50)]
    assert len(audit_events(vault, "location.create")) == 5


async def test_rename_a_box_and_a_capacity_below_its_contents_is_refused(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_locations(pilot)
        await step_into(pilot, screen, 3)  # room, cabinet, shelf 1 → box 1 (37 records)
        await wait_for(pilot, lambda: screen.place is not None and screen.place.id == seeded.box1)
        await pilot.press("e")
        form = await dialog(pilot, "LocationDialog")
        assert "Holds 37 records" in screen_text(app)
        await fill(pilot, form, name="盒0001A", capacity="10")
        await wait_for(pilot, lambda: "already holds 37" in form.message_text)
        assert app.screen is form
        await fill(pilot, form, capacity="40")
        await wait_for(pilot, lambda: app.screen is screen and screen.place is not None
                       and screen.place.name == "盒0001A")
        assert screen.place.id == seeded.box1  # the tree was rebuilt, the box still selected
        await wait_for(pilot, lambda: "盒0001A BX0001  [37/40]" in screen_text(app))
    assert query(path, "SELECT path, capacity FROM locations WHERE id = ?", (seeded.box1,)) \
        == [("档案室A / 柜01 / 第1层 / 盒0001A", 40)]
    change = audit_events(path, "location.update")
    assert len(change) == 1 and change[0]["after"]["capacity"] == 40


async def test_delete_an_empty_box_but_not_a_full_one(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_locations(pilot)
        await step_into(pilot, screen, 3)
        await pilot.press("down")  # box 2: full, 3 records
        await wait_for(pilot, lambda: screen.place is not None and screen.place.id == seeded.box2)
        await pilot.press("delete")
        form = await dialog(pilot, "DeleteLocationDialog")
        assert form.focused is not None and form.focused.id == "form-cancel"  # the safe default
        form.query_one("#form-ok").press()
        await wait_for(pilot, lambda: "3 records and cannot be deleted" in form.message_text)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("down", "enter")  # shelf 2, open it
        await wait_for(pilot, lambda: screen.places.cursor_node.children)
        await pilot.press("down")
        await wait_for(pilot, lambda: screen.place is not None and screen.place.id == seeded.box3)
        await pilot.press("delete")
        form = await dialog(pilot, "DeleteLocationDialog")
        form.query_one("#form-ok").press()
        await wait_for(pilot, lambda: app.screen is screen and screen.loaded
                       and screen.place is not None and screen.place.id == seeded.shelf2)
        await wait_for(pilot, lambda: "盒0003" not in screen_text(app))
    assert not query(path, "SELECT 1 FROM locations WHERE id = ?", (seeded.box3,))
    assert query(path, "SELECT 1 FROM locations WHERE id = ?", (seeded.box2,))
    assert [e["path"] for e in audit_events(path, "location.delete")] == \
        ["档案室A / 柜01 / 第2层 / 盒0003"]


async def test_an_auditor_reads_locations_but_cannot_change_them(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    before = query(path, "SELECT count(*) FROM audit_events")
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_locations(pilot, AUDITOR)
        await wait_for(pilot, lambda: screen.place is not None)
        assert "New place" not in screen_text(app)  # not offered in the footer
        await pilot.press("n", "e", "delete")
        await pilot.pause(0.2)
        assert app.screen is screen
        # Even a dialog reached some other way is refused by the vault, on its message line.
        app.push_screen(LocationDialog(screen.place))
        form = await dialog(pilot, "LocationDialog")
        await fill(pilot, form, "room", name="档案室Z")
        await wait_for(pilot, lambda: "does not hold the required role" in form.message_text)
    assert query(path, "SELECT count(*) FROM audit_events WHERE action LIKE 'location.%'"
                 " AND seq > ?", (before[0][0],)) == [(0,)]


async def at_first_box(pilot: Pilot[Any], seeded: Seeded) -> Any:
    """The Locations screen with the first box (room, shelf, box) highlighted."""
    screen = await open_locations(pilot)
    await step_into(pilot, screen, 3)
    await wait_for(pilot, lambda: screen.place is not None and screen.place.id == seeded.box1)
    return screen


async def test_switching_language_keeps_the_highlighted_place(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await at_first_box(pilot, seeded)
        shelf2 = next(n for n in _descendants(screen.places.root)
                      if n.data is not None and n.data.id == seeded.shelf2)
        shelf2.expand()  # a second branch open beside the one holding the box
        await wait_for(pilot, lambda: bool(shelf2.children))
        screen.loaded = False
        await pilot.press("f2")
        await wait_for(pilot, lambda: screen.loaded and "档案盒" in screen_text(app))
        await pilot.pause(0.3)
        assert screen.place is not None and screen.place.id == seeded.box1
        assert screen.places.cursor_node.data.id == seeded.box1
        still_open = {n.data.id for n in _descendants(screen.places.root)
                      if n.data is not None and n.is_expanded}
        assert {seeded.shelf1, seeded.shelf2} <= still_open


async def test_switching_language_while_a_place_is_being_shown_does_not_end_the_app(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    """Moving in the tree shows the place a moment later; a language switch in that moment
    rebuilds the screen, and the place must still be shown once the widgets are back."""
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await at_first_box(pilot, seeded)
        mount_all = screen.mount_all

        async def slow_mount_all(*args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(0.3)  # a loaded machine: the old widgets are gone, no new yet
            return await mount_all(*args, **kwargs)

        screen.mount_all = slow_mount_all
        screen.loaded = False
        await pilot.press("down", "f2")  # the place is due to show while the screen rebuilds
        await wait_for(pilot, lambda: screen.loaded and "档案盒" in screen_text(app))
        await pilot.pause(0.3)
        assert app.is_running and app.screen is screen
        assert screen.place is not None and screen.place.id != seeded.box1
        assert screen.place.path in screen_text(app)


async def test_a_shelf_says_how_many_records_are_in_it(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    inside = query(path, "SELECT count(*) FROM records WHERE location_id IN (?, ?)",
                   (seeded.box1, seeded.box2))[0][0]
    assert inside > 0
    app = make_app(path=path, lang="en")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_locations(pilot)
        await step_into(pilot, screen, 2)
        await wait_for(pilot, lambda: screen.place is not None
                       and screen.place.id == seeded.shelf1)
        await wait_for(pilot, lambda: f"{inside} records in it" in screen_text(app))


async def test_right_opens_a_branch_and_left_goes_back_up(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_locations(pilot)
        tree = screen.places
        room = tree.cursor_node
        assert room is not None and room.data.id == seeded.room
        await pilot.press("right")  # opens the room
        await wait_for(pilot, lambda: room.is_expanded and bool(room.children))
        await pilot.press("right")  # steps into it
        await wait_for(pilot, lambda: tree.cursor_node is room.children[0])
        await pilot.press("left")  # a closed branch: back up to the room
        await wait_for(pilot, lambda: tree.cursor_node is room)
        await pilot.press("left")  # closes it
        await wait_for(pilot, lambda: not room.is_expanded)
