"""What a record is made of, and the checks every way of cataloguing one shares.

The dialog, the CLI and the importer all build a :class:`RecordInput` and go through
:func:`clean` (no database) and :func:`check_references` (the database), so a record typed
by hand and a record imported from Excel are refused for the same reasons with the same
messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from confterm.errors import ConflictError, InputError
from confterm.vault.catalogue.common import MAX_NOTES, clean_text, label
from confterm.vault.store import Connection

MEDIA = ("paper", "electronic", "both")
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_ARCHIVE_NO = 64


@dataclass(frozen=True)
class RecordInput:
    archive_no: str
    title: str
    client_id: int
    category: str
    fiscal_year: int
    level: str = "internal"
    volume_no: str = ""
    books: int = 1
    start_year: int | None = None
    end_year: int | None = None
    medium: str = "paper"
    pages: int | None = None
    location_id: int | None = None
    personal_info: bool = False
    unresolved: bool = False
    unresolved_reason: str = ""
    extension_years: int | None = None
    extension_reason: str = ""
    scrapped_year: int | None = None
    archived_on: date | None = None
    notes: str = ""
    labels: tuple[str, ...] = ()


UPDATABLE = ("archive_no", "title", "client_id", "category", "volume_no", "books",
             "start_year", "end_year", "fiscal_year", "medium", "pages", "personal_info",
             "unresolved", "unresolved_reason", "scrapped_year", "archived_on", "notes")
"""Catalogue fields a record edit may change besides level, location and extension."""

CONTROLLED = ("level", "archive_no", "client_id", "category", "fiscal_year", "end_year",
              "scrapped_year", "extension_years", "extension_reason", "personal_info")
"""Fields that change only when a second person accepts (change control, REFERENCE.md §3):
the classification, everything the retention period depends on, the archive number, the
client and the personal-information flag. The location joins them for a record holding
personal information (restricted processing, PIPL art. 47): see :func:`controlled_fields`.
Declared here, with the record, so every service that writes a record can refuse to
change these directly; ``confterm.vault.access.changes`` is the one way to change them."""


def controlled_fields(record: Mapping[str, Any]) -> frozenset[str]:
    """The fields of this record that need a second person to change."""
    restricted = bool(record.get("personal_info"))
    return frozenset(CONTROLLED) | ({"location_id"} if restricted else frozenset())


RETENTION_FIELDS = ("category", "fiscal_year", "end_year", "scrapped_year", "extension_years")
SEARCH_FIELDS = ("title", "archive_no", "client_id")


def _year(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        raise InputError("records.bad_year", field=label(field), value=value, minimum=MIN_YEAR,
                         maximum=MAX_YEAR)
    return value


def _count(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError("records.bad_count", field=label(field), value=value)
    return value


def clean(data: RecordInput) -> dict[str, Any]:
    """Column values for ``records`` (labels excluded); InputError naming the field."""
    values: dict[str, Any] = {
        "archive_no": clean_text(data.archive_no, "archive_no", required=True,
                                 limit=MAX_ARCHIVE_NO),
        "title": clean_text(data.title, "title", required=True),
        "client_id": int(data.client_id),
        "category": clean_text(data.category, "category", required=True),
        "fiscal_year": _year(data.fiscal_year, "fiscal_year"),
        "level": clean_text(data.level, "level", required=True),
        "volume_no": clean_text(data.volume_no, "volume_no"),
        "books": _count(data.books, "books"),
        "start_year": _year(data.start_year, "start_year"),
        "end_year": _year(data.end_year, "end_year"),
        "medium": data.medium,
        "pages": _count(data.pages, "pages"),
        "location_id": data.location_id,
        "personal_info": int(bool(data.personal_info)),
        "unresolved": int(bool(data.unresolved)),
        "unresolved_reason": clean_text(data.unresolved_reason, "unresolved_reason"),
        "extension_years": _count(data.extension_years, "extension_years") or None,
        "extension_reason": clean_text(data.extension_reason, "extension_reason"),
        "scrapped_year": _year(data.scrapped_year, "scrapped_year"),
        "archived_on": data.archived_on.isoformat() if data.archived_on else None,
        "notes": clean_text(data.notes, "notes", limit=MAX_NOTES),
    }
    if values["fiscal_year"] is None:
        raise InputError("records.field_required", field=label("fiscal_year"))
    if values["books"] is None:
        values["books"] = 1
    check_consistency(values)
    return values


def check_consistency(values: Mapping[str, Any]) -> None:
    """Rules between fields (also applied to an edited record's resulting values)."""
    start, end = values.get("start_year"), values.get("end_year")
    if start is not None and end is not None and end < start:
        raise InputError("records.end_before_start", start=start, end=end)
    if values.get("medium") not in MEDIA:
        raise InputError("records.bad_medium", value=values.get("medium"),
                         media=", ".join(MEDIA))
    if values.get("unresolved") and not values.get("unresolved_reason"):
        raise InputError("records.unresolved_needs_reason")
    if values.get("extension_years") and not values.get("extension_reason"):
        raise InputError("records.extension_needs_reason")


def check_references(conn: Connection, values: Mapping[str, Any],
                     record_id: int | None = None) -> None:
    """Client, category, level and location exist; the archive number is free."""
    one = conn.execute
    if not one("SELECT 1 FROM clients WHERE id = ?", (values["client_id"],)).fetchone():
        raise InputError("records.unknown_client", client=values["client_id"])
    if not one("SELECT 1 FROM retention_rules WHERE category = ?",
               (values["category"],)).fetchone():
        raise InputError("records.unknown_category", category=values["category"])
    if "level" in values and not one("SELECT 1 FROM classification_levels WHERE code = ?",
                                     (values["level"],)).fetchone():
        raise InputError("records.unknown_level", level=values["level"])
    row = one("SELECT id FROM records WHERE archive_no = ?", (values["archive_no"],)).fetchone()
    if row is not None and row[0] != record_id:
        raise ConflictError("records.duplicate_archive_no", archive_no=values["archive_no"])
    if values.get("location_id") is not None:
        check_room_in(conn, int(values["location_id"]), 1)


def check_room_in(conn: Connection, location_id: int, adding: int) -> None:
    """InputError for an unknown location; ConflictError when ``adding`` would overfill it."""
    row = conn.execute("SELECT path, capacity, record_count FROM locations WHERE id = ?",
                       (location_id,)).fetchone()
    if row is None:
        raise InputError("records.unknown_location", location=location_id)
    path, capacity, used = row
    if capacity is not None and used + adding > capacity:
        raise ConflictError("records.box_full", box=path, capacity=capacity, used=used,
                            adding=adding)
