"""Step-up presence: a second person proves they are at the terminal, and can sign.

Approvals, witnessing and sign-offs need a person other than the one who unlocked the vault
(separation of duties). They type their own passphrase; it opens their keyslot, which
yields their Ed25519 signing seed. The returned ``Presence`` can sign bytes as that person
until it is disposed of, which wipes the seed. The checks (enrolled, active, holds the role,
not the unlocked person when the duty is separate) live here, not in the dialog, so no
screen can forget one.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from confterm.errors import AuthError, ConflictError
from confterm.vault import keys, lifecycle, people
from confterm.vault.people import Person
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx, VaultSession


class Presence:
    """A verified person at the terminal; ``sign`` works until ``dispose``."""

    def __init__(self, person: Person, seed: bytearray) -> None:
        self.person = person
        self._seed: bytearray | None = seed

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def public_key(self) -> bytes:
        return self.person.public_key

    @property
    def active(self) -> bool:
        return self._seed is not None

    def sign(self, message: bytes) -> bytes:
        if self._seed is None:
            raise ConflictError("presence.disposed", person=self.person.name)
        return keys.sign(self._seed, message)

    def dispose(self) -> None:
        """Wipe the signing seed; call as soon as the signature(s) are made."""
        if self._seed is not None:
            wipe(self._seed)
            self._seed = None

    def __enter__(self) -> Presence:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    def __del__(self) -> None:
        self.dispose()


def _roles(role: str | Iterable[str]) -> tuple[str, ...]:
    return (role,) if isinstance(role, str) else tuple(role)


def eligible(session: VaultSession, role: str | Iterable[str],
             separate_duty: str | None) -> list[Person]:
    """People who may step up: active, holding a role, and not the unlocked person when
    ``separate_duty`` names a duty that must be separate (e.g. ``"destruction"``)."""
    wanted = _roles(role)
    everyone = session.call(lambda ctx: people.list_people(ctx.conn, include_disabled=False))
    return [p for p in everyone if any(p.has(r) for r in wanted)
            and not (separate_duty and p.name == session.person.name)]


def verify(session: VaultSession, name: str, passphrase: bytearray,
           role: str | Iterable[str], separate_duty: str | None) -> Presence:
    """Check ``name`` may act, then their passphrase (slow: Argon2id; run off the UI thread).

    The caller keeps and wipes ``passphrase``. Refusals: AuthError for an unknown or
    disabled person, a wrong passphrase or back-off; PermissionDenied for a missing role or
    the unlocked person stepping up for a separate duty.
    """
    person = session.call(lambda ctx: people.get(ctx.conn, name))
    if person is None or not person.active:
        raise AuthError("auth.unknown_person", person=name)
    people.require_role(person, *_roles(role))
    if separate_duty:
        people.require_distinct(session.person, person, separate_duty)
    try:
        seed = lifecycle.verify_person_secret(session, name, passphrase)
    except AuthError as exc:
        session.call(_record_failure, name, _roles(role), exc.key)
        raise
    if not hmac.compare_digest(keys.public_key_of(seed), person.public_key):
        wipe(seed)
        raise ConflictError("presence.key_mismatch", person=name)
    return Presence(person, seed)


def _record_failure(ctx: Ctx, name: str, roles: tuple[str, ...], reason: str) -> None:
    """A wrong passphrase at a step-up is a fact an auditor wants to see (someone tried to
    approve or witness as another person); the unlocked person is the event's actor."""
    with ctx.transaction():
        ctx.audit("presence.failed", "person", name, {"roles": list(roles), "refused": reason})
