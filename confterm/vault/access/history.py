"""A record's history: what changed, before and after, who, when, why, who approved.

Read from the audit trail (every change to a record, whichever area made it, is an audit
event on ``record``/id in the same transaction as the change) joined with the proposals of
change control (which say whether a proposal is still pending, accepted or rejected). The
audit trail is the single source, so history cannot disagree with what the auditor sees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from confterm.vault.session import Ctx

TEXT_NOT_KEPT = "…"
"""Shown for free text whose words the audit trail does not keep (notes may name people)."""


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    ts: str
    actor: str
    action: str
    changes: tuple[Change, ...]
    reason: str
    proposed_by: str | None  # for decisions on a proposal
    approved_by: str | None  # who accepted it (None for a direct change)
    change_id: int | None
    status: str | None  # of the proposal, now: pending, accepted, rejected, conflict


def _changes(details: dict[str, Any]) -> tuple[Change, ...]:
    raw = details.get("changes")
    if not isinstance(raw, dict):
        return ()
    out = []
    for field, pair in raw.items():
        if isinstance(pair, dict) and ("before" in pair or "after" in pair):
            out.append(Change(str(field), pair.get("before"), pair.get("after")))
        elif isinstance(pair, dict) and pair.get("changed"):
            # free text (notes): the audit trail says only that it changed
            out.append(Change(str(field), TEXT_NOT_KEPT, TEXT_NOT_KEPT))
    return tuple(out)


def record_history(ctx: Ctx, record_id: int, include_access: bool = False,
                   limit: int = 1000) -> list[HistoryEntry]:
    """Oldest first. Access acts (reveal, loan ...) are in the access register; pass
    ``include_access`` to interleave them."""
    statuses = {int(r[0]): (str(r[1]), r[2]) for r in ctx.conn.execute(
        "SELECT id, status, decided_by FROM record_changes WHERE record_id = ?",
        (int(record_id),))}
    rows = ctx.conn.execute(
        "SELECT seq, ts, actor, action, details FROM audit_events"
        " WHERE object_type = 'record' AND object_id = ? ORDER BY seq LIMIT ?",
        (str(int(record_id)), limit))
    out: list[HistoryEntry] = []
    for seq, ts, actor, action, text in rows:
        if action.startswith("access.") and not include_access:
            continue
        details = json.loads(text)
        change_id = details.get("change") if action.startswith("record.change.") else None
        status, decided_by = statuses.get(int(change_id), (None, None)) \
            if change_id is not None else (None, None)
        approved = str(actor) if action == "record.change.accept" else (
            decided_by if status == "accepted" else None)
        out.append(HistoryEntry(
            int(seq), str(ts), str(actor), str(action), _changes(details),
            str(details.get("reason") or details.get("purpose") or ""),
            details.get("proposer"), approved,
            int(change_id) if change_id is not None else None, status))
    return out

