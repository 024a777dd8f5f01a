"""Exporting the catalogue to CSV or XLSX, in the import layout, audited with a purpose.

An export takes catalogue data (titles, client names, codes) out of the encrypted vault,
so it needs a stated purpose and writes an audit event naming the person, the purpose, the
file, how many records and the file's SHA-256. The file is written under a temporary name
and renamed when complete, so a failure never leaves a half file that looks finished.
Destroyed records are left out unless asked for (re-importing them would revive them).
Clients' personal information is never part of an export.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from confterm.errors import InputError
from confterm.vault import people
from confterm.vault.catalogue import labels as labels_mod
from confterm.vault.catalogue import retention_sync
from confterm.vault.catalogue.common import local_today, require_reason
from confterm.vault.catalogue.filters import Filters
from confterm.vault.catalogue.holds import match_conditions
from confterm.vault.catalogue.importer import file_digest
from confterm.vault.importing.export import write_csv, write_xlsx
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

FORMATS = ("csv", "xlsx")
EXPORTERS = ("custodian", "administrator", "auditor")
_BATCH = 5000


def rows(conn: Connection, f: Filters, today: date,
         include_destroyed: bool = False) -> Iterator[CatalogueRow]:
    """The matching records as import rows, by archive number (keyset batches)."""
    conds, params = match_conditions(conn, f, today)
    if not include_destroyed:
        conds.append("r.state <> 'destroyed'")
    last, n = "", 1
    while True:
        where = " AND ".join([*conds, "r.archive_no > ?"])
        batch = conn.execute(
            "SELECT r.id, r.archive_no, r.title, c.credit_code, c.name, r.category,"
            " r.fiscal_year, r.start_year, r.end_year, r.volume_no, r.books, r.medium, r.pages,"
            " r.level, coalesce(l.barcode, l.path, ''), r.personal_info, r.unresolved,"
            " r.unresolved_reason, r.scrapped_year, r.extension_years, r.extension_reason,"
            " r.archived_on, r.notes FROM records r JOIN clients c ON c.id = r.client_id"
            f" LEFT JOIN locations l ON l.id = r.location_id WHERE {where}"
            " ORDER BY r.archive_no LIMIT ?", (*params, last, _BATCH)).fetchall()
        if not batch:
            return
        tags = labels_mod.of_records(conn, [r[0] for r in batch])
        for r in batch:
            n += 1
            yield CatalogueRow(
                n, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                r[13], tuple(tags[r[0]]), r[14], bool(r[15]), bool(r[16]), r[17], r[18],
                r[19], r[20], date.fromisoformat(r[21]) if r[21] else None, r[22])
        last = batch[-1][1]


def export(ctx: Ctx, out: Path | str, fmt: str, purpose: str, filters: Filters | None = None,
           lang: str = "zh_CN", encoding: str = "utf-8-sig",
           include_destroyed: bool = False) -> int:
    """Write the catalogue (or the records matching ``filters``) to ``out``; audited."""
    people.require_role(ctx.actor, *EXPORTERS)
    purpose = require_reason(purpose)
    if fmt not in FORMATS:
        raise InputError("records.bad_export_format", format=fmt, formats=", ".join(FORMATS))
    out = Path(out)
    if not out.parent.is_dir():
        raise InputError("records.export_folder_missing", folder=str(out.parent))
    f = filters or Filters()
    tmp = out.with_name(f".{out.name}.part-{os.getpid()}")
    with ctx.transaction() as conn:
        rules = list(retention_sync.load_rules(conn).values())
        source = rows(conn, f, local_today(ctx), include_destroyed)
        try:
            if fmt == "csv":
                count = write_csv(tmp, source, lang=lang, encoding=encoding, rules=rules)
            else:
                count = write_xlsx(tmp, source, lang=lang, rules=rules)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        ctx.audit("catalogue.export", "file", out.name, {
            "file": str(out), "format": fmt, "purpose": purpose, "person": ctx.actor.name,
            "records": count, "sha256": file_digest(out), "filters": f.for_audit(ctx),
            "include_destroyed": include_destroyed, "encoding": encoding})
    return count
