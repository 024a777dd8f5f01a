"""Adding, changing and deleting a storage place from the Locations view.

A firm sets up its shelves box by box, so the new-place dialog offers only the kinds the
chosen parent may hold (room → cabinet or safe → shelf → box) and, when a box is selected,
proposes the next box on the same shelf with the next name and barcode ("盒0012" →
"盒0013"). Every refusal of the catalogue service (a name or barcode already used, a
capacity below what the box holds, a place that is not empty, a person without the role, a
place someone else changed meanwhile) stays on the dialog's message line; nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from confterm.dialogs.confirm import ConfirmDialog
from confterm.dialogs.form import FormDialog, row, wide
from confterm.errors import ConflictError, InputError
from confterm.i18n import t
from confterm.vault.catalogue import locations
from confterm.vault.catalogue.location_tree import child_kinds
from confterm.vault.catalogue.locations import Location
from confterm.vault.session import Ctx

_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)(\D*)$")


def next_label(text: str | None) -> str:
    """The label after ``text`` with its number kept at the same width: "盒0012" → "盒0013",
    "BX-099" → "BX-100"; "" when there is no number to count on."""
    match = _TRAILING_NUMBER.match(text or "")
    if match is None:
        return ""
    head, digits, tail = match.groups()
    return f"{head}{int(digits) + 1:0{len(digits)}d}{tail}"


def parse_capacity(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise InputError("locations.bad_capacity", value=text)
    return int(text)


def _create(ctx: Ctx, kind: str, name: str, parent_id: int | None, barcode: str,
            capacity: int | None, notes: str) -> Location:
    new_id = locations.create(ctx, kind, name, parent_id, barcode or None, capacity, notes)
    return locations.get(ctx.conn, new_id)


def _update(ctx: Ctx, location_id: int, version: int, name: str, barcode: str,
            capacity: int | None, notes: str) -> Location:
    """The form's capacity field as it is: blank means no limit."""
    return locations.update(ctx, location_id, version, name=name, barcode=barcode,
                            capacity=capacity, notes=notes, no_capacity=capacity is None)


def _delete(ctx: Ctx, location_id: int) -> None:
    """Delete an empty place; if it is not empty, say what is still in it."""
    place = locations.get(ctx.conn, location_id)
    places = int(ctx.conn.execute("SELECT count(*) FROM locations WHERE parent_id = ?",
                                  (location_id,)).fetchone()[0])
    if places or place.record_count:
        raise ConflictError("locations.not_empty", path=place.path, places=places,
                            records=place.record_count)
    locations.delete(ctx, location_id)


class LocationDialog(FormDialog[Location | None]):
    """New place under ``parent`` (None: a room), or, with ``place``, edit that place.

    Dismisses with the created or changed Location, so the tree can select it."""

    def __init__(self, parent: Location | None = None, place: Location | None = None,
                 like: Location | None = None) -> None:
        super().__init__()
        self.parent_place, self.place, self.like = parent, place, like
        self.OK_KEY = "locations.form.ok_edit" if place else "locations.form.ok_new"

    def title_text(self) -> str:
        return t("locations.form.title_edit" if self.place else "locations.form.title_new")

    @property
    def kinds(self) -> list[str]:
        """What may be created here: the parent's child kinds, and always a new room."""
        under = child_kinds(self.parent_place.kind) if self.parent_place else []
        return [*under, "room"]

    def fields(self) -> Iterable[Widget]:
        place, like = self.place, self.like
        if place is not None:
            yield from row(t("locations.form.place"), Static(
                f"{place.path} · {t(f'archive.kind.{place.kind}')}"))
        else:
            where = self.parent_place.path if self.parent_place else t("locations.top_level")
            yield from row(t("locations.form.under"), Static(where, id="location-under"))
            yield from row(t("locations.form.kind"), Select(
                [(t("locations.form.new_room") if k == "room" and self.parent_place
                  else t(f"archive.kind.{k}"), k) for k in self.kinds],
                value=(like.kind if like else self.kinds[0]), allow_blank=False,
                id="location-kind", compact=True))
        name = place.name if place else next_label(like.name if like else "")
        barcode = (place.barcode if place else next_label(like.barcode if like else "")) or ""
        capacity = place.capacity if place else (like.capacity if like else None)
        yield from row(t("locations.form.name"), Input(
            name, id="location-name", compact=True, placeholder=t("locations.form.name_hint")))
        yield from row(t("locations.form.barcode"), Input(barcode, id="location-barcode",
                                                          compact=True))
        yield from row(t("locations.form.capacity"), Input(
            "" if capacity is None else str(capacity), id="location-capacity", compact=True,
            placeholder=t("locations.form.capacity_hint")))
        yield from row(t("locations.form.notes"), Input(
            place.notes if place else "", id="location-notes", compact=True))
        if place is not None and place.record_count:
            yield from wide(Static(t("locations.form.holds", used=place.record_count),
                                   classes="form-note"))

    def on_mount(self) -> None:
        self.query_one("#location-name").focus()

    def text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    async def submit(self) -> None:
        capacity = parse_capacity(self.text("location-capacity"))
        name, barcode, notes = (self.text("location-name"), self.text("location-barcode"),
                                self.text("location-notes"))
        if self.place is None:
            kind = str(self.query_one("#location-kind", Select).value)
            parent_id = self.parent_place.id if self.parent_place and kind != "room" else None
            done = await self.service(_create, kind, name, parent_id, barcode, capacity, notes)
            self.app.notify(t("locations.created", path=done.path))
        else:
            if not name:
                raise InputError("records.field_required", field=t("locations.form.name"))
            done = await self.service(_update, self.place.id, self.place.version, name,
                                      barcode, capacity, notes)
            self.app.notify(t("locations.updated", path=done.path))
        self.dismiss(done)


class DeleteLocationDialog(ConfirmDialog):
    """Are you sure? Then delete; a place that is not empty is refused on this dialog."""

    def __init__(self, place: Location) -> None:
        super().__init__(t("locations.form.delete_title"), t(
            "locations.form.delete_question", path=place.path,
            kind=t(f"archive.kind.{place.kind}")))
        self.place = place

    async def submit(self) -> None:
        await self.service(_delete, self.place.id)
        self.app.notify(t("locations.deleted", path=self.place.path))
        self.dismiss(True)
