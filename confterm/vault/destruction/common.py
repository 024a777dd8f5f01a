"""Helpers the destruction services share: numbers, clocks, refusals and signatures.

Signatures made by a person who proved presence (a ``Presence``) are verified here against
the public key the vault holds for that person, so a service never trusts an object that
merely claims to be a presence: only the holder of the person's key can produce a
signature that passes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from confterm.errors import AuthError, ConftermError
from confterm.vault import audit, keys, people
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

SLOTS = ("head_of_unit", "head_of_archives", "head_of_accounting", "archives_clerk",
         "accounting_clerk")
HEAD_SLOTS = frozenset(SLOTS[:3])
"""The heads approve the register; they must hold the approver role."""
SLOT_ROLES = {slot: ("approver",) if slot in HEAD_SLOTS else ("custodian", "approver")
              for slot in SLOTS}
EXECUTOR_ROLES = ("custodian",)
WITNESS_ROLE = "witness"
MAX_TEXT = 500


class Signer(Protocol):
    """What a step-up dialog hands back (confterm.vault.presence.Presence)."""

    @property
    def name(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


def stamp(ctx: Ctx) -> str:
    return ctx.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_today(ctx: Ctx) -> date:
    """Retention ends on a day of the custodian's calendar, as the catalogue counts it."""
    return ctx.now().astimezone().date()


def canonical(data: object) -> str:
    return audit.canonical_json(data)


def sha256_hex(text: str | bytes) -> str:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(raw).hexdigest()


def next_number(conn: Connection, table: str, prefix: str, year: int) -> str:
    """'XH-2026-007': per-year sequence of issued numbers in ``table``."""
    head = f"{prefix}-{year}-"
    row = conn.execute(f"SELECT max(CAST(substr(number, ?) AS INTEGER)) FROM {table}"
                       " WHERE number LIKE ?", (len(head) + 1, head + "%")).fetchone()
    return f"{head}{int(row[0] or 0) + 1:03d}"


def clean(value: object, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    from confterm.errors import InputError

    text = " ".join(str(value or "").split())
    if required and not text:
        raise InputError("destruction.field_required", field=field)
    if len(text) > limit:
        raise InputError("destruction.field_too_long", field=field, maximum=limit)
    return text


def refuse(ctx: Ctx, attempt: str, object_type: str, object_id: object,
           error: ConftermError) -> ConftermError:
    """Audit a refused attempt in its own transaction and return the error to raise.

    Must be called outside any open transaction (the attempt's own changes are rolled back
    first, so only the refusal remains on record).
    """
    details: dict[str, object] = {"attempt": attempt, "reason": error.key}
    details.update({k: v if isinstance(v, int | str) else str(v)
                    for k, v in error.params.items()})
    with ctx.transaction():
        ctx.audit("destruction.refused", object_type, object_id, details)
    return error


@dataclass(frozen=True)
class Signed:
    person: str
    payload: str
    signature: bytes
    public_key: bytes


def sign_as(conn: Connection, signer: Signer, payload: Mapping[str, object],
            roles: Sequence[str]) -> Signed:
    """Have ``signer`` sign ``payload``; verify it with the vault's key for that person."""
    person = people.get(conn, signer.name)
    if person is None or not person.active:
        raise AuthError("auth.unknown_person", person=signer.name)
    people.require_role(person, *roles)
    text = canonical(payload)
    signature = signer.sign(text.encode("utf-8"))
    if not keys.verify_signature(person.public_key, signature, text.encode("utf-8")):
        raise AuthError("destruction.bad_signature", person=signer.name)
    return Signed(person.name, text, signature, person.public_key)


def sign_as_actor(ctx: Ctx, payload: Mapping[str, object]) -> Signed:
    text = canonical(payload)
    return Signed(ctx.actor.name, text, ctx.sign(text.encode("utf-8")), ctx.actor.public_key)


def signature_ok(payload: str | None, signature: bytes | None, public_key: bytes | None) -> bool:
    if payload is None or signature is None or public_key is None:
        return False
    return keys.verify_signature(bytes(public_key), bytes(signature), payload.encode("utf-8"))


def chunks(items: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def marks(n: int) -> str:
    return ",".join("?" * n)


def table_exists(conn: Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view')"
                        " AND name = ?", (name,)).fetchone() is not None


def distinct_names(signers: Iterable[Signer]) -> list[str]:
    out: list[str] = []
    for s in signers:
        if s.name not in out:
            out.append(s.name)
    return out
