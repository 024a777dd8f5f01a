"""The destruction register (销毁清册): built from an appraisal's "destroy" decisions.

Each item keeps a snapshot of the statutory fields (REFERENCE.md §4) taken when the
register is prepared, so what the signatories approve is exactly what is printed and
destroyed. The preparer signs the register's canonical content; each configured signatory
then gives an opinion by proving presence, signed with their own key over the register's
digest. The preparer can never sign an opinion on their own register. The records are
set to 'in_destruction' (no loans, no edits) until the register is completed, rejected or
cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from confterm.errors import ConftermError, InputError, PermissionDenied
from confterm.vault import people
from confterm.vault.destruction import config, guard
from confterm.vault.destruction.common import (
    SLOT_ROLES,
    Signer,
    canonical,
    chunks,
    clean,
    local_today,
    marks,
    next_number,
    refuse,
    sha256_hex,
    sign_as,
    sign_as_actor,
    signature_ok,
    stamp,
)
from confterm.vault.retention_rules import RetentionRule
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

ITEM_COLUMNS = ("record_id", "archive_no", "title", "volume_no", "books", "start_year",
                "end_year", "fiscal_year", "category", "required_period", "retention_end",
                "medium", "barcode", "location", "client_name", "client_code",
                "deregistered_on", "legal_basis")
_SNAPSHOT = (
    "SELECT r.id, r.archive_no, r.title, r.volume_no, r.books, r.start_year, r.end_year,"
    " r.fiscal_year, r.category, r.scrapped_year, r.retention_end, r.medium,"
    " coalesce(l.barcode, ''), coalesce(l.path, ''), c.name, c.credit_code, c.deregistered_on,"
    " rr.counted_from, rr.category, rr.years, rr.basis_zh, rr.basis_en, rr.name_zh, rr.name_en"
    " FROM records r JOIN clients c ON c.id = r.client_id"
    " JOIN retention_rules rr ON rr.category = r.category"
    " LEFT JOIN locations l ON l.id = r.location_id WHERE r.id IN ({})")


@dataclass(frozen=True)
class RegisterInfo:
    id: int
    number: str
    appraisal_id: int
    status: str
    legal_basis: str
    electronic: bool
    prepared_by: str
    prepared_at: str
    digest: str
    items: int
    books: int


def _served_years(base: int | None, end: str) -> str:
    if base is None:
        return ""
    return str(max(0, int(end[:4]) - (base + 1)))


def _snapshot(conn: Connection, ids: Sequence[int]) -> list[tuple[object, ...]]:
    rows: dict[int, tuple[object, ...]] = {}
    for part in chunks(list(ids)):
        for r in conn.execute(_SNAPSHOT.format(marks(len(part))), tuple(part)):
            rule = RetentionRule(category=r[18], years=r[19], counted_from=r[17],
                                 basis_zh=r[20] or "", basis_en=r[21] or "",
                                 name_zh=r[22] or "", name_en=r[23] or "")
            base = r[9] if r[17] == "scrapped" else (r[6] if r[6] is not None else r[7])
            rows[int(r[0])] = (int(r[0]), r[1], r[2], r[3], int(r[4]), r[5], r[6], int(r[7]),
                               r[8], _served_years(base, str(r[10])), r[10], r[11], r[12],
                               r[13], r[14], r[15], r[16], rule.basis("zh_CN"))
    return [rows[i] for i in ids if i in rows]


def create_register(ctx: Ctx, appraisal_id: int, legal_basis: str,
                    signatories: Sequence[tuple[str, str]] | None = None) -> int:
    """Prepare a register from the appraisal's undestroyed 'destroy' decisions."""
    people.require_role(ctx.actor, "custodian")
    basis = clean(legal_basis, "legal_basis", limit=1000)
    try:
        with ctx.transaction():
            return _create(ctx, appraisal_id, basis, signatories)
    except (PermissionDenied, ConftermError) as exc:
        if exc.key in ("destruction.record_refused", "people.separate_register"):
            raise refuse(ctx, "register.create", "appraisal", appraisal_id, exc) from None
        raise


def _create(ctx: Ctx, appraisal_id: int, basis: str,
            signatories: Sequence[tuple[str, str]] | None) -> int:
    row = ctx.conn.execute("SELECT status, number FROM destruction_appraisals WHERE id = ?",
                           (appraisal_id,)).fetchone()
    if row is None or row[0] != "issued":
        raise InputError("destruction.appraisal_not_issued", appraisal=appraisal_id)
    ids = [int(r[0]) for r in ctx.conn.execute(
        "SELECT record_id FROM destruction_appraisal_items WHERE appraisal_id = ?"
        " AND decision = 'destroy' AND registered = 0 ORDER BY position", (appraisal_id,))]
    if not ids:
        raise InputError("destruction.nothing_to_register", appraisal=row[1])
    pairs = config.check_signatories(ctx.conn, signatories if signatories is not None
                                     else config.signatories(ctx.conn))
    for _slot, name in pairs:
        people.require_distinct(ctx.actor, name, "register")
    today = local_today(ctx)
    error = guard.first_refusal(ctx.conn, guard.problems(ctx.conn, ids, today))
    if error is not None:
        raise error
    snap = _snapshot(ctx.conn, ids)
    number = next_number(ctx.conn, "destruction_registers", "XH", today.year)
    at = stamp(ctx)
    electronic = any(s[11] in ("electronic", "both") for s in snap)
    payload = {"kind": "destruction_register", "number": number, "appraisal": row[1],
               "legal_basis": basis, "prepared_by": ctx.actor.name, "prepared_at": at,
               "signatories": [list(p) for p in pairs],
               "items": [[s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[15]]
                         for s in snap],
               "totals": {"items": len(snap), "books": sum(int(str(s[4])) for s in snap)}}
    text = canonical(payload)
    signed = sign_as_actor(ctx, payload)
    cur = ctx.conn.execute(
        "INSERT INTO destruction_registers(number, appraisal_id, legal_basis, electronic,"
        " prepared_by, prepared_at, payload, digest, signature, public_key)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        (number, appraisal_id, basis, int(electronic), ctx.actor.name, at, text,
         sha256_hex(text), signed.signature, signed.public_key))
    rid = int(cur.lastrowid or 0)
    ctx.conn.executemany(
        f"INSERT INTO destruction_register_items(register_id, position, {', '.join(ITEM_COLUMNS)})"
        f" VALUES (?, ?, {marks(len(ITEM_COLUMNS))})",
        [(rid, n, *s) for n, s in enumerate(snap, start=1)])
    ctx.conn.executemany("INSERT INTO destruction_signoffs(register_id, slot, position, person)"
                         " VALUES (?, ?, ?, ?)",
                         [(rid, slot, n, name) for n, (slot, name) in enumerate(pairs, 1)])
    for part in chunks(ids):
        ctx.conn.execute("UPDATE destruction_appraisal_items SET registered = 1 WHERE"
                         f" appraisal_id = ? AND record_id IN ({marks(len(part))})",
                         (appraisal_id, *part))
        ctx.conn.execute(f"UPDATE records SET state = 'in_destruction' WHERE id IN"
                         f" ({marks(len(part))})", tuple(part))
    ctx.audit("destruction.register_create", "register", number,
              {"appraisal": row[1], "items": len(snap), "digest": sha256_hex(text),
               "signatories": [list(p) for p in pairs]})
    return rid


def info(conn: Connection, register_id: int) -> RegisterInfo:
    row = conn.execute(
        "SELECT g.id, g.number, g.appraisal_id, g.status, g.legal_basis, g.electronic,"
        " g.prepared_by, g.prepared_at, g.digest, count(i.record_id), coalesce(sum(i.books), 0)"
        " FROM destruction_registers g LEFT JOIN destruction_register_items i"
        " ON i.register_id = g.id WHERE g.id = ? GROUP BY g.id", (register_id,)).fetchone()
    if row is None:
        raise InputError("destruction.unknown_register", register=register_id)
    return RegisterInfo(int(row[0]), row[1], int(row[2]), row[3], row[4], bool(row[5]),
                        row[6], row[7], row[8], int(row[9]), int(row[10]))


def sign_register(ctx: Ctx, register_id: int, slot: str, signer: Signer, decision: str,
                  opinion: str) -> str:
    """Record one signatory's opinion; returns the register's status afterwards."""
    if decision not in ("approve", "reject"):
        raise InputError("destruction.bad_opinion", decision=decision)
    text = clean(opinion, "opinion", limit=1000)
    reg = info(ctx.conn, register_id)
    try:
        people.require_distinct(reg.prepared_by, signer.name, "register")
    except PermissionDenied as exc:
        raise refuse(ctx, "register.sign", "register", reg.number, exc) from None
    with ctx.transaction():
        reg = info(ctx.conn, register_id)
        if reg.status != "signing":
            raise InputError("destruction.register_not_signing", number=reg.number,
                             status=reg.status)
        row = ctx.conn.execute("SELECT person, decision FROM destruction_signoffs"
                               " WHERE register_id = ? AND slot = ?",
                               (register_id, slot)).fetchone()
        if row is None:
            raise InputError("destruction.slot_not_on_register", slot=slot, number=reg.number)
        if row[0] != signer.name:
            raise PermissionDenied("destruction.wrong_signatory", slot=slot, person=row[0],
                                   signer=signer.name)
        if row[1] is not None:
            raise InputError("destruction.already_signed", slot=slot, number=reg.number)
        at = stamp(ctx)
        signed = sign_as(ctx.conn, signer, {
            "kind": "register_opinion", "register": reg.number, "digest": reg.digest,
            "slot": slot, "person": signer.name, "decision": decision, "opinion": text,
            "at": at}, SLOT_ROLES[slot])
        seq = ctx.audit("destruction.register_sign", "register", reg.number,
                        {"slot": slot, "decision": decision, "opinion": text},
                        actor=signer.name)
        ctx.conn.execute("UPDATE destruction_signoffs SET decision = ?, opinion = ?,"
                         " signed_at = ?, payload = ?, signature = ?, public_key = ?,"
                         " audit_seq = ? WHERE register_id = ? AND slot = ?",
                         (decision, text, at, signed.payload, signed.signature,
                          signed.public_key, seq, register_id, slot))
        status = "signing"
        if decision == "reject":
            status = "rejected"
            close(ctx, register_id, "rejected", text)
        elif not ctx.conn.execute("SELECT 1 FROM destruction_signoffs WHERE register_id = ?"
                                  " AND decision IS NULL", (register_id,)).fetchone():
            status = "signed"
            ctx.conn.execute("UPDATE destruction_registers SET status = 'signed' WHERE id = ?",
                             (register_id,))
            ctx.audit("destruction.register_signed", "register", reg.number, {})
    return status


def close(ctx: Ctx, register_id: int, status: str, reason: str) -> None:
    """Release every open item (records back to 'active'); call inside a transaction."""
    ids = [int(r[0]) for r in ctx.conn.execute(
        "SELECT record_id FROM destruction_register_items WHERE register_id = ? AND open = 1",
        (register_id,))]
    release(ctx.conn, register_id, ids)
    ctx.conn.execute("UPDATE destruction_registers SET status = ?, closed_at = ?,"
                     " close_reason = ? WHERE id = ?", (status, stamp(ctx), reason, register_id))


def release(conn: Connection, register_id: int, record_ids: Sequence[int]) -> None:
    for part in chunks(list(record_ids)):
        conn.execute("UPDATE destruction_register_items SET open = 0 WHERE register_id = ?"
                     f" AND record_id IN ({marks(len(part))})", (register_id, *part))
        conn.execute("UPDATE records SET state = 'active' WHERE state = 'in_destruction'"
                     f" AND id IN ({marks(len(part))})", tuple(part))


def cancel_register(ctx: Ctx, register_id: int, reason: str) -> None:
    """Withdraw a register not yet in a session; its items return to the catalogue."""
    people.require_role(ctx.actor, "custodian")
    text = clean(reason, "reason")
    with ctx.transaction():
        reg = info(ctx.conn, register_id)
        if reg.status not in ("signing", "signed"):
            raise InputError("destruction.register_not_cancellable", number=reg.number,
                             status=reg.status)
        close(ctx, register_id, "cancelled", text)
        ctx.audit("destruction.register_cancel", "register", reg.number, {"reason": text})


def signatures_valid(conn: Connection, register_id: int) -> bool:
    """Every signature on the register verifies and every configured slot approved."""
    row = conn.execute("SELECT payload, digest, signature, public_key FROM"
                       " destruction_registers WHERE id = ?", (register_id,)).fetchone()
    if row is None or sha256_hex(row[0]) != row[1] or not signature_ok(row[0], row[2], row[3]):
        return False
    signoffs = conn.execute("SELECT decision, payload, signature, public_key FROM"
                            " destruction_signoffs WHERE register_id = ?",
                            (register_id,)).fetchall()
    if not signoffs:
        return False
    for decision, payload, sig, key in signoffs:
        if decision != "approve" or not signature_ok(payload, sig, key) \
                or f'"digest":"{row[1]}"' not in payload:
            return False
    return True


def get(ctx: Ctx, register_id: int) -> RegisterInfo:
    """``info`` as a service (for ``session.call``)."""
    return info(ctx.conn, register_id)
