"""Change control for many records at once: classify a selection, move records into a box.

Issue 4's screens act on a whole selection or query; issue 5 says a controlled field
changes only when a second person accepts. Both hold here: one act of the custodian makes
one batch, in one transaction. Each record gets its own proposal (its own before/after,
base version and, later, its own signature), so a record's history reads the same as for
a single edit; what needs no approval (moving a record without personal information) is
applied at once. An approver then decides the whole batch in one sitting: all-or-nothing,
except that a record changed meanwhile is closed as a conflict and left as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.vault.access import change_values, changes
from confterm.vault.access.decisions import Signer
from confterm.vault.access.model import clean_text, utc_text
from confterm.vault.access.requests import record_refusal
from confterm.vault.audit import canonical_json
from confterm.vault.catalogue.common import chunks, placeholders, require_writer
from confterm.vault.catalogue.record_input import check_room_in
from confterm.vault.session import Ctx

MAX_BATCH = 1_000_000


@dataclass(frozen=True)
class BatchOutcome:
    """What one act did: records changed at once, records waiting for an approver."""

    batch_id: int
    selected: int
    applied: int
    proposed: int
    unchanged: int
    skipped: int = 0  # being or already destroyed: left as they are


@dataclass(frozen=True)
class BatchDecision:
    batch_id: int
    accepted: int
    rejected: int
    conflicts: int


@dataclass(frozen=True)
class Batch:
    id: int
    action: str
    fields: dict[str, Any]
    reason: str
    selected: int
    applied: int
    proposed: int
    proposed_by: str
    proposed_at: str
    pending: int


def _ids(record_ids: Sequence[int]) -> list[int]:
    ids = sorted({int(r) for r in record_ids})
    if not ids:
        raise InputError("records.nothing_selected")
    if len(ids) > MAX_BATCH:
        raise InputError("records.batch_too_large", maximum=MAX_BATCH)
    return ids


def propose_many(ctx: Ctx, action: str, record_ids: Sequence[int],
                 fields: Mapping[str, Any], reason: str,
                 precheck: Callable[[Ctx, list[int]], None] | None = None) -> BatchOutcome:
    """Give every record ``fields``: applied now where uncontrolled, proposed otherwise.
    ``precheck`` runs first in the same transaction, to refuse the whole act at once
    with a message about the whole act (a box too small for the selection)."""
    require_writer(ctx)
    reason = clean_text(reason, "reason")
    ids = _ids(record_ids)
    with ctx.transaction() as conn:
        if precheck is not None:
            precheck(ctx, ids)
        batch_id = _new_batch(ctx, action, fields, reason, len(ids))
        applied = proposed = 0
        active = _active(ctx, ids)  # a whole query may hold destroyed records: skip them
        for record_id in active:
            outcome = changes.edit_within(ctx, record_id, None, fields, reason, batch_id)
            applied += bool(outcome.applied)
            proposed += outcome.proposal_id is not None
        conn.execute("UPDATE record_change_batches SET applied = ?, proposed = ? WHERE id = ?",
                     (applied, proposed, batch_id))
        skipped = len(ids) - len(active)
        unchanged = len(active) - applied - proposed
        if action == "classify":
            _mark_reviewed(ctx, active)
        ctx.audit("record.change.batch", "change_batch", batch_id, {
            "action": action, "fields": dict(fields), "reason": reason, "selected": len(ids),
            "applied": applied, "proposed": proposed, "unchanged": unchanged,
            "skipped": skipped})
    return BatchOutcome(batch_id, len(ids), applied, proposed, unchanged, skipped)


def _active(ctx: Ctx, ids: list[int]) -> list[int]:
    """The records of ``ids`` that exist and are active (InputError for an unknown one)."""
    found: dict[int, str] = {}
    for part in chunks(ids):
        found.update(ctx.conn.execute(
            f"SELECT id, state FROM records WHERE id IN ({placeholders(len(part))})",
            tuple(part)).fetchall())
    missing = next((i for i in ids if i not in found), None)
    if missing is not None:
        raise InputError("records.unknown_record", record=missing)
    return [i for i in ids if found[i] == "active"]


def _new_batch(ctx: Ctx, action: str, fields: Mapping[str, Any], reason: str,
               selected: int) -> int:
    cur = ctx.conn.execute(
        "INSERT INTO record_change_batches(action, fields, reason, selected, applied,"
        " proposed, proposed_by, proposed_at) VALUES (?,?,?,?,0,0,?,?)",
        (action, canonical_json(dict(fields)), reason, selected, ctx.actor.name,
         utc_text(ctx.now())))
    return int(cur.lastrowid or 0)


def _mark_reviewed(ctx: Ctx, ids: list[int]) -> None:
    """Looking at a record's classification and keeping it is a review (issue 4's queue);
    records proposed for a new level are reviewed again when the level is applied."""
    now = utc_text(ctx.now())
    for part in chunks(ids):
        ctx.conn.execute(
            f"UPDATE records SET reviewed_at = ? WHERE id IN ({placeholders(len(part))})"
            " AND state = 'active' AND id NOT IN (SELECT record_id FROM record_changes"
            " WHERE status = 'pending')", (now, *part))


def classify(ctx: Ctx, record_ids: Sequence[int], level: str, reason: str) -> BatchOutcome:
    """Propose ``level`` for each record (the level is always controlled)."""
    if not ctx.conn.execute("SELECT 1 FROM classification_levels WHERE code = ?",
                            (level,)).fetchone():
        raise InputError("records.unknown_level", level=level)
    return propose_many(ctx, "classify", record_ids, {"level": level}, reason)


def move(ctx: Ctx, record_ids: Sequence[int], target_id: int, reason: str) -> BatchOutcome:
    """Put records into a box: at once, except records in restricted processing (with
    personal information), whose move is proposed. The box's capacity is checked for the
    records moved now, and again for each proposal when it is accepted."""
    def room_for_all(ctx: Ctx, ids: list[int]) -> None:
        """Room for every record moving in, those moved now and those proposed, and for
        moves already proposed into this box: a batch that could never be accepted as a
        whole is refused now, while the custodian is still at the shelf."""
        moving = 0
        for part in chunks(ids):
            moving += int(ctx.conn.execute(
                f"SELECT count(*) FROM records WHERE id IN ({placeholders(len(part))})"
                " AND location_id IS NOT ? AND state = 'active'", (*part, target_id)
            ).fetchone()[0])
        waiting = int(ctx.conn.execute(
            "SELECT count(*) FROM record_changes WHERE status = 'pending'"
            " AND json_extract(fields, '$.location_id.after') = ?", (target_id,)).fetchone()[0])
        check_room_in(ctx.conn, int(target_id), moving + waiting)

    return propose_many(ctx, "move", record_ids, {"location_id": int(target_id)}, reason,
                        room_for_all)


_BATCH_COLUMNS = ("b.id, b.action, b.fields, b.reason, b.selected, b.applied, b.proposed,"
                  " b.proposed_by, b.proposed_at, (SELECT count(*) FROM record_changes c"
                  " WHERE c.batch_id = b.id AND c.status = 'pending')")


def get_batch(ctx: Ctx, batch_id: int) -> Batch:
    row = ctx.conn.execute(f"SELECT {_BATCH_COLUMNS} FROM record_change_batches b"
                           " WHERE b.id = ?", (int(batch_id),)).fetchone()
    if row is None:
        raise InputError("access.unknown_batch", batch=batch_id)
    return Batch(int(row[0]), str(row[1]), json.loads(row[2]), *row[3:])


def summary(ctx: Ctx, batch_id: int) -> list[tuple[str, int, bool]]:
    """What the pending proposals of a batch would change, as the approver must see it
    before accepting them all: (the change as a person reads it, how many records, is it
    a lowering of the classification), largest group first."""
    ranks = dict(ctx.conn.execute("SELECT code, rank FROM classification_levels"))
    out = []
    for fields_json, n in ctx.conn.execute(
            "SELECT fields, count(*) FROM record_changes WHERE batch_id = ?"
            " AND status = 'pending' GROUP BY fields ORDER BY count(*) DESC", (batch_id,)):
        fields = json.loads(fields_json)
        level = fields.get("level", {})
        lower = ranks.get(level.get("after"), 0) < ranks.get(level.get("before"), 0)
        out.append((change_values.describe(ctx.conn, fields), int(n), lower))
    return out


def decide_batch(ctx: Ctx, batch_id: int, accept: bool, signer: Signer,
                 note: str = "", expected: int | None = None) -> BatchDecision:
    """Accept or reject every pending proposal of a batch, each signed by the approver
    (never the proposer), in one transaction. ``expected`` is how many the approver was
    shown (:func:`summary`): if that changed, nothing is decided. A record changed since
    it was proposed is closed as a conflict and the rest go on; any other refusal (a box
    would overflow) changes nothing and says why."""
    batch = get_batch(ctx, batch_id)
    pending = _pending_of(ctx, batch.id)
    if not pending:
        raise ConflictError("access.batch_not_pending", batch=batch.id)
    if expected is not None and len(pending) != expected:
        raise ConflictError("access.batch_changed", batch=batch.id, expected=expected,
                            found=len(pending))
    try:
        approver = changes.decider(ctx, pending[0], signer)
    except PermissionDenied as exc:
        record_refusal(ctx, "record.change.decide_refused", "change_batch", batch.id, exc,
                       {"approver": signer.person.name})
        raise
    note = clean_text(note, "note", required=not accept)
    conflicts = 0
    with ctx.transaction():
        for proposal in pending:
            if changes.decide_within(ctx, proposal, signer, accept, note):
                conflicts += 1
        done = len(pending) - conflicts
        decision = BatchDecision(batch.id, done if accept else 0, 0 if accept else done,
                                 conflicts)
        ctx.audit("record.change.batch_decide", "change_batch", batch.id, {
            "outcome": "accept" if accept else "reject", "accepted": decision.accepted,
            "rejected": decision.rejected, "conflicts": conflicts, "note": note,
            "proposer": batch.proposed_by, "approver": approver.name}, actor=approver.name)
    return decision


def _pending_of(ctx: Ctx, batch_id: int) -> list[changes.Proposal]:
    return changes.pending(ctx, MAX_BATCH, batch_id)
