"""Cataloguing records: create one, read one, and the list of records eligible for disposal.

Creating runs in one transaction with its audit event and keeps the maintained columns
true (retention_end via :mod:`retention_sync`, the search index via :mod:`search_index`,
legal holds by query via :mod:`holds`). Editing a record is not here on purpose: every
edit goes through ``confterm.vault.access.changes.edit_record``, which applies ordinary
fields at once and turns controlled ones (record_input.CONTROLLED) into a proposal a second
person must accept, so no service can change a controlled field on one person's word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from confterm.errors import InputError
from confterm.vault.catalogue import holds, labels, retention_sync, search_index
from confterm.vault.catalogue.common import (
    local_today,
    require_writer,
    sql_errors,
    stamp,
)
from confterm.vault.catalogue.filters import has_loans_table
from confterm.vault.catalogue.record_input import (
    RecordInput,
    check_references,
    clean,
)
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

COLUMNS = ("archive_no", "title", "client_id", "category", "volume_no", "books", "start_year",
           "end_year", "fiscal_year", "medium", "pages", "level", "location_id",
           "personal_info", "unresolved", "unresolved_reason", "extension_years",
           "extension_reason", "scrapped_year", "archived_on", "notes", "retention_end", "state",
           "hold_count", "reviewed_at", "version")


def raw(conn: Connection, record_id: int) -> dict[str, Any]:
    """Every stored column of one record; InputError if there is no such record."""
    row = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM records WHERE id = ?",
                       (record_id,)).fetchone()
    if row is None:
        raise InputError("records.unknown_record", record=record_id)
    return dict(zip(COLUMNS, row, strict=True))


def id_for(conn: Connection, archive_no: str) -> int:
    row = conn.execute("SELECT id FROM records WHERE archive_no = ?",
                       (archive_no.strip(),)).fetchone()
    if row is None:
        raise InputError("records.unknown_archive_no", archive_no=archive_no.strip())
    return int(row[0])


def create(ctx: Ctx, data: RecordInput) -> int:
    """Catalogue one record; returns its id. Audited with its values."""
    require_writer(ctx)
    values = clean(data)
    with ctx.transaction() as conn:
        check_references(conn, values)
        calc = retention_sync.Calculator(retention_sync.load_rules(conn))
        values["retention_end"] = calc.end(values["category"], values["fiscal_year"],
                                           values["end_year"], values["scrapped_year"],
                                           values["extension_years"],
                                           values["extension_reason"])
        now = stamp(ctx)
        values.update(reviewed_at=now, created_at=now, updated_at=now)
        cols = list(values)
        with sql_errors():
            cur = conn.execute(f"INSERT INTO records({', '.join(cols)})"
                               f" VALUES ({', '.join('?' * len(cols))})", tuple(values.values()))
        record_id = int(cur.lastrowid or 0)
        search_index.index(conn, [(record_id, values["title"], values["archive_no"],
                                   values["client_id"])])
        if data.labels:
            labels.attach(conn, [record_id], data.labels)
        holds.cover_new_records(conn, [record_id], local_today(ctx))
        shown = {k: v for k, v in values.items() if k not in ("created_at", "updated_at")}
        ctx.audit("record.create", "record", record_id,
                  {**_without_notes(shown), "labels": sorted(data.labels)})
        return record_id


def _without_notes(values: Mapping[str, Any]) -> dict[str, Any]:
    """Notes are free text that may name people; the hash-chained audit trail can never
    forget, and a destroyed record's notes must not outlive it there. So audit events say
    only whether notes are present (create) or that they changed (update)."""
    out = dict(values)
    for text in ("notes", "unresolved_reason"):  # free text, purged with the record
        if text in out:
            out[text] = {"changed": True} if isinstance(out[text], dict) \
                else {"present": bool(out[text])}
    return out


def eligible_ids(conn: Connection, today: date, after: tuple[str, int] | None = None,
                 limit: int = 1000) -> list[tuple[int, str]]:
    """(id, retention_end) of records eligible for disposal on ``today``, for appraisal.

    Ordered by (retention_end, id), keyset ``after`` the last pair returned; walks the
    partial index records_eligible. Records out on loan are left out.
    """
    loans = (" AND NOT EXISTS(SELECT 1 FROM access_loans l WHERE l.record_id = r.id"
             " AND l.returned_at IS NULL)") if has_loans_table(conn) else ""
    start = after or ("", 0)
    rows = conn.execute(
        "SELECT r.id, r.retention_end FROM records r INDEXED BY records_eligible"
        " WHERE r.state = 'active' AND r.unresolved = 0 AND r.hold_count = 0"
        " AND r.retention_end <= ? AND (r.retention_end, r.id) > (?, ?)"
        f"{loans} ORDER BY r.retention_end, r.id LIMIT ?",
        (today.isoformat(), start[0], start[1], limit))
    return [(int(r[0]), str(r[1])) for r in rows]


def eligible_count(conn: Connection, today: date) -> int:
    """How many records are eligible today (an index range count; loans not subtracted)."""
    row = conn.execute("SELECT count(*) FROM records INDEXED BY records_eligible"
                       " WHERE state = 'active' AND unresolved = 0 AND hold_count = 0"
                       " AND retention_end <= ?", (today.isoformat(),)).fetchone()
    return int(row[0])


def ids_of(conn: Connection, archive_numbers: Iterable[str]) -> list[int]:
    return [id_for(conn, a) for a in archive_numbers]
