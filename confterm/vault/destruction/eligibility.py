"""Which records may be put forward for appraisal, and for any record, why or why not.

The list reads the catalogue's partial index ``records_eligible`` (active, not unresolved,
not held, retention ended) in keyset pages, and drops records on loan or already on an open
register, so a million-record vault answers in milliseconds. ``explain`` combines the
retention assessment (the catalogue's reasons: period, extensions, holds, deregistration)
with this feature's own checks (loans, open registers, state).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from confterm.errors import InputError
from confterm.vault import retention
from confterm.vault.catalogue import retention_sync
from confterm.vault.destruction import guard
from confterm.vault.destruction.common import local_today, table_exists
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

PAGE = 50


@dataclass(frozen=True)
class EligibleRow:
    id: int
    archive_no: str
    title: str
    client_name: str
    category: str
    fiscal_year: int
    retention_end: str
    medium: str
    books: int


@dataclass(frozen=True)
class Explanation:
    record_id: int
    archive_no: str
    title: str
    state: str
    eligible: bool
    reasons: list[guard.Problem]


def _loan_filter(conn: Connection) -> str:
    if not table_exists(conn, "access_loans"):
        return ""
    return (" AND NOT EXISTS(SELECT 1 FROM access_loans l WHERE l.record_id = r.id"
            " AND l.returned_at IS NULL)")


def eligible_page(ctx: Ctx, after: tuple[str, int] | None = None,
                  limit: int = PAGE) -> list[EligibleRow]:
    """One page of eligible records, oldest retention end first; ``after`` is the last
    row's (retention_end, id) of the previous page."""
    today = local_today(ctx).isoformat()
    end, rid = after or ("", 0)
    rows = ctx.conn.execute(
        "SELECT r.id, r.archive_no, r.title, coalesce(c.name, ''), r.category, r.fiscal_year,"
        " r.retention_end, r.medium, r.books FROM records r"
        " LEFT JOIN clients c ON c.id = r.client_id"
        " WHERE r.state = 'active' AND r.unresolved = 0 AND r.hold_count = 0"
        " AND r.retention_end <= ? AND (r.retention_end, r.id) > (?, ?)"
        + _loan_filter(ctx.conn) +
        " AND NOT EXISTS(SELECT 1 FROM destruction_register_items i"
        "   WHERE i.record_id = r.id AND i.open = 1)"
        " ORDER BY r.retention_end, r.id LIMIT ?", (today, end, rid, limit))
    return [EligibleRow(int(r[0]), r[1], r[2], r[3], r[4], int(r[5]), r[6], r[7], int(r[8]))
            for r in rows]


def eligible_count(ctx: Ctx) -> int:
    """How many records are eligible today (an index range count, no table scan)."""
    today = local_today(ctx).isoformat()
    row = ctx.conn.execute(
        "SELECT count(*) FROM records r WHERE r.state = 'active' AND r.unresolved = 0"
        " AND r.hold_count = 0 AND r.retention_end <= ?" + _loan_filter(ctx.conn) +
        " AND NOT EXISTS(SELECT 1 FROM destruction_register_items i"
        "   WHERE i.record_id = r.id AND i.open = 1)", (today,)).fetchone()
    return int(row[0])


def find_record(conn: Connection, text: str) -> int:
    """A record id from an archive number (or '#id'); InputError when none matches."""
    value = text.strip()
    if value.startswith("#") and value[1:].isdigit():
        row = conn.execute("SELECT id FROM records WHERE id = ?", (int(value[1:]),)).fetchone()
    else:
        row = conn.execute("SELECT id FROM records WHERE archive_no = ?", (value,)).fetchone()
    if row is None:
        raise InputError("destruction.unknown_archive_no", archive_no=value[:60])
    return int(row[0])


def _retention_reasons(conn: Connection, record_id: int, today: date) -> list[guard.Problem]:
    row = conn.execute(
        "SELECT r.category, r.fiscal_year, r.end_year, r.scrapped_year, r.extension_years,"
        " r.extension_reason, r.unresolved, r.unresolved_reason, r.state, c.deregistered_on"
        " FROM records r LEFT JOIN clients c ON c.id = r.client_id WHERE r.id = ?",
        (record_id,)).fetchone()
    holds = tuple(
        retention.Hold(str(h[0]), str(h[1]), date.fromisoformat(str(h[2])[:10]))
        for h in conn.execute("SELECT h.reason, h.owner, h.started_at FROM hold_records hr"
                              " JOIN holds h ON h.id = hr.hold_id WHERE hr.record_id = ?"
                              " AND h.released_at IS NULL", (record_id,)))
    extra = retention_sync.appraisal_extensions(conn, [record_id]).get(record_id, ())
    dereg = date.fromisoformat(row[9]) if row[9] else None
    facts = retention_sync.Calculator.facts(
        row[0], row[1], row[2], row[3], row[4], row[5] or "", extra, holds=holds,
        unresolved=bool(row[6]), unresolved_reason=row[7] or "",
        in_destruction=row[8] == "in_destruction", destroyed=row[8] == "destroyed",
        deregistered_on=dereg)
    rules = retention_sync.load_rules(conn)
    assessment = retention.assess(facts, today, rules)
    return [guard.Problem(r.key, dict(r.params)) for r in assessment.reasons]


def explain(ctx: Ctx, record_id: int) -> Explanation:
    """Whether ``record_id`` may be appraised for destruction today, with every reason."""
    today = local_today(ctx)
    facts = guard.load(ctx.conn, [record_id]).get(int(record_id))
    if facts is None:
        raise InputError("destruction.unknown_record", record=record_id)
    own = guard.problems_of(facts, today)
    reasons = _retention_reasons(ctx.conn, int(record_id), today)
    keys = {p.key for p in reasons}
    for problem in own:  # add what the retention assessment does not already say
        if not keys & _SAME.get(problem.key, set()):
            reasons.append(problem)
    if not own:
        reasons.append(guard.Problem("destruction.reason.eligible"))
    title = ctx.conn.execute("SELECT title FROM records WHERE id = ?",
                             (record_id,)).fetchone()[0]
    return Explanation(int(record_id), facts.archive_no, str(title), facts.state, not own,
                       reasons)


# Our problem keys that the retention assessment already explains in its own words.
_SAME: dict[str, set[str]] = {
    "destruction.reason.retention_running": {"catalogue.reason.period_running",
                                             "catalogue.reason.not_scrapped"},
    "destruction.reason.permanent": {"catalogue.reason.permanent",
                                     "catalogue.reason.record_permanent",
                                     "catalogue.reason.appraisal_permanent",
                                     "catalogue.reason.not_scrapped"},
    "destruction.reason.on_hold": {"catalogue.reason.hold"},
    "destruction.reason.unresolved": {"catalogue.reason.unresolved"},
    "destruction.reason.state_destroyed": {"catalogue.reason.destroyed"},
    "destruction.reason.state_in_destruction": {"catalogue.reason.in_destruction"},
}
