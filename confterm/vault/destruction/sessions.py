"""The supervised destruction session (监销): start, check-off, exclude, pause, resume.

The executor is the unlocked custodian; witnesses prove presence (each signs a statement
with their own key) and are never the executor. Electronic records or media need two
witnesses, one of them from the IT function (``config.it_people``). Every item is checked
off by scanning or typing its archive number or container barcode; anything that does not
match exactly one pending item is flagged and logged. Holds and the other preconditions
are re-checked at start, at every scan, at resume and at completion: an item that became
held is 'blocked' and the session cannot complete until it is excluded (with a reason; it
stays listed as excluded and returns to the catalogue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from confterm.errors import ConflictError, ConftermError, InputError, PermissionDenied
from confterm.vault import people
from confterm.vault.destruction import config, guard, prescan, register
from confterm.vault.destruction.common import (
    EXECUTOR_ROLES,
    WITNESS_ROLE,
    Signer,
    clean,
    local_today,
    next_number,
    refuse,
    sign_as,
    stamp,
)
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

SCAN_MAX = 200


@dataclass(frozen=True)
class SessionInfo:
    id: int
    number: str
    register_id: int
    register_no: str
    executor: str
    method: str
    place: str
    electronic: bool
    status: str
    started_at: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ready(self) -> bool:
        """Every item checked or excluded."""
        return self.counts.get("pending", 0) == 0 and self.counts.get("blocked", 0) == 0


@dataclass(frozen=True)
class ScanResult:
    outcome: str  # checked | unknown | duplicate | excluded | blocked | ambiguous
    input: str
    record_id: int | None = None
    archive_no: str = ""
    title: str = ""
    reason: str = ""

    @property
    def flagged(self) -> bool:
        return self.outcome != "checked"


def info(conn: Connection, session_id: int) -> SessionInfo:
    row = conn.execute(
        "SELECT s.id, s.number, s.register_id, g.number, s.executor, s.method, s.place,"
        " s.electronic, s.status, s.started_at FROM destruction_sessions s"
        " JOIN destruction_registers g ON g.id = s.register_id WHERE s.id = ?",
        (session_id,)).fetchone()
    if row is None:
        raise InputError("destruction.unknown_session", session=session_id)
    counts = {str(s): int(n) for s, n in conn.execute(
        "SELECT state, count(*) FROM destruction_session_items WHERE session_id = ?"
        " GROUP BY state", (session_id,))}
    return SessionInfo(int(row[0]), row[1], int(row[2]), row[3], row[4], row[5], row[6],
                       bool(row[7]), row[8], row[9], counts)


def check_witnesses(conn: Connection, executor: str, witnesses: Sequence[Signer],
                    electronic: bool) -> list[tuple[str, bool]]:
    """(name, from IT) of each witness, or the error naming the rule broken."""
    names = []
    for w in witnesses:
        people.require_distinct(executor, w.name, "destruction")
        if w.name not in names:
            names.append(w.name)
    if not names:
        raise PermissionDenied("destruction.no_witness")
    it = config.it_people(conn)
    if electronic:
        if len(names) < 2:
            raise PermissionDenied("destruction.two_witnesses_needed", count=len(names))
        if not it & set(names):
            raise PermissionDenied("destruction.it_witness_needed")
    return [(n, n in it) for n in names]


def witness(ctx: Ctx, session: SessionInfo, signers: Sequence[Signer], event: str,
            extra: dict[str, object] | None = None) -> list[str]:
    """Each signer proves presence for ``event``: a signed statement, stored and audited."""
    pairs = check_witnesses(ctx.conn, session.executor, signers, session.electronic)
    it = dict(pairs)
    rnd = current_round(ctx.conn, session.id) + (0 if event == "complete" else 1)
    done: list[str] = []
    for signer in signers:
        if signer.name in done:
            continue
        at = stamp(ctx)
        signed = sign_as(ctx.conn, signer, {
            "kind": "destruction_witness", "session": session.number,
            "register": session.register_no, "event": event, "witness": signer.name,
            "executor": session.executor, "at": at, **(extra or {})}, (WITNESS_ROLE,))
        seq = ctx.audit(f"destruction.witness_{event}", "session", session.number,
                        {"it_function": it[signer.name]}, actor=signer.name)
        ctx.conn.execute("INSERT INTO destruction_witnessing(session_id, person, it_function,"
                         " event, round, at, payload, signature, public_key, audit_seq)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?)",
                         (session.id, signer.name, int(it[signer.name]), event, rnd, at,
                          signed.payload, signed.signature, signed.public_key, seq))
        done.append(signer.name)
    return done


def _refusing(ctx: Ctx, attempt: str, object_id: object, fn, *args):  # type: ignore[no-untyped-def]
    """Run ``fn`` in a transaction; a refusal by the rules is rolled back, then audited."""
    try:
        with ctx.transaction():
            return fn(*args)
    except ConftermError as exc:
        if isinstance(exc, PermissionDenied | ConflictError):
            raise refuse(ctx, attempt, "session", object_id, exc) from None
        raise


def start_session(ctx: Ctx, register_id: int, method: str, place: str,
                  witnesses: Sequence[Signer], media: bool = False) -> int:
    """Open the session of a fully signed register; ``media`` when electronic media (disks)
    are destroyed too (two witnesses, one from IT, as for electronic records)."""
    people.require_role(ctx.actor, *EXECUTOR_ROLES)
    how = clean(method, "method")
    where = clean(place, "place")
    return int(_refusing(ctx, "session.start", f"register:{register_id}", _start, ctx,
                         register_id, how, where, witnesses, media))


def _start(ctx: Ctx, register_id: int, method: str, place: str, witnesses: Sequence[Signer],
           media: bool) -> int:
    reg = register.info(ctx.conn, register_id)
    if reg.status != "signed" or not register.signatures_valid(ctx.conn, register_id):
        raise ConflictError("destruction.register_not_signed", number=reg.number,
                            status=reg.status)
    electronic = reg.electronic or media
    check_witnesses(ctx.conn, ctx.actor.name, witnesses, electronic)
    number = next_number(ctx.conn, "destruction_sessions", "JX", local_today(ctx).year)
    cur = ctx.conn.execute(
        "INSERT INTO destruction_sessions(number, register_id, executor, method, place,"
        " electronic, started_at) VALUES (?,?,?,?,?,?,?)",
        (number, register_id, ctx.actor.name, method, place, int(electronic), stamp(ctx)))
    sid = int(cur.lastrowid or 0)
    ctx.conn.execute("INSERT INTO destruction_session_items(session_id, record_id, position)"
                     " SELECT ?, record_id, position FROM destruction_register_items"
                     " WHERE register_id = ? AND open = 1", (sid, register_id))
    ctx.conn.execute("UPDATE destruction_registers SET status = 'in_session' WHERE id = ?",
                     (register_id,))
    ctx.audit("destruction.session_start", "session", number,
              {"register": reg.number, "method": method, "place": place,
               "electronic": electronic})
    session = info(ctx.conn, sid)
    witness(ctx, session, witnesses, "start")
    recheck(ctx, session)
    return sid


def recheck(ctx: Ctx, session: SessionInfo, states: Sequence[str] = ("pending", "checked")
            ) -> int:
    """Block every item that may no longer be destroyed (hold, loan...); returns how many.
    Call inside a transaction."""
    ids = [int(r[0]) for r in ctx.conn.execute(
        "SELECT record_id FROM destruction_session_items WHERE session_id = ? AND state IN"
        f" ({','.join('?' * len(states))})", (session.id, *states))]
    found = guard.problems(ctx.conn, ids, local_today(ctx), expected_state="in_destruction",
                           register=session.register_no)
    blocked = 0
    for rid, probs in found.items():
        if probs:
            note = "; ".join(p.text() for p in probs)[:500]
            ctx.conn.execute("UPDATE destruction_session_items SET state = 'blocked', note = ?"
                             " WHERE session_id = ? AND record_id = ?", (note, session.id, rid))
            ctx.audit("destruction.item_blocked", "record", rid,
                      {"session": session.number, "reasons": [p.key for p in probs]})
            blocked += 1
    return blocked


def _live(ctx: Ctx, session_id: int, *allowed: str) -> SessionInfo:
    session = info(ctx.conn, session_id)
    if session.status not in allowed:
        raise InputError("destruction.session_state", number=session.number,
                         status=session.status)
    return session


def check_off(ctx: Ctx, session_id: int, scanned: str) -> ScanResult:
    """Match one scan (archive number, else container barcode) and check the item off."""
    text = "".join(c for c in scanned.strip() if c.isprintable())[:SCAN_MAX]
    if not text:
        raise InputError("destruction.empty_scan")
    with ctx.transaction():
        session = _live(ctx, session_id, "open")
        result = _match(ctx, session, text)
        ctx.conn.execute("INSERT INTO destruction_scans(session_id, at, actor, input, outcome,"
                         " record_id) VALUES (?,?,?,?,?,?)",
                         (session_id, stamp(ctx), ctx.actor.name, text, result.outcome,
                          result.record_id))
        ctx.audit(f"destruction.scan_{result.outcome}", "session", session.number,
                  {"input": text, "record": result.record_id})
    prescan.ensure(ctx, session_id)  # the verification's background pass (once per run)
    return result


def _match(ctx: Ctx, session: SessionInfo, text: str) -> ScanResult:
    base = ("SELECT i.record_id, i.archive_no, i.title, s.state, s.note FROM"
            " destruction_register_items i JOIN destruction_session_items s"
            " ON s.record_id = i.record_id AND s.session_id = ? WHERE i.register_id = ? AND ")
    args = (session.id, session.register_id, text)
    rows = ctx.conn.execute(base + "i.archive_no = ?", args).fetchall()
    if not rows:
        rows = ctx.conn.execute(base + "i.barcode = ? AND i.barcode <> ''", args).fetchall()
        pending = [r for r in rows if r[3] == "pending"]
        if len(pending) > 1:
            return ScanResult("ambiguous", text, reason=str(len(pending)))
        rows = pending or rows[:1]
    if not rows:
        return ScanResult("unknown", text)
    rid, archive_no, title, state, note = rows[0]
    if state in ("checked", "excluded", "blocked"):
        outcome = {"checked": "duplicate"}.get(state, state)
        return ScanResult(outcome, text, int(rid), archive_no, title, note)
    probs = guard.problems(ctx.conn, [int(rid)], local_today(ctx),
                           expected_state="in_destruction", register=session.register_no)
    if probs[int(rid)]:
        note = "; ".join(p.text() for p in probs[int(rid)])[:500]
        ctx.conn.execute("UPDATE destruction_session_items SET state = 'blocked', note = ?"
                         " WHERE session_id = ? AND record_id = ?", (note, session.id, rid))
        return ScanResult("blocked", text, int(rid), archive_no, title, note)
    ctx.conn.execute("UPDATE destruction_session_items SET state = 'checked', checked_at = ?,"
                     " checked_by = ?, scanned = ? WHERE session_id = ? AND record_id = ?",
                     (stamp(ctx), ctx.actor.name, text, session.id, rid))
    return ScanResult("checked", text, int(rid), archive_no, title)


def exclude_item(ctx: Ctx, session_id: int, record_id: int, reason: str) -> None:
    """Take one item out of the destruction: it stays listed as excluded, with the reason,
    and returns to the catalogue (it needs a new appraisal to be destroyed later)."""
    people.require_role(ctx.actor, *EXECUTOR_ROLES)
    text = clean(reason, "reason")
    with ctx.transaction():
        session = _live(ctx, session_id, "open", "paused")
        cur = ctx.conn.execute("UPDATE destruction_session_items SET state = 'excluded',"
                               " note = ? WHERE session_id = ? AND record_id = ?"
                               " AND state <> 'excluded'", (text, session_id, record_id))
        if cur.rowcount != 1:
            raise InputError("destruction.not_excludable", record=record_id,
                             number=session.number)
        register.release(ctx.conn, session.register_id, [record_id])
        ctx.audit("destruction.item_excluded", "record", record_id,
                  {"session": session.number, "reason": text})


def pause_session(ctx: Ctx, session_id: int, reason: str) -> None:
    text = clean(reason, "reason")
    with ctx.transaction():
        session = _live(ctx, session_id, "open")
        ctx.conn.execute("UPDATE destruction_sessions SET status = 'paused', paused_at = ?,"
                         " pause_reason = ? WHERE id = ?", (stamp(ctx), text, session_id))
        ctx.audit("destruction.session_pause", "session", session.number, {"reason": text})


def resume_session(ctx: Ctx, session_id: int, witnesses: Sequence[Signer]) -> int:
    """Witnesses prove presence again; holds are re-checked. Returns items newly blocked."""
    people.require_role(ctx.actor, *EXECUTOR_ROLES)

    def run() -> int:
        session = _live(ctx, session_id, "paused")
        if session.executor != ctx.actor.name:
            raise PermissionDenied("destruction.not_executor", number=session.number,
                                   executor=session.executor)
        ctx.conn.execute("UPDATE destruction_sessions SET status = 'open', paused_at = NULL"
                         " WHERE id = ?", (session_id,))
        ctx.audit("destruction.session_resume", "session", session.number, {})
        witness(ctx, session, witnesses, "resume")
        return recheck(ctx, session)

    return int(_refusing(ctx, "session.resume", session_id, run))


def abort_session(ctx: Ctx, session_id: int, reason: str) -> None:
    """Stop without destroying anything: every item returns to the catalogue."""
    people.require_role(ctx.actor, *EXECUTOR_ROLES)
    text = clean(reason, "reason")
    with ctx.transaction():
        session = _live(ctx, session_id, "open", "paused")
        ctx.conn.execute("UPDATE destruction_sessions SET status = 'aborted', completed_at = ?,"
                         " closed_reason = ? WHERE id = ?", (stamp(ctx), text, session_id))
        register.close(ctx, session.register_id, "cancelled", text)
        ctx.audit("destruction.session_abort", "session", session.number, {"reason": text})
    prescan.discard(ctx, session_id)


def current_round(conn: Connection, session_id: int) -> int:
    row = conn.execute("SELECT max(round) FROM destruction_witnessing WHERE session_id = ?",
                       (session_id,)).fetchone()
    return int(row[0] or 0)


def current_witnesses(conn: Connection, session_id: int) -> list[str]:
    """Who proved presence at the latest start or resume: they sign completion."""
    rows = conn.execute("SELECT person FROM destruction_witnessing WHERE session_id = ?"
                        " AND round = ? AND event IN ('start', 'resume') ORDER BY id",
                        (session_id, current_round(conn, session_id))).fetchall()
    return list(dict.fromkeys(str(r[0]) for r in rows))


def get(ctx: Ctx, session_id: int) -> SessionInfo:
    """``info`` as a service (for ``session.call``)."""
    return info(ctx.conn, session_id)
