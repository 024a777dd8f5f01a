"""Validating and applying field changes to a record, inside the caller's transaction.

Change control must apply an accepted proposal and mark it accepted in one transaction (a
crash between the two would leave a record changed by a proposal still shown as pending),
and the catalogue's own services each open a transaction of their own. So this module does
the work of writing a record with the catalogue's public helpers
(``record_input.clean`` / ``check_references``, ``retention_sync.refresh``,
``search_index.reindex_records``, ``holds.cover_new_records``) but joins the open
transaction. The version check is the optimistic-concurrency guard: a change based on a
version someone else replaced is refused, nothing overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confterm.errors import ConflictError, InputError
from confterm.i18n import t
from confterm.vault.catalogue import holds, retention_sync, search_index
from confterm.vault.catalogue.common import diff, sql_errors
from confterm.vault.catalogue.record_input import (
    RETENTION_FIELDS,
    SEARCH_FIELDS,
    UPDATABLE,
    RecordInput,
    check_references,
    check_room_in,
    clean,
)
from confterm.vault.catalogue.records import COLUMNS, raw
from confterm.vault.store import Connection

EDITABLE = (*UPDATABLE, "level", "location_id", "extension_years", "extension_reason")
"""Every field change control can change (labels have their own service)."""


def current(conn: Connection, record_id: int) -> dict[str, Any]:
    return raw(conn, int(record_id))


def check_version(before: Mapping[str, Any], expected_version: int) -> None:
    if int(before["version"]) != int(expected_version):
        raise ConflictError("access.change_conflict", archive_no=before["archive_no"],
                            expected=expected_version, current=before["version"])


def validate(conn: Connection, record_id: int, fields: Mapping[str, Any]
             ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(the record as stored, {field: {"before", "after"}} of what would really change).

    Refuses unknown fields, values the catalogue would refuse, and any change but notes to
    a record that is being or has been destroyed.
    """
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise InputError("access.change_unknown_field", field=unknown[0])
    before = current(conn, record_id)
    if before["state"] != "active" and set(fields) - {"notes"}:
        raise ConflictError("records.not_active", archive_no=before["archive_no"],
                            state=t(f"catalogue.status.{before['state']}"))
    merged = {k: before[k] for k in COLUMNS}
    merged.update(fields)
    cleaned = clean(RecordInput(**{k: merged[k] for k in RecordInput.__dataclass_fields__
                                   if k in merged}))
    after = {k: cleaned[k] for k in fields}
    delta = diff(before, after)
    # The record already counts in its own box: check room only when it moves.
    check_references(conn, {**cleaned, "location_id": None}, int(record_id))
    if "location_id" in delta and after["location_id"] is not None:
        check_room_in(conn, int(after["location_id"]), 1)
    return before, delta


def apply(conn: Connection, record_id: int, expected_version: int,
          fields: Mapping[str, Any], now: str, today: Any) -> dict[str, dict[str, Any]]:
    """Write ``fields`` if the record is still at ``expected_version``; returns the delta
    (with the retention end's change when it moved). Call inside a transaction."""
    before, delta = validate(conn, record_id, fields)
    check_version(before, expected_version)
    if not delta:
        return {}
    sets = ", ".join(f"{k} = ?" for k in delta)
    # A new classification is a review of it: the record leaves the review queue.
    reviewed = ", reviewed_at = ?" if "level" in delta else ""
    with sql_errors():
        changed = conn.execute(
            f"UPDATE records SET {sets}, updated_at = ?{reviewed}, version = version + 1"
            " WHERE id = ? AND version = ?",
            (*(v["after"] for v in delta.values()), now, *((now,) if reviewed else ()),
             int(record_id), int(expected_version))).rowcount
    if changed != 1:
        raise ConflictError("access.change_conflict", archive_no=before["archive_no"],
                            expected=expected_version, current=before["version"])
    retention = set(delta) & {*RETENTION_FIELDS, "extension_reason"}
    if retention:
        retention_sync.refresh(conn, [int(record_id)])
    if set(delta) & set(SEARCH_FIELDS):
        search_index.reindex_records(conn, [int(record_id)])
    if "client_id" in delta or retention:
        holds.cover_new_records(conn, [int(record_id)], today)
    end = conn.execute("SELECT retention_end FROM records WHERE id = ?",
                       (int(record_id),)).fetchone()[0]
    if end != before["retention_end"]:
        delta = {**delta, "retention_end": {"before": before["retention_end"], "after": end}}
    return delta
