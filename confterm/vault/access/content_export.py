"""Exporting the granted records' content (client personal information unmasked) to a file.

An export request (利用申请, kind "export") is the only thing that lets record content leave
the vault as a file. Every record is checked by the guard for the act "export" under that
request before a byte is written; one refusal and no file appears (the refusal is
audited). The file is written under a temporary name; the acts, the file's audit event
(person, request, path, records, SHA-256) and the rename happen together, so a file with
the final name always has its audit event, and a failure leaves no half-written file.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from confterm.errors import InputError
from confterm.i18n import t
from confterm.vault import people
from confterm.vault.access import content
from confterm.vault.catalogue.importer import file_digest
from confterm.vault.importing.export import csv_text, xlsx_cells
from confterm.vault.session import Ctx

FORMATS = ("csv", "xlsx")
EXPORTERS = ("custodian",)


@dataclass(frozen=True)
class Exported:
    path: Path
    request_id: int
    records: int
    sha256: str


def format_of(path: Path) -> str:
    """The file's format from its name: a mistyped suffix is refused, not guessed."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("content.bad_format", file=path.name, formats=", ".join(FORMATS))
    return fmt


def check_target(out: Path | str) -> Path:
    """Refuse before any work: a bad suffix, a missing folder, an existing file (a file the
    person did not mean to replace could be another requester's export)."""
    path = Path(out).expanduser()
    format_of(path)
    if not path.parent.is_dir():
        raise InputError("content.folder_missing", folder=str(path.parent))
    if path.exists():
        raise InputError("content.file_exists", file=str(path))
    return path


def _header(lang: str) -> list[str]:
    return [content.field_label(f, lang) for f in content.FIELDS]


def write_csv(path: Path, rows: Sequence[content.ContentRow], lang: str) -> None:
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(_header(lang))
            for row in rows:
                writer.writerow([csv_text(c) for c in row.cells()])
    except OSError as err:
        raise InputError("content.cannot_write", file=str(path),
                         error=err.strerror or str(err)) from None


def write_xlsx(path: Path, rows: Sequence[content.ContentRow], lang: str) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(t("content.sheet", lang))
    for number, cells in enumerate([_header(lang), *(r.cells() for r in rows)], start=1):
        out = xlsx_cells(sheet, cells)
        if out is None:
            raise InputError("content.illegal_char", file=path.name, row=number)
        sheet.append(out)
    try:
        book.save(str(path))
    except OSError as err:
        raise InputError("content.cannot_write", file=str(path),
                         error=err.strerror or str(err)) from None


def _create_private(tmp: Path, final: Path) -> None:
    """Owner-only from the first byte: the file holds personal information (the writers
    reopen it, which keeps its mode)."""
    tmp.unlink(missing_ok=True)  # a leftover of a killed run with the same process id
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as err:
        raise InputError("content.cannot_write", file=str(final),
                         error=err.strerror or str(err)) from None


def export_request(ctx: Ctx, request_id: int | str, out: Path | str, lang: str = "zh_CN",
                   archive_nos: str | Sequence[str] | None = None) -> Exported:
    """Write the content of the request's granted records (or of ``archive_nos``) to
    ``out`` (.csv or .xlsx); every record must pass the guard for "export" first."""
    people.require_role(ctx.actor, *EXPORTERS)
    path = check_target(out)
    fmt = format_of(path)
    rid = content.parse_request(request_id)
    ids = content.chosen_records(ctx, rid, archive_nos)
    grants = content.check_all(ctx, rid, ids, "export")
    rows = content.read(ctx, ids, lang)
    tmp = path.with_name(f".{path.name}.part-{os.getpid()}")
    try:
        _create_private(tmp, path)
        (write_csv if fmt == "csv" else write_xlsx)(tmp, rows, lang)
        digest = file_digest(tmp)
        with ctx.transaction():
            content.log_all(ctx, grants, t("content.export_note", lang, file=path.name))
            ctx.audit("access.content_export", "file", path.name, {
                "file": str(path), "format": fmt, "request": rid, "person": ctx.actor.name,
                "records": len(rows), "archive_nos": [r.values["archive_no"]
                                                      for r in rows[:50]],
                "sha256": digest, "personal_information": True})
            os.replace(tmp, path)  # last: a failure before it rolls the audit back
    finally:
        tmp.unlink(missing_ok=True)
    return Exported(path, rid, len(rows), digest)
