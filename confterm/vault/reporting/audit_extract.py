"""Audit extract (审计日志摘录) for a period.

Each event of the period with its sequence number, time, actor, action, object and
details, and the first characters of its chain hash, so an auditor holding the paper can
later ask the vault whether the same events still stand at the same places. The whole
chain is verified while the extract is made and the result is printed with it: an extract
of a broken log says so on its face.
"""

from __future__ import annotations

from confterm.i18n import t
from confterm.reports.model import Column, Report, Table
from confterm.vault import audit
from confterm.vault.reporting.common import (
    Period,
    base_report,
    check_size,
    local_time,
    new_report_id,
)
from confterm.vault.session import Ctx

DETAILS_CHARS = 240


def audit_extract_report(ctx: Ctx, lang: str, period: Period) -> Report:
    low, high = period.utc_bounds()
    count = int(ctx.conn.execute("SELECT count(*) FROM audit_events WHERE ts >= ? AND ts < ?",
                                 (low, high)).fetchone()[0])
    check_size(count, t("reporting.kind.audit-extract", lang))
    chain = audit.verify_chain(ctx.conn)
    rows: list[list[str]] = []
    actors: set[str] = set()
    for seq, ts, actor, action, otype, oid, details, digest in ctx.conn.execute(
            "SELECT seq, ts, actor, action, object_type, object_id, details, hash"
            " FROM audit_events WHERE ts >= ? AND ts < ? ORDER BY seq", (low, high)):
        text = details if details != "{}" else ""
        if len(text) > DETAILS_CHARS:
            text = text[:DETAILS_CHARS - 1] + "…"
        rows.append([str(seq), local_time(ts), actor, action, f"{otype}:{oid}", text or "—",
                     bytes(digest)[:6].hex().upper()])
        actors.add(actor)
    report = base_report(ctx, new_report_id(ctx, "AX"), "audit-extract", lang,
                         t("reporting.title.audit-extract", lang))
    report.landscape = True
    state = t("reporting.r.chain_intact", lang, count=chain.count) if chain.intact else \
        t("reporting.r.chain_broken", lang, seq=chain.first_bad)
    span = f"{rows[0][0]}–{rows[-1][0]}" if rows else "—"
    report.metadata = [(t("reporting.r.period", lang), period.label(lang)),
                       (t("reporting.r.events", lang), str(len(rows))),
                       (t("reporting.r.seq_span", lang), span),
                       (t("reporting.r.actors", lang), str(len(actors))),
                       (t("reporting.r.chain", lang), state),
                       (t("reporting.r.head", lang),
                        audit.checkpoint_code(chain.count, chain.head_hash))]
    cols = [("seq", 0.5, "right"), ("at", 0.9, "left"), ("actor", 0.7, "left"),
            ("action", 1.2, "left"), ("object", 1.2, "left"), ("details", 3.6, "left"),
            ("hash", 0.8, "left")]
    totals = [""] * len(cols)
    totals[1] = t("reporting.r.totals_events", lang, events=len(rows))
    report.blocks = [Table([Column(t(f"reporting.col.{c}", lang), w, a)  # type: ignore[arg-type]
                            for c, w, a in cols], rows or [["—"] * len(cols)], totals)]
    return report
