"""History: every appraisal, register and session with its status, newest first.

Nothing here is ever deleted (the schema refuses it), so these lists are the firm's
permanent record of what was appraised, approved and destroyed, by whom and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from confterm.vault.session import Ctx


@dataclass(frozen=True)
class Entry:
    kind: str  # appraisal | register | session
    id: int
    number: str
    status: str
    when: str
    who: str
    items: int
    detail: str = ""


def appraisals(ctx: Ctx, limit: int = 200) -> list[Entry]:
    rows = ctx.conn.execute(
        "SELECT a.id, coalesce(a.number, ''), a.status, coalesce(a.issued_at, a.created_at),"
        " coalesce(a.issued_by, a.created_by), (SELECT count(*) FROM"
        " destruction_appraisal_items i WHERE i.appraisal_id = a.id)"
        " FROM destruction_appraisals a ORDER BY a.id DESC LIMIT ?", (limit,))
    return [Entry("appraisal", int(r[0]), r[1], r[2], r[3], r[4], int(r[5])) for r in rows]


def registers(ctx: Ctx, limit: int = 200) -> list[Entry]:
    rows = ctx.conn.execute(
        "SELECT g.id, g.number, g.status, g.prepared_at, g.prepared_by, (SELECT count(*) FROM"
        " destruction_register_items i WHERE i.register_id = g.id), coalesce(a.number, '')"
        " FROM destruction_registers g JOIN destruction_appraisals a ON a.id = g.appraisal_id"
        " ORDER BY g.id DESC LIMIT ?", (limit,))
    return [Entry("register", int(r[0]), r[1], r[2], r[3], r[4], int(r[5]), r[6])
            for r in rows]


def sessions(ctx: Ctx, limit: int = 200) -> list[Entry]:
    rows = ctx.conn.execute(
        "SELECT s.id, s.number, s.status, s.started_at, s.executor, (SELECT count(*) FROM"
        " destruction_session_items i WHERE i.session_id = s.id), g.number,"
        " coalesce(s.verified_ok, -1) FROM destruction_sessions s JOIN destruction_registers g"
        " ON g.id = s.register_id ORDER BY s.id DESC LIMIT ?", (limit,))
    return [Entry("session", int(r[0]), r[1], r[2], r[3], r[4], int(r[5]),
                  f"{r[6]}" + ("" if r[7] == -1 else (" ✓" if r[7] else " ✗")))
            for r in rows]


def everything(ctx: Ctx, limit: int = 200) -> list[Entry]:
    out = appraisals(ctx, limit) + registers(ctx, limit) + sessions(ctx, limit)
    return sorted(out, key=lambda e: e.when, reverse=True)[:limit]


def open_work(ctx: Ctx) -> dict[str, int]:
    """Counts for the home screen: drafts, registers awaiting signatures, live sessions."""
    one = ctx.conn.execute
    return {
        "drafts": one("SELECT count(*) FROM destruction_appraisals WHERE status = 'draft'")
        .fetchone()[0],
        "signing": one("SELECT count(*) FROM destruction_registers WHERE status = 'signing'")
        .fetchone()[0],
        "signed": one("SELECT count(*) FROM destruction_registers WHERE status = 'signed'")
        .fetchone()[0],
        "live": one("SELECT count(*) FROM destruction_sessions WHERE status IN"
                    " ('open', 'paused')").fetchone()[0],
        "unverified": one("SELECT count(*) FROM destruction_sessions WHERE status = 'purged'"
                          " OR verified_ok = 0").fetchone()[0],
    }
