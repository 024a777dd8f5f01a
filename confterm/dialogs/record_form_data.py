"""The record form's work on the database thread: choices, loading, creating, editing.

Kept apart from the widgets (no Textual here) so the form stays a thin layer and these
functions can be called as ``service(fn, ...)``. The form holds every field as the text a
person types (a client by credit code, a location by box barcode); values are turned into
stored ones with the change dialog's own parser (``change_values.parse_value``), so a
typed value is refused for the same reason, with the same words, in both dialogs.

An edit sends only the fields whose text differs from what was loaded, through
``changes.edit_record``: uncontrolled fields change at once, controlled ones become a
proposal for an approver, and a record changed meanwhile is refused as a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from confterm.errors import ConftermError
from confterm.i18n import language
from confterm.vault.access import change_values
from confterm.vault.access.change_apply import current
from confterm.vault.access.changes import EditOutcome, controlled_fields, edit_record
from confterm.vault.catalogue import classify, labels, records, rules
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

TEXT_FIELDS = ("archive_no", "title", "client_id", "volume_no", "books", "start_year",
               "end_year", "fiscal_year", "pages", "scrapped_year", "location_id",
               "unresolved_reason")
CHOICE_FIELDS = ("category", "level", "medium")
FLAG_FIELDS = ("personal_info", "unresolved")
FIELDS = (*TEXT_FIELDS, *CHOICE_FIELDS, *FLAG_FIELDS, "notes")
"""Every field the form shows (labels only on create: they have their own command)."""

FormValue = str | bool
SUGGESTIONS = 20_000
"""At most this many client names/codes and box barcodes/paths are offered as completions."""


@dataclass(frozen=True)
class Choices:
    """What the form offers: (display name, code) pairs and completion lists."""

    categories: list[tuple[str, str]]
    levels: list[tuple[str, str]]
    clients: list[str]  # names and credit codes
    places: list[str]  # box barcodes and paths
    labels: list[str]


def choices(ctx: Ctx) -> Choices:
    lang = language()
    conn = ctx.conn
    clients: list[str] = []
    for name, code in conn.execute("SELECT name, credit_code FROM clients ORDER BY name"
                                   " LIMIT ?", (SUGGESTIONS,)):
        clients.extend((str(name), str(code)))
    places: list[str] = []
    for barcode, path in conn.execute("SELECT barcode, path FROM locations WHERE kind = 'box'"
                                      " ORDER BY path LIMIT ?", (SUGGESTIONS,)):
        places.extend(str(p) for p in (barcode, path) if p)
    return Choices(
        categories=[(rule.name(lang), rule.category) for rule, _v in rules.list_rules(conn)],
        levels=[(lv.name(lang), lv.code) for lv in classify.levels(conn)],
        clients=clients, places=places,
        labels=[name for _id, name in labels.all_labels(conn)])


def client_line(ctx: Ctx, text: str) -> str:
    """"name code" of the client ``text`` names, or "" (the form shows whom it found)."""
    try:
        client_id = change_values.parse_value(ctx.conn, "client_id", text)
    except ConftermError:
        return ""
    return change_values.shown_value(ctx.conn, "client_id", client_id)


def _typed(conn: Connection, field: str, value: Any) -> FormValue:
    """A stored value as the form shows it: client by code, location by barcode or path."""
    if field in FLAG_FIELDS:
        return bool(value)
    if value is None:
        return ""
    if field == "client_id":
        row = conn.execute("SELECT credit_code FROM clients WHERE id = ?", (value,)).fetchone()
        return str(row[0]) if row else str(value)
    if field == "location_id":
        row = conn.execute("SELECT barcode, path FROM locations WHERE id = ?",
                           (value,)).fetchone()
        return str(row[0] or row[1]) if row else str(value)
    return str(value)


@dataclass(frozen=True)
class Loaded:
    """A record as the edit form starts from it."""

    record_id: int
    archive_no: str
    version: int
    values: dict[str, FormValue]
    controlled: frozenset[str]


def load(ctx: Ctx, record_id: int) -> Loaded:
    stored = current(ctx.conn, record_id)
    return Loaded(record_id, str(stored["archive_no"]), int(stored["version"]),
                  {f: _typed(ctx.conn, f, stored.get(f)) for f in FIELDS},
                  controlled_fields(stored))


def _value(conn: Connection, field: str, value: FormValue) -> Any:
    if field in FLAG_FIELDS:
        return bool(value)
    if field in CHOICE_FIELDS or field == "notes":
        return str(value)
    return change_values.parse_value(conn, field, str(value))


def create(ctx: Ctx, typed: Mapping[str, FormValue], label_names: list[str]) -> int:
    """Catalogue one record from the form's values; returns its id."""
    values = {f: _value(ctx.conn, f, typed[f]) for f in FIELDS}
    return records.create(ctx, RecordInput(**values, labels=tuple(label_names)))


def edit(ctx: Ctx, record_id: int, version: int, changed: Mapping[str, FormValue],
         reason: str) -> EditOutcome:
    """Apply or propose the changed fields (parsed here, with the catalogue's messages)."""
    fields = {f: _value(ctx.conn, f, v) for f, v in changed.items()}
    return edit_record(ctx, record_id, version, fields, reason)
