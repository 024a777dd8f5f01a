"""Locations (位置): room → cabinet or safe → shelf → box, and what each holds.

The tree loads one level at a time (a large firm has thousands of boxes). The right side
shows the highlighted place (path, barcode, how full) and the records in it and under it,
as the same lazy record list the browser uses. ``m`` moves the highlighted box (or shelf,
cabinet) to a new parent, or, when the record list has the focus, the marked records into
another box; a move that would overfill a box is refused with the numbers.

``n`` adds a place under the highlighted one (next to it, for a box), ``e`` edits it, Del
deletes it when empty (dialogs in ``confterm.dialogs.location_form``). After any change the
tree is rebuilt and opened again down to the place that was changed, so a person setting
up a shelf box after box never loses their position.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Static, Tree
from textual.widgets.tree import TreeNode

from confterm.commands import Command, declare
from confterm.dialogs.archive_change import MoveDialog
from confterm.dialogs.archive_scope import Scope
from confterm.dialogs.location_form import DeleteLocationDialog, LocationDialog
from confterm.i18n import t
from confterm.screens.archive_common import ViewsMixin, tabs
from confterm.screens.base import ConftermScreen, when_composed
from confterm.vault.catalogue import location_tree, locations
from confterm.vault.catalogue.filters import Filters
from confterm.vault.catalogue.locations import Location
from confterm.vault.catalogue.sources import RecordSource
from confterm.vault.session import Ctx
from confterm.widgets.place_tree import PlaceTree
from confterm.widgets.record_browser import names
from confterm.widgets.record_list import RecordList
from confterm.widgets.top_bar import TopBar


def _children(ctx: Ctx, parent_id: int | None) -> list[Location]:
    return locations.children(ctx.conn, parent_id)


def _get(ctx: Ctx, location_id: int) -> Location:
    return locations.get(ctx.conn, location_id)


def _ancestry(ctx: Ctx, location_id: int) -> list[int]:
    return location_tree.ancestry(ctx.conn, location_id)


def _descendants(node: TreeNode[Location | None]) -> list[TreeNode[Location | None]]:
    found = []
    for child in node.children:
        found += [child, *_descendants(child)]
    return found


def label_of(place: Location) -> str:
    kind = t(f"archive.kind.{place.kind}")
    if place.kind == "box":
        fill = f"{place.record_count}/{place.capacity}" if place.capacity is not None \
            else str(place.record_count)
        code = f" {place.barcode}" if place.barcode else ""
        return f"{place.name}{code}  [{fill}]"
    return f"{place.name}  ({kind})"


class LocationsScreen(ViewsMixin, ConftermScreen):
    SCREEN_ID = "archive_locations"
    HELP_KEY = "locations.help"
    DEFAULT_CSS = """
    LocationsScreen #places-body { height: 1fr; margin: 1 1 0 1; }
    LocationsScreen #places-tree { width: 40%; max-width: 52; border-right: solid $primary; }
    LocationsScreen #places-right { width: 1fr; padding-left: 1; }
    LocationsScreen #places-info { height: auto; margin-bottom: 1; }
    LocationsScreen #places-info.-full { color: $warning; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self.place: Location | None = None
        self.keep: int | None = None  # the place to show after the next reload
        self.keep_open: set[int] = set()  # branches to open again after a language switch

    def compose(self) -> ComposeResult:
        yield TopBar(t("archive.area"))
        yield Static(tabs("locations"), classes="archive-views")
        with Horizontal(id="places-body"):
            tree = PlaceTree(t("archive.places_root"), id="places-tree")
            tree.show_root = False
            yield tree
            with Vertical(id="places-right"):
                yield Static(t("archive.places_pick"), id="places-info")
                yield RecordList(id="places-records")
        yield Footer(show_command_palette=False)

    @property
    def places(self) -> Tree[Location | None]:
        return self.query_one("#places-tree", Tree)

    @property
    def records(self) -> RecordList:
        return self.query_one("#places-records", RecordList)

    async def reload(self) -> None:
        keep = self.keep if self.keep is not None else (self.place.id if self.place else None)
        self.keep = None
        found = await self.service(names, Filters())
        self.records.category_names, self.records.level_names = found["category"], found["level"]
        tree = self.places
        opened = self._opened() | self.keep_open
        self.keep_open = set()
        tree.clear()
        await self._fill(tree.root, None)
        await self._reopen(tree.root, opened)
        tree.focus()
        target = await self._open_to(keep) if keep is not None else None
        if target is None and tree.root.children:
            target = tree.root.children[0]
        if target is None:  # a new firm: say how to start rather than "pick a place"
            self.place = None
            self.query_one("#places-info", Static).update(t("locations.empty"))
        if target is not None:
            _ = tree.last_line  # rebuilds the tree's line index: node.line is stale until then
            tree.move_cursor(target)
            # Same line as before the rebuild: the Tree posts no NodeHighlighted, so take the
            # fresh data here (an edit must carry the place's current version).
            self._pick(target.data)

    def _opened(self) -> set[int]:
        return {n.data.id for n in _descendants(self.places.root) if n.is_expanded and n.data}

    def before_recompose(self) -> None:
        self.keep_open = self._opened()

    def _pick(self, place: Location | None) -> None:
        self.place = place
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.1, self._show_place)

    async def _reopen(self, node: TreeNode[Location | None], opened: set[int]) -> None:
        """Open again what was open before the rebuild: a person working down a shelf keeps
        seeing the boxes beside the one they changed."""
        for child in node.children:
            if child.data is not None and child.data.id in opened:
                await self._fill(child, child.data.id)
                child.expand()
                await self._reopen(child, opened)

    async def _open_to(self, location_id: int) -> TreeNode[Location | None] | None:
        """Expand the tree from the top down to ``location_id``; its node, or None if gone."""
        chain = await self.service(_ancestry, location_id)
        node = self.places.root
        for depth, place_id in enumerate(chain):
            found = next((c for c in node.children
                          if c.data is not None and c.data.id == place_id), None)
            if found is None:
                return None
            if depth < len(chain) - 1:
                if not found.children:
                    await self._fill(found, place_id)
                found.expand()
            node = found
        return node

    async def _fill(self, node: TreeNode[Location | None], parent_id: int | None) -> None:
        for place in await self.service(_children, parent_id):
            node.add(label_of(place), data=place, allow_expand=place.kind != "box")

    @on(Tree.NodeExpanded, "#places-tree")
    async def _expand(self, event: Tree.NodeExpanded[Location | None]) -> None:
        node = event.node
        if node.data is not None and not node.children:
            await self._fill(node, node.data.id)

    @on(Tree.NodeHighlighted, "#places-tree")
    def _highlight(self, event: Tree.NodeHighlighted[Location | None]) -> None:
        if event.node.data is not None:  # not the hidden root of a tree being rebuilt
            self._pick(event.node.data)

    @when_composed
    def _show_place(self) -> None:
        place = self.place
        if place is None:
            return
        self._describe(place)
        self.run_worker(self.records.reset(RecordSource(Filters(location_id=place.id))),
                        group="place-records", exclusive=True, exit_on_error=False)

    def _describe(self, place: Location) -> None:
        """A box: what it holds of its capacity. A room, cabinet or shelf: how many records
        are in it, all levels down (the list's count; "…" until it is counted)."""
        info = self.query_one("#places-info", Static)
        full = place.capacity is not None and place.record_count >= place.capacity
        common = {"path": place.path, "kind": t(f"archive.kind.{place.kind}"),
                  "barcode": place.barcode or "—"}
        if place.kind == "box":
            info.update(t("archive.place_info", used=place.record_count, capacity=(
                place.capacity if place.capacity is not None else "—"), **common))
        else:
            records = self.records
            source = records.source
            counted = records.counted and isinstance(source, RecordSource) \
                and source.filters.location_id == place.id
            info.update(t("archive.place_info_within",
                          used=f"{records.count:,}" if counted else "…", **common))
        info.set_class(full, "-full")

    @on(RecordList.Counted, "#places-records")
    def _counted(self) -> None:
        if self.place is not None and self.place.kind != "box":
            self._describe(self.place)

    # ---- actions --------------------------------------------------------------------

    async def action_open_records(self) -> None:
        if self.place is not None:
            await self.action_view("records", filters=Filters(location_id=self.place.id))

    def action_move(self) -> None:
        records = self.records
        if records.has_focus and (records.marks or records.current is not None):
            ids = tuple(records.marked_ids) or (records.current.id,)  # type: ignore[union-attr]
            scope = Scope("selection" if records.marks else "record", ids, count=len(ids),
                          label=records.current.archive_no if records.current else "")
            self.app.push_screen(MoveDialog(scope.describe(), ids=ids), self._moved)
            return
        place = self.place
        if place is None or place.kind == "room":
            self.notify(t("archive.cannot_move_room"), severity="warning")
            return
        what = t("archive.move_place_what", path=place.path, n=place.record_count)
        self.app.push_screen(MoveDialog(what, location=place), self._moved)

    def _moved(self, result: Any) -> None:
        if result is not None:
            self.start_reload()

    async def action_new_place(self) -> None:
        """A place under the highlighted one; with a box highlighted, the next box beside
        it (a box holds records, not places); with nothing yet, a room."""
        place = self.place
        if place is not None and place.kind == "box":
            if place.parent_id is None:
                self.notify(t("locations.box_holds_no_places"), severity="warning")
                return
            shelf = await self.service(_get, place.parent_id)
            self.app.push_screen(LocationDialog(shelf, like=place), self._changed)
        else:
            self.app.push_screen(LocationDialog(place), self._changed)

    def action_edit_place(self) -> None:
        if self.place is None:
            self.notify(t("locations.nothing_selected"), severity="warning")
            return
        self.app.push_screen(LocationDialog(place=self.place), self._changed)

    def action_delete_place(self) -> None:
        place = self.place
        if place is None:
            self.notify(t("locations.nothing_selected"), severity="warning")
            return

        def deleted(result: bool | None) -> None:
            if result:
                self.place = None
                self.keep = place.parent_id
                self.start_reload()

        self.app.push_screen(DeleteLocationDialog(place), deleted)

    def _changed(self, result: Location | None) -> None:
        if result is not None:
            self.keep = result.id
            self.start_reload()


_C = ("archive_locations",)
_WRITERS = ("custodian", "administrator")
for _command in (
    Command("archive_locations.open", "archive.cmd.open_records", "o", "screen.open_records",
            scope=_C),
    Command("archive_locations.move", "archive.cmd.move_place", "m", "screen.move", scope=_C,
            roles=_WRITERS),
    Command("archive_locations.mark", "archive.cmd.mark", "space", "", scope=_C, show=False),
    Command("archive_locations.new", "locations.cmd.new", "n", "screen.new_place", scope=_C,
            roles=_WRITERS),
    Command("archive_locations.edit", "locations.cmd.edit", "e", "screen.edit_place",
            scope=_C, roles=_WRITERS),
    Command("archive_locations.delete", "locations.cmd.delete", "delete", "screen.delete_place",
            scope=_C, roles=_WRITERS, key_display="Del"),
):
    declare(_command)
