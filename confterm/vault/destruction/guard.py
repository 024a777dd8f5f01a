"""The one place that judges whether records may go forward to destruction.

Every step (appraisal, register, session start, check-off, completion) asks ``problems``
about the records it touches, from the database at that moment: a hold placed or a loan
made a minute ago is seen. ``Problem`` carries a catalogue key and its parameters, so the
same judgement explains itself on screen, in an error and in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from confterm.errors import ConflictError
from confterm.i18n import t
from confterm.vault.destruction.common import chunks, marks, table_exists
from confterm.vault.store import Connection


@dataclass(frozen=True)
class Problem:
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class RecordState:
    id: int
    archive_no: str
    state: str
    retention_end: str
    hold_count: int
    unresolved: bool
    unresolved_reason: str
    on_loan: bool
    open_register: str | None


def load(conn: Connection, record_ids: Iterable[int]) -> dict[int, RecordState]:
    """What the rules depend on, for each record id that exists."""
    ids = sorted({int(i) for i in record_ids})
    loans = table_exists(conn, "access_loans")
    loan_sql = ("EXISTS(SELECT 1 FROM access_loans l WHERE l.record_id = r.id"
                " AND l.returned_at IS NULL)") if loans else "0"
    out: dict[int, RecordState] = {}
    for part in chunks(ids):
        rows = conn.execute(
            "SELECT r.id, r.archive_no, r.state, r.retention_end, r.hold_count, r.unresolved,"
            f" r.unresolved_reason, {loan_sql},"
            " (SELECT g.number FROM destruction_register_items i JOIN destruction_registers g"
            "   ON g.id = i.register_id WHERE i.record_id = r.id AND i.open = 1)"
            f" FROM records r WHERE r.id IN ({marks(len(part))})", tuple(part))
        for row in rows:
            out[int(row[0])] = RecordState(int(row[0]), str(row[1]), str(row[2]), str(row[3]),
                                           int(row[4]), bool(row[5]), str(row[6] or ""),
                                           bool(row[7]), row[8])
    return out


def problems_of(rec: RecordState, today: date, *, expected_state: str = "active",
                register: str | None = None) -> list[Problem]:
    """Why ``rec`` may not go forward (empty: it may).

    ``expected_state`` is 'active' before a register exists and 'in_destruction' after;
    ``register`` is the number of the register the record is expected to be on (None: it
    must be on no open register).
    """
    out: list[Problem] = []
    if rec.state != expected_state:
        out.append(Problem(f"destruction.reason.state_{rec.state}"))
    if rec.retention_end > today.isoformat():
        key = ("destruction.reason.permanent" if rec.retention_end.startswith("9999")
               else "destruction.reason.retention_running")
        out.append(Problem(key, {"end": rec.retention_end}))
    if rec.hold_count > 0:
        out.append(Problem("destruction.reason.on_hold", {"count": rec.hold_count}))
    if rec.unresolved:
        out.append(Problem("destruction.reason.unresolved",
                           {"reason": rec.unresolved_reason or "-"}))
    if rec.on_loan:
        out.append(Problem("destruction.reason.on_loan"))
    if rec.open_register is not None and rec.open_register != register:
        out.append(Problem("destruction.reason.in_register", {"number": rec.open_register}))
    if register is not None and rec.open_register != register:
        out.append(Problem("destruction.reason.not_on_register", {"number": register}))
    return out


def problems(conn: Connection, record_ids: Iterable[int], today: date, *,
             expected_state: str = "active",
             register: str | None = None) -> dict[int, list[Problem]]:
    """Problems per record id; an id that does not exist gets 'unknown record'."""
    ids = [int(i) for i in record_ids]
    found = load(conn, ids)
    out: dict[int, list[Problem]] = {}
    for rid in ids:
        rec = found.get(rid)
        if rec is None:
            out[rid] = [Problem("destruction.reason.unknown_record", {"record": rid})]
        else:
            out[rid] = problems_of(rec, today, expected_state=expected_state,
                                   register=register)
    return out


def first_refusal(conn: Connection, found: Mapping[int, list[Problem]]) -> ConflictError | None:
    """A ConflictError naming the first record that may not go forward, with its reason."""
    for rid, probs in found.items():
        if probs:
            row = conn.execute("SELECT archive_no FROM records WHERE id = ?", (rid,)).fetchone()
            return ConflictError("destruction.record_refused",
                                 archive_no=row[0] if row else str(rid),
                                 reason=probs[0].text(), count=sum(1 for p in found.values()
                                                                   if p))
    return None
