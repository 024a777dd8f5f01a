"""The access register (查阅登记簿) for a period, on paper.

Two tables: the requests registered in the period (who asked, with what masked identity
document, for what purpose and legal basis, how many records, the decision and its
approver) and every act done under a request in the period (reveal, print, export,
consultation, copy, loan and return). It reads the access area's own register queries,
page by page, so the paper shows exactly what the Access screen shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from confterm.i18n import t
from confterm.reports.model import Column, Report, Table
from confterm.vault.access import register
from confterm.vault.reporting.common import (
    MAX_ROWS,
    Period,
    base_report,
    check_size,
    local_time,
    new_report_id,
)
from confterm.vault.session import Ctx

R = TypeVar("R")
PAGE = 1000


def _all(fetch: Callable[[int | None], Sequence[R]], key: Callable[[R], int]) -> list[R]:
    """Every row by key paging (newest first), refusing more than a report can hold."""
    out: list[R] = []
    before: int | None = None
    while True:
        page = fetch(before)
        out.extend(page)
        if len(page) < PAGE or len(out) > MAX_ROWS:
            return out
        before = key(page[-1])


def access_register_report(ctx: Ctx, lang: str, period: Period) -> Report:
    flt = register.RegisterFilter(date_from=period.start, date_to=period.end)
    requests = _all(lambda b: register.list_requests(ctx, flt, b, PAGE), lambda r: r.id)
    events = _all(lambda b: register.list_events(ctx, flt, b, PAGE), lambda e: e.id)
    check_size(len(requests) + len(events), t("reporting.kind.access-register", lang))
    requests.reverse()  # oldest first on paper, as a register is kept
    events.reverse()
    report = base_report(ctx, new_report_id(ctx, "AR"), "access-register", lang,
                         t("reporting.title.access-register", lang))
    report.landscape = True
    loans = sum(1 for e in events if e.act == "loan_out")
    report.metadata = [(t("reporting.r.period", lang), period.label(lang)),
                       (t("reporting.r.requests", lang), str(len(requests))),
                       (t("reporting.r.acts", lang), str(len(events))),
                       (t("reporting.r.loans", lang), str(loans))]
    req_rows = [[str(r.id), local_time(r.registered_at), t(f"access.kind.{r.kind}", lang),
                 r.requester_name + (f" / {r.requester_org}" if r.requester_org else ""),
                 r.id_doc_masked, t(f"access.relation.{r.relation}", lang), r.purpose,
                 str(r.records), t(f"access.status.{r.status}", lang), r.approver or "—",
                 r.expires_on or "—", r.registered_by] for r in requests]
    req_cols = [("request_no", 0.5, "right"), ("registered_at", 1.0, "left"),
                ("access_kind", 0.6, "left"), ("requester", 1.6, "left"),
                ("id_doc", 1.3, "left"), ("relation", 0.8, "left"), ("purpose", 1.8, "left"),
                ("records", 0.5, "right"), ("status", 0.6, "left"), ("approver", 0.7, "left"),
                ("expires", 0.8, "left"), ("registered_by", 0.7, "left")]
    ev_rows = [[local_time(e.at), t(f"access.act.{e.act}", lang), str(e.request_id),
                e.archive_no or "—", e.requester_name, e.actor,
                str(e.quantity) if e.quantity is not None else "—", e.note or "—"]
               for e in events]
    ev_cols = [("at", 1.0, "left"), ("act", 0.8, "left"), ("request_no", 0.5, "right"),
               ("archive_no", 1.5, "left"), ("requester", 1.2, "left"),
               ("actor", 0.8, "left"), ("quantity", 0.5, "right"), ("note", 2.0, "left")]
    report.blocks = [
        Table([Column(t(f"reporting.col.{c}", lang), w, a)  # type: ignore[arg-type]
               for c, w, a in req_cols], req_rows or [["—"] * len(req_cols)],
              _totals(len(req_cols), 3, t("reporting.r.totals_requests", lang,
                                           requests=len(requests))),
              caption=t("reporting.r.requests_caption", lang)),
        Table([Column(t(f"reporting.col.{c}", lang), w, a)  # type: ignore[arg-type]
               for c, w, a in ev_cols], ev_rows or [["—"] * len(ev_cols)],
              _totals(len(ev_cols), 1, t("reporting.r.totals_acts", lang, acts=len(events))),
              caption=t("reporting.r.acts_caption", lang))]
    return report


def _totals(width: int, at: int, text: str) -> list[str]:
    out = [""] * width
    out[at] = text
    return out
