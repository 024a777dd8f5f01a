"""A second person's signature on a catalogue act, made at the terminal.

Some acts outside change control's per-record proposals still need a second person, e.g.
moving a whole box that holds records in restricted processing. The approver proves
presence (``confterm.vault.presence``) and signs what is being done; the checks that they
are enrolled, active, an approver and not the person acting live here, so no screen or
script can leave one out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from confterm.errors import ConflictError, PermissionDenied
from confterm.vault import keys, people
from confterm.vault.audit import canonical_json
from confterm.vault.session import Ctx

if TYPE_CHECKING:
    from confterm.vault.access.decisions import Signer


def countersign(ctx: Ctx, approver: Signer, statement: dict[str, Any]) -> dict[str, Any]:
    """Sign ``statement`` as ``approver``; returns what the audit event should keep."""
    person = people.get(ctx.conn, approver.person.name)
    if person is None or not person.active:
        raise PermissionDenied("people.unknown", person=approver.person.name)
    people.require_role(person, "approver")
    people.require_distinct(ctx.actor.name, person, "change")
    payload = canonical_json({**statement, "vault": ctx.session.vault_id,
                              "approver": person.name}).encode("utf-8")
    signature = approver.sign(payload)
    if not keys.verify_signature(person.public_key, signature, payload):
        raise ConflictError("presence.key_mismatch", person=person.name)
    return {"approver": person.name, "key": keys.fingerprint(person.public_key),
            "signature": signature.hex()}
