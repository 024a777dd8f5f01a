"""Electronic media sanitised or destroyed in a session (NIST SP 800-88 certificate).

Each medium (USB disk, CD, hard disk) gets the certificate's fields (REFERENCE.md §5): who
performed the sanitisation, the medium, the method and technique, how it was verified and
where the medium goes. The recording person signs the block; a second person, who is not
the performer, validates it by proving presence and signing. A session cannot complete
while a medium is not validated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from confterm.errors import InputError, PermissionDenied
from confterm.vault import people
from confterm.vault.destruction import sessions
from confterm.vault.destruction.common import (
    Signer,
    clean,
    refuse,
    sign_as,
    sign_as_actor,
    stamp,
)
from confterm.vault.session import Ctx

REQUIRED = ("performer_name", "serial", "media_type", "technique")
OPTIONAL = ("performer_title", "performer_org", "performer_location", "performer_phone",
            "make", "model", "property_no", "source", "classification", "backup_location",
            "tool", "post_classification", "notes", "destination_detail")
CHOICES = {"backed_up": ("yes", "no", "unknown"), "method": ("clear", "purge", "destroy"),
           "verification": ("full", "sampled"),
           "destination": ("reuse", "recycling", "manufacturer", "other")}
FIELDS = (*REQUIRED, *OPTIONAL, *CHOICES)
VALIDATOR_ROLES = ("witness", "approver")


@dataclass(frozen=True)
class Medium:
    id: int
    values: dict[str, str]
    recorded_by: str
    validator: str | None
    validated_at: str | None


def clean_fields(data: Mapping[str, object]) -> dict[str, str]:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise InputError("destruction.media_unknown_field", field=sorted(unknown)[0])
    out = {f: clean(data.get(f), f) for f in REQUIRED}
    out.update({f: clean(data.get(f), f, required=False) for f in OPTIONAL})
    for name, choices in CHOICES.items():
        value = str(data.get(name) or "").strip().lower()
        if value not in choices:
            raise InputError("destruction.media_bad_choice", field=name, value=value[:40],
                             choices=", ".join(choices))
        out[name] = value
    return out


def record_medium(ctx: Ctx, session_id: int, data: Mapping[str, object]) -> int:
    """Add a medium's block to an open or paused session; marks the session electronic."""
    people.require_role(ctx.actor, "custodian")
    values = clean_fields(data)
    with ctx.transaction():
        session = sessions.info(ctx.conn, session_id)
        if session.status not in ("open", "paused"):
            raise InputError("destruction.session_state", number=session.number,
                             status=session.status)
        at = stamp(ctx)
        payload = {"kind": "media_sanitization", "session": session.number, **values,
                   "recorded_by": ctx.actor.name, "recorded_at": at}
        signed = sign_as_actor(ctx, payload)
        own = values["performer_name"] == ctx.actor.name
        cols = ", ".join(values)
        cur = ctx.conn.execute(
            f"INSERT INTO destruction_media(session_id, {cols}, recorded_by, recorded_at,"
            " payload, performer_signature, performer_key) VALUES"
            f" (?, {', '.join('?' * len(values))}, ?, ?, ?, ?, ?)",
            (session_id, *values.values(), ctx.actor.name, at, signed.payload,
             signed.signature if own else None, signed.public_key if own else None))
        if not session.electronic:
            ctx.conn.execute("UPDATE destruction_sessions SET electronic = 1 WHERE id = ?",
                             (session_id,))
        mid = int(cur.lastrowid or 0)
        ctx.audit("destruction.media_record", "session", session.number,
                  {"medium": mid, "serial": values["serial"], "method": values["method"]})
    return mid


def validate_medium(ctx: Ctx, medium_id: int, signer: Signer, title: str = "",
                    org: str = "") -> None:
    """A second person (not the performer, not the recorder) validates the block."""
    row = ctx.conn.execute("SELECT session_id, performer_name, recorded_by, payload, validator"
                           " FROM destruction_media WHERE id = ?", (medium_id,)).fetchone()
    if row is None:
        raise InputError("destruction.unknown_medium", medium=medium_id)
    if signer.name in (row[1], row[2]):
        raise refuse(ctx, "media.validate", "medium", medium_id,
                     PermissionDenied("destruction.validator_is_performer",
                                      person=signer.name))
    if row[4] is not None:
        raise InputError("destruction.media_already_validated", medium=medium_id)
    with ctx.transaction():
        at = stamp(ctx)
        signed = sign_as(ctx.conn, signer, {
            "kind": "media_validation", "medium": medium_id, "payload": row[3],
            "validator": signer.name, "title": clean(title, "title", required=False),
            "org": clean(org, "org", required=False), "at": at}, VALIDATOR_ROLES)
        ctx.conn.execute("UPDATE destruction_media SET validator = ?, validator_title = ?,"
                         " validator_org = ?, validated_at = ?, validator_signature = ?,"
                         " validator_key = ? WHERE id = ?",
                         (signer.name, title, org, at, signed.signature, signed.public_key,
                          medium_id))
        ctx.audit("destruction.media_validate", "medium", medium_id, {},
                  actor=signer.name)


def media_of(ctx: Ctx, session_id: int) -> list[Medium]:
    cols = ", ".join(FIELDS)
    rows = ctx.conn.execute(f"SELECT id, {cols}, recorded_by, validator, validated_at FROM"
                            " destruction_media WHERE session_id = ? ORDER BY id",
                            (session_id,)).fetchall()
    n = len(FIELDS)
    return [Medium(int(r[0]), dict(zip(FIELDS, r[1:n + 1], strict=True)), r[n + 1], r[n + 2],
                   r[n + 3]) for r in rows]
