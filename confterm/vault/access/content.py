"""A record's content as it leaves the vault on paper or in a file, under one request.

Printing (the "record-content" report) and exporting (``content_export``) hand a requester
every catalogue field of the granted records and the client's personal information
unmasked. Both go through here so they cannot differ in what they check or what they show:
``check_all`` asks the guard about EVERY record before anything is read (one refusal and
nothing is produced; the guard audits that refusal); ``log_all`` logs every act against the
request in one transaction, the one that issues the sheet or writes the file, so the access
register never shows half a print, nor a print that failed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from confterm.errors import InputError
from confterm.i18n import t
from confterm.vault.access import guard, records_view, requests
from confterm.vault.access.model import Grant, Request
from confterm.vault.catalogue import labels as labels_mod
from confterm.vault.catalogue import retention_sync
from confterm.vault.session import Ctx

FIELDS = ("archive_no", "title", "client", "credit_code", "category", "years", "volume",
          "books", "pages", "medium", "level", "location", "retention_end", "retention_basis",
          "notes", "unresolved_reason", "labels", "legal_representative",
          "liquidation_contact")
"""Every field of a content row, in the order printed and exported (labels in content.toml)."""

PERMANENT = "9999-12-31"
_SPLIT = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class RequestHeader:
    """Who the content is for and who allowed it: printed at the top of the paper."""

    request: Request
    approver: str
    decided_at: str
    conditions: str


@dataclass(frozen=True)
class ContentRow:
    record_id: int
    values: dict[str, str]  # field -> text in the chosen language ("" when empty)

    def cells(self) -> list[str]:
        return [self.values[f] for f in FIELDS]


def header(ctx: Ctx, request_id: int) -> RequestHeader:
    request = requests.get(ctx.conn, request_id)
    row = ctx.conn.execute("SELECT approver, decided_at, conditions FROM access_decisions"
                           " WHERE request_id = ?", (request.id,)).fetchone()
    return RequestHeader(request, str(row[0]) if row else "", str(row[1]) if row else "",
                         str(row[2] or "") if row else "")


def parse_request(text: str | int | None) -> int:
    """The request number typed on a form or the command line (``12`` or ``#12``)."""
    raw = str(text if text is not None else "").strip().lstrip("#＃")
    if not raw:
        raise InputError("content.request_required")
    if not raw.isdigit():
        raise InputError("content.bad_request", value=raw[:20])
    return int(raw)


def chosen_records(ctx: Ctx, request_id: int, archive_nos: str | Sequence[str] | None = None
                   ) -> list[int]:
    """The records to print or export: those named (by archive number), else every record
    the request granted. A request that granted none (pending, denied) yields all it names,
    so the guard can say why it is refused rather than "nothing to print"."""
    request = requests.get(ctx.conn, request_id)
    if isinstance(archive_nos, str):
        archive_nos = [n for n in _SPLIT.split(archive_nos) if n]
    if archive_nos:
        return records_view.ids_for_archive_numbers(ctx.conn, archive_nos)
    named = requests.covered(ctx.conn, request.id)
    granted = [rid for rid, _no, _title, ok in named if ok]
    return granted or [rid for rid, *_rest in named]


def check_all(ctx: Ctx, request_id: int, record_ids: Sequence[int], act: str) -> list[Grant]:
    """The guard's grant for every record, or the first refusal (audited by the guard).

    Must be called outside a transaction, so that a refusal is committed to the audit
    trail although nothing is produced. Writes nothing when every record passes."""
    if not record_ids:
        raise InputError("content.no_records", request=request_id)
    return [guard.check_covering_request(ctx, rid, act, request_id) for rid in record_ids]


def log_all(ctx: Ctx, grants: Sequence[Grant], note: str) -> None:
    """Log every act against its request (joins the caller's transaction, else opens one)."""
    with requests.within_transaction(ctx):
        for grant in grants:
            guard.log_act(ctx, grant, note)


def _years(fiscal: int, start: int | None, end: int | None) -> str:
    if start or end:
        return f"{start or fiscal}–{end or fiscal}"
    return str(fiscal)


def read(ctx: Ctx, record_ids: Sequence[int], lang: str) -> list[ContentRow]:
    """Every field of the records, client personal information unmasked, in ``lang``.

    Call only after ``check_all``: this is the read the request allowed."""
    rules = retention_sync.load_rules(ctx.conn)
    tags = labels_mod.of_records(ctx.conn, list(record_ids))
    level_name = "lv.name_zh" if lang == "zh_CN" else "lv.name_en"
    sep = "、" if lang == "zh_CN" else ", "
    out: list[ContentRow] = []
    for rid in record_ids:
        r = ctx.conn.execute(
            "SELECT r.archive_no, r.title, c.name, c.credit_code, r.category, r.fiscal_year,"
            f" r.start_year, r.end_year, r.volume_no, r.books, r.pages, r.medium, {level_name},"
            " coalesce(l.path, ''), r.retention_end, r.extension_years, r.extension_reason,"
            " r.notes, r.unresolved, r.unresolved_reason, c.pi_legal_representative,"
            " c.pi_liquidation_contact FROM records r JOIN clients c ON c.id = r.client_id"
            " JOIN classification_levels lv ON lv.code = r.level"
            " LEFT JOIN locations l ON l.id = r.location_id WHERE r.id = ?",
            (int(rid),)).fetchone()
        if r is None:
            raise InputError("access.unknown_record", record=rid)
        rule = rules.get(str(r[4]))
        basis = rule.basis(lang) if rule else ""
        if r[15]:
            basis += t("content.extended", lang, years=r[15], reason=r[16])
        values = {
            "archive_no": r[0], "title": r[1], "client": r[2], "credit_code": r[3],
            "category": rule.name(lang) if rule else str(r[4]),
            "years": _years(int(r[5]), r[6], r[7]), "volume": r[8] or "",
            "books": str(r[9]), "pages": "" if r[10] is None else str(r[10]),
            "medium": t(f"catalogue.medium.{r[11]}", lang), "level": r[12],
            "location": r[13] or "",
            "retention_end": t("content.permanent", lang) if r[14] == PERMANENT else r[14],
            "retention_basis": basis, "notes": r[17] or "",
            "unresolved_reason": (r[19] or "") if r[18] else "",
            "labels": sep.join(tags.get(int(rid), [])),
            "legal_representative": r[20] or "", "liquidation_contact": r[21] or ""}
        out.append(ContentRow(int(rid), {k: str(v) for k, v in values.items()}))
    return out


def field_label(field: str, lang: str) -> str:
    return t(f"content.field.{field}", lang)
