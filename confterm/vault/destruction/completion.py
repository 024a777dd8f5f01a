"""Completing a session: witnesses sign, one transaction purges and tombstones, then the
write-ahead log is truncated, free pages reclaimed, and the result verified.

The purge transaction is all-or-nothing (SQLite's atomic commit): a crash or kill -9 at any
moment leaves either every item of the session destroyed, tombstoned and audited, or none.
After it commits the session is 'purged'; ``finalize`` (run at once, or again after an
interruption) checkpoints with TRUNCATE (the WAL held the old pages), reclaims free pages,
verifies and marks the session 'completed' with the verification's result.

Reclaiming: secure_delete zeroes every freed page and freed cell, and the verification
scans free pages too, so VACUUM (which rewrites the whole file) runs only when free pages
are a large part of the file, or when the verification finds a residue. Residues do occur:
when SQLite rebalances a b-tree page it rebuilds it without clearing the unallocated gap
between the cell pointers and the cell content, so a stale copy of a row that moved long
before (e.g. when its notes were written) can survive there; secure_delete never sees it.
Measured: about 2 such copies per 10,000 destroyed records. The verification finds them by
searching every page (decrypted at completion, or during the check-off by ``prescan`` when
unchanged since); ``scrub`` then clears the unused space of just those pages (VACUUM,
which rebuilds every page, is the last resort), and the verification runs again with the
same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.vault import people, store
from confterm.vault.catalogue import retention_sync
from confterm.vault.destruction import guard, prescan, purge, register, scrub, sessions, verify
from confterm.vault.destruction.common import (
    EXECUTOR_ROLES,
    Signer,
    canonical,
    chunks,
    local_today,
    marks,
    refuse,
    sha256_hex,
    sign_as_actor,
    stamp,
)
from confterm.vault.retention import RecordFacts, served_years
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx

RECLAIM_MIN_PAGES = 25_000  # ~100 MB
RECLAIM_FRACTION = 0.25

_TOMB_COLUMNS = (
    "record_id, archive_no, title, volume_no, books, start_year, end_year, fiscal_year,"
    " category, required_period, retained_years, destroyed_on, destroyed_at, medium, barcode,"
    " client_name, client_code, deregistered_on, legal_basis, appraisal_no, register_id,"
    " register_no, session_id, session_no, method, place, executor, witnesses,"
    " purged_fields, content_salt, content_digest, audit_seq")


@dataclass
class Completion:
    session_number: str
    destroyed: int
    excluded: int
    verification: verify.Verification
    reclaimed: bool


def complete_session(ctx: Ctx, session_id: int, witnesses: Sequence[Signer]) -> Completion:
    """Destroy every checked item of an open session; refusals are audited."""
    people.require_role(ctx.actor, *EXECUTOR_ROLES)
    with ctx.transaction():  # holds placed meanwhile block their items, and stay recorded
        session = sessions.info(ctx.conn, session_id)
        blocked = sessions.recheck(ctx, session) if session.status == "open" else 0
    if blocked:
        raise refuse(ctx, "session.complete", "session", session.number,
                     ConflictError("destruction.items_blocked", count=blocked,
                                   number=session.number))
    try:
        with ctx.transaction():
            destroyed, excluded, needles = _purge_all(ctx, session_id, witnesses)
    except (PermissionDenied, ConflictError) as exc:
        raise refuse(ctx, "session.complete", "session", session.number, exc) from None
    result, reclaimed = finalize(ctx, session_id, needles)
    return Completion(session.number, destroyed, excluded, result, reclaimed)


def _purge_all(ctx: Ctx, session_id: int, signers: Sequence[Signer]
               ) -> tuple[int, int, list[bytes]]:
    session = sessions.info(ctx.conn, session_id)
    if session.status != "open":
        raise InputError("destruction.session_state", number=session.number,
                         status=session.status)
    if session.executor != ctx.actor.name:
        raise PermissionDenied("destruction.not_executor", number=session.number,
                               executor=session.executor)
    if not session.ready:
        raise ConflictError("destruction.items_open", number=session.number,
                            pending=session.counts.get("pending", 0),
                            blocked=session.counts.get("blocked", 0))
    if not register.signatures_valid(ctx.conn, session.register_id):
        raise ConflictError("destruction.register_not_signed", number=session.register_no,
                            status="signatures")
    expected = set(sessions.current_witnesses(ctx.conn, session_id))
    missing = sorted(expected - {s.name for s in signers})
    if missing:
        raise PermissionDenied("destruction.witness_missing", person=missing[0])
    unvalidated = ctx.conn.execute("SELECT count(*) FROM destruction_media WHERE session_id = ?"
                                   " AND validator IS NULL", (session_id,)).fetchone()[0]
    if unvalidated:
        raise ConflictError("destruction.media_unvalidated", count=unvalidated)
    rows = ctx.conn.execute(
        "SELECT s.record_id, i.archive_no FROM destruction_session_items s"
        " JOIN destruction_register_items i ON i.record_id = s.record_id AND"
        " i.register_id = ? WHERE s.session_id = ? AND s.state = 'checked' ORDER BY s.position",
        (session.register_id, session_id)).fetchall()
    ids = [int(r[0]) for r in rows]
    today = local_today(ctx)
    error = guard.first_refusal(ctx.conn, guard.problems(
        ctx.conn, ids, today, expected_state="in_destruction", register=session.register_no))
    if error is not None:
        raise error
    items_digest = sha256_hex(canonical([r[1] for r in rows]))
    names = sessions.witness(ctx, session, signers, "complete",
                             {"items": len(ids), "items_digest": items_digest})
    at = stamp(ctx)
    signed = sign_as_actor(ctx, {"kind": "destruction_completion", "session": session.number,
                                 "register": session.register_no, "items": len(ids),
                                 "items_digest": items_digest, "witnesses": names, "at": at})
    content = purge.collect(ctx.conn, ids)
    needles = _tombstones(ctx, session, ids, content, names, at)
    purge.purge(ctx.conn, ids)
    for part in chunks(ids):
        ctx.conn.execute(f"UPDATE records SET state = 'destroyed', updated_at = ?,"
                         f" version = version + 1 WHERE id IN ({marks(len(part))})",
                         (at, *part))
    for cid, purged in purge.purge_finished_clients(ctx.conn, ids).items():
        needles += purged.needles()
        ctx.audit("client.personal_info_purged", "client", cid,
                  {"fields": sorted(purged.fields), "session": session.number})
    ctx.conn.execute("UPDATE destruction_register_items SET open = 0 WHERE register_id = ?",
                     (session.register_id,))
    ctx.conn.execute("UPDATE destruction_registers SET status = 'completed', closed_at = ?"
                     " WHERE id = ?", (at, session.register_id))
    ctx.conn.execute("UPDATE destruction_sessions SET status = 'purged', purged_at = ?,"
                     " completion_payload = ?, signature = ?, public_key = ? WHERE id = ?",
                     (at, signed.payload, signed.signature, signed.public_key, session_id))
    excluded = session.counts.get("excluded", 0)
    ctx.audit("destruction.session_purged", "session", session.number,
              {"register": session.register_no, "destroyed": len(ids), "excluded": excluded,
               "items_digest": items_digest, "witnesses": names})
    return len(ids), excluded, needles


def _tombstones(ctx: Ctx, session: sessions.SessionInfo, ids: list[int],
                content: dict[int, purge.Purged], witnesses: list[str], at: str) -> list[bytes]:
    """Write each record's tombstone and audit event; returns the verification needles."""
    reg = ctx.conn.execute("SELECT g.number, a.number FROM destruction_registers g JOIN"
                           " destruction_appraisals a ON a.id = g.appraisal_id WHERE g.id = ?",
                           (session.register_id,)).fetchone()
    rules = retention_sync.load_rules(ctx.conn)
    today = local_today(ctx)
    needles: list[bytes] = []
    for part in chunks(ids):
        rows = ctx.conn.execute(
            "SELECT i.record_id, i.archive_no, i.title, i.volume_no, i.books, i.start_year,"
            " i.end_year, i.fiscal_year, i.category, i.required_period, i.medium, i.barcode,"
            " i.client_name, i.client_code, i.deregistered_on, i.legal_basis, r.scrapped_year"
            " FROM destruction_register_items i JOIN records r ON r.id = i.record_id"
            f" WHERE i.register_id = ? AND i.record_id IN ({marks(len(part))})",
            (session.register_id, *part)).fetchall()
        for r in rows:
            rid = int(r[0])
            purged = content[rid]
            salt = purge.new_salt()
            digest = purged.digest(salt)
            needles += purged.needles()
            facts = RecordFacts(category=r[8], fiscal_year=r[7], end_year=r[6],
                                scrapped_year=r[16])
            served = served_years(facts, today, rules) if r[8] in rules else 0
            seq = ctx.audit("destruction.destroy", "record", rid,
                            {"archive_no": r[1], "register": reg[0], "session": session.number,
                             "content_digest": digest, "purged": sorted(purged.fields)})
            ctx.conn.execute(
                f"INSERT INTO destruction_tombstones({_TOMB_COLUMNS}) VALUES"
                f" ({marks(32)})",
                (rid, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], served,
                 today.isoformat(), at, r[10], r[11], r[12], r[13], r[14], r[15], reg[1],
                 session.register_id, reg[0], session.id, session.number, session.method,
                 session.place, session.executor, "、".join(witnesses),
                 canonical(sorted(purged.fields)), salt, digest, seq))
    return needles


def finalize(ctx: Ctx, session_id: int, needles: list[bytes] | None = None
             ) -> tuple[verify.Verification, bool]:
    """Truncate the WAL, reclaim free pages if many, verify, and record the result.

    Safe to run again: a session left 'purged' by an interruption is finished this way.
    """
    session = sessions.info(ctx.conn, session_id)
    # A completed session is verified again only with the purged values in hand: without
    # them a second run would prove less than the first and must not replace its result.
    if session.status != "purged" and (session.status != "completed" or needles is None):
        raise InputError("destruction.session_state", number=session.number,
                         status=session.status)
    db_path = ctx.session.path / store.DB_NAME
    scrub.recover(ctx.conn, db_path)  # an interrupted scrub is undone first
    ctx.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    reclaimed = reclaim(ctx)
    result = verify.run(ctx, session_id, needles, classify=False)
    first = result.residues
    if first:  # clear unused space where values were found, then look again
        key = ctx.session.data_key_copy()
        try:
            pages = scrub.scrub(ctx.conn, db_path, bytes(key), result.hits)
        finally:
            wipe(key)
        result = verify.recheck(ctx, result, needles)
        result.scrubbed_pages = pages
        result.remediated = first - result.residues
    if result.residues and set(result.where) <= {"unknown"} and not reclaimed:
        reclaimed = reclaim(ctx, force=True)  # the last resort: rebuild every page
        pages = result.scrubbed_pages
        result = verify.run(ctx, session_id, needles)
        result.scrubbed_pages, result.vacuumed = pages, True
        result.remediated = first - result.residues
    with ctx.transaction():
        ctx.conn.execute("UPDATE destruction_sessions SET status = 'completed',"
                         " completed_at = coalesce(completed_at, ?), verification = ?,"
                         " verified_ok = ? WHERE id = ?",
                         (result.at, canonical(result.to_json()), int(result.ok), session_id))
        ctx.audit("destruction.session_verified", "session", session.number,
                  {"ok": result.ok, "full_scan": result.full_scan,
                   "residues": result.residues, "pages": result.db_pages,
                   "logical_problems": len(result.logical_problems)})
    ctx.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    prescan.discard(ctx, session_id)
    return result, reclaimed


def reclaim(ctx: Ctx, force: bool = False) -> bool:
    """VACUUM when free pages exceed the threshold (or ``force``); returns whether it ran."""
    free = int(ctx.conn.execute("PRAGMA freelist_count").fetchone()[0])
    total = int(ctx.conn.execute("PRAGMA page_count").fetchone()[0])
    if not force and free < max(RECLAIM_MIN_PAGES, total * RECLAIM_FRACTION):
        return False
    ctx.conn.execute("VACUUM")
    ctx.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return True


def pending_verification(ctx: Ctx) -> list[int]:
    """Sessions purged but not yet verified (an interruption): finish them with
    ``finalize``."""
    return [int(r[0]) for r in ctx.conn.execute(
        "SELECT id FROM destruction_sessions WHERE status = 'purged' ORDER BY id")]


