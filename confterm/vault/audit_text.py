"""Free text an audit event must identify without keeping: a keyed digest.

A search typed into the browser may be a person's name or part of a record's title. The
audit trail can never forget (it is hash-chained), while destruction must make a record's
content unrecoverable. So events that name a query (an export, a hold by query) keep a
digest of its text instead. It is keyed with a subkey of the vault's data key: someone
holding only the trail (a printed audit report) cannot try short Chinese names against it,
while someone with the vault can still confirm that two events used the same search.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from confterm.vault import keys
from confterm.vault.secrets import wipe

if TYPE_CHECKING:
    from confterm.vault.session import Ctx

PURPOSE = b"audit-text-digest"


def text_digest(ctx: Ctx, text: str) -> dict[str, object]:
    """What the audit trail keeps of ``text``: its keyed digest and its length."""
    dek = ctx.session.data_key_copy()
    try:
        key = keys.subkey(dek, PURPOSE)
    finally:
        wipe(dek)
    try:
        mac = hmac.new(bytes(key), text.encode("utf-8"), hashlib.sha256).hexdigest()
    finally:
        wipe(key)
    return {"hmac_sha256": mac, "chars": len(text)}
