"""The record content sheet (档案利用件): a record's content on paper, under one request.

This is the only report that prints clients' personal information unmasked, so it is
never produced on a person's say-so alone: every record must be covered by the named
request for the act "print" (a copy or export request, approved and unexpired). The guard
is asked about each record before anything is read; if one is refused, no report exists
and the refusal is in the audit trail. Each record is logged against the request (the
access register) when the sheet is saved or the printer takes the job, in the transaction
that records that delivery and names the report's id and the file or printer: a sheet only
made, or refused by the printer, leaves no act. (So the paper's own checkpoint, taken
when the sheet is made, comes before its acts; the acts name the sheet.) The guard is
asked again before each save or print: a request closed or expired, or a record put on
hold, after the sheet was made stops it there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from confterm.i18n import t
from confterm.reports.model import Column, Paragraph, Person, Report, SignatureBlock, Table
from confterm.vault.access import content
from confterm.vault.reporting.common import base_report, check_size, local_time, new_report_id
from confterm.vault.session import Ctx

if TYPE_CHECKING:
    from confterm.vault.reporting.kinds import ReportOptions

PREFIX = "RC"


def _metadata(head: content.RequestHeader, lang: str, count: int) -> list[tuple[str, str]]:
    q = head.request
    who = q.requester_name + (f" / {q.requester_org}" if q.requester_org else "")

    def label(key: str) -> str:
        return t(f"content.r.{key}", lang)

    rows = [(label("request"), t("content.r.request_value", lang, request=q.id,
                                 kind=t(f"access.kind.{q.kind}", lang))),
            (label("requester"), who),
            (label("id_doc"), q.id_doc_masked),
            (label("relation"), t(f"access.relation.{q.relation}", lang)),
            (label("purpose"), q.purpose),
            (label("legal_basis"), q.legal_basis),
            (label("approver"), f"{head.approver}  {local_time(head.decided_at)}"
             if head.approver else "—"),
            (label("expires"), q.expires_on or t("content.r.no_expiry", lang)),
            (label("records"), str(count))]
    if head.conditions:
        rows.append((label("conditions"), head.conditions))
    return rows


def record_content_report(ctx: Ctx, options: ReportOptions) -> Report:
    """Check and build; raises (nothing produced) if any record is not covered. The print
    acts are logged when the sheet is saved or printed (``options.on_delivery``)."""
    lang, archive_nos = options.lang, options.records
    request_id = content.parse_request(options.request)
    head = content.header(ctx, request_id)
    ids = content.chosen_records(ctx, request_id, archive_nos)
    check_size(len(ids) * len(content.FIELDS), t("reporting.kind.record-content", lang))
    report_id = new_report_id(ctx, PREFIX)
    grants = content.check_all(ctx, request_id, ids, "print")
    options.before_delivery.append(lambda c: content.check_all(c, request_id, ids, "print"))
    options.on_delivery.append(lambda c, kind, target: content.log_all(
        c, grants, t(f"content.{kind}_note", lang, report_id=report_id, target=target)))
    rows = content.read(ctx, ids, lang)
    report = base_report(ctx, report_id, "record-content", lang,
                         t("content.r.title", lang))
    report.subtitle = t("content.r.subtitle", lang, request=request_id)
    report.metadata = _metadata(head, lang, len(rows))
    report.blocks.append(Paragraph(t("content.r.notice", lang),
                                   t("content.r.notice_heading", lang)))
    columns = [Column(t("content.r.col_field", lang), 1.0),
               Column(t("content.r.col_value", lang), 3.6)]
    for n, row in enumerate(rows, start=1):
        body = [[content.field_label(f, lang), row.values[f] or "—"]
                for f in content.FIELDS]
        report.blocks.append(Table(columns, body, caption=t(
            "content.r.caption", lang, n=n, total=len(rows),
            archive_no=row.values["archive_no"])))
    q = head.request
    report.signatures.append(SignatureBlock(
        Person(q.requester_name, t("content.r.receiver", lang)),
        t("content.r.receipt", lang, count=len(rows))))
    return report
