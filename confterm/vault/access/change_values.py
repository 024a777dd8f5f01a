"""Typed values from what a person types in the change dialog (or a script passes as text).

A client is named by its credit code or exact name, a location by its barcode or display
path, a flag by yes/no: the person never has to know an internal id. The catalogue's own
checks (``record_input.clean`` / ``check_references``) still judge the typed value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confterm.errors import InputError
from confterm.i18n import language, t
from confterm.vault.access.change_apply import EDITABLE, current
from confterm.vault.access.model import Label
from confterm.vault.catalogue import location_tree
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

INT_FIELDS = ("books", "pages", "start_year", "end_year", "fiscal_year", "scrapped_year",
              "extension_years")
NULLABLE = ("pages", "start_year", "end_year", "scrapped_year", "extension_years",
            "location_id")
BOOL_FIELDS = ("personal_info", "unresolved")
_TRUE = {"1", "y", "yes", "true", "是", "有"}
_FALSE = {"0", "n", "no", "false", "否", "无", ""}


def field_label(field: str) -> Label:
    return Label(f"access.record_field.{field}")


def parse_value(conn: Connection, field: str, text: str) -> Any:
    """The stored value for ``field`` from typed ``text``; InputError naming the field."""
    if field not in EDITABLE:
        raise InputError("access.change_unknown_field", field=field)
    raw = (text or "").strip()
    if field in NULLABLE and not raw:
        return None
    if field in INT_FIELDS:
        try:
            return int(raw)
        except ValueError:
            raise InputError("access.bad_value", field=field_label(field),
                             value=raw[:40]) from None
    if field in BOOL_FIELDS:
        low = raw.lower()
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
        raise InputError("access.bad_value", field=field_label(field), value=raw[:40])
    if field == "client_id":
        row = conn.execute("SELECT id FROM clients WHERE credit_code = ? OR name = ?"
                           " ORDER BY id LIMIT 1", (raw.upper(), raw)).fetchone()
        if row is None:
            raise InputError("access.unknown_client", client=raw[:60])
        return int(row[0])
    if field == "location_id":
        place = location_tree.find(conn, raw)  # the rule every screen and the CLI use
        if place is None:
            raise InputError("access.unknown_location", location=raw[:80])
        return place.id
    return raw


def shown_value(conn: Connection, field: str, value: Any) -> str:
    """How a stored value reads (client and location by name, flags as yes/no); a level
    is its code here, because the change dialog takes codes back (see ``describe``)."""
    if value is None:
        return ""
    if field == "client_id":
        row = conn.execute("SELECT name, credit_code FROM clients WHERE id = ?",
                           (value,)).fetchone()
        return f"{row[0]} {row[1]}" if row else str(value)
    if field == "location_id":
        row = conn.execute("SELECT path FROM locations WHERE id = ?", (value,)).fetchone()
        return str(row[0]) if row else str(value)
    if field in BOOL_FIELDS:
        return "1" if value else "0"
    return str(value)


def record_for_edit(ctx: Ctx, archive_no: str) -> tuple[int, int, dict[str, str]]:
    """(record id, version, {field: value as typed}) of a record named by archive number."""
    row = ctx.conn.execute("SELECT id FROM records WHERE archive_no = ?",
                           (archive_no.strip(),)).fetchone()
    if row is None:
        raise InputError("access.unknown_archive_no", archive_no=archive_no.strip())
    values = current(ctx.conn, int(row[0]))
    shown = {f: shown_value(ctx.conn, f, values.get(f)) for f in EDITABLE}
    return int(row[0]), int(values["version"]), shown


def propose_typed(ctx: Ctx, record_id: int, version: int, field: str, text: str,
                  reason: str) -> Any:
    """Parse and submit one field's change (direct or proposed, by the field's control)."""
    from confterm.vault.access.changes import edit_record

    return edit_record(ctx, record_id, version, {field: parse_value(ctx.conn, field, text)},
                       reason)


def describe(conn: Connection, fields: Mapping[str, Mapping[str, Any]]) -> str:
    """A proposal's changes as a person reads them, in the current language: "密级: 内部 →
    机密" rather than codes and ids."""
    parts = []
    for field, pair in fields.items():
        before, after = (readable(conn, field, pair.get(k)) for k in ("before", "after"))
        parts.append(f"{t(f'access.record_field.{field}')}: {before} → {after}")
    return "; ".join(parts)


def readable(conn: Connection, field: str, value: Any) -> str:
    """A stored value as a person reads it: level names, yes/no, client and place names."""
    if value is None or value == "":
        return "—"
    if field == "level":
        row = conn.execute("SELECT name_zh, name_en FROM classification_levels WHERE code = ?",
                           (value,)).fetchone()
        if row is not None:
            return str(row[0] if language() == "zh_CN" else row[1])
    if field in BOOL_FIELDS:
        return t("archive.yes" if value else "archive.no")
    return shown_value(conn, field, value)
