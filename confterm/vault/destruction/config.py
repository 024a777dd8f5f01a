"""Who signs registers and who counts as the IT function, kept in the vault's settings.

The five signatory slots of the destruction register come from 《会计档案管理办法》
(REFERENCE.md §4); a firm configures which slots it uses and who holds each. The IT
supervisor required when electronic records or media are destroyed is named here too, so
the rule "one witness from IT" is checked against a list an administrator set (audited),
not against what a witness claims about themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from confterm.errors import InputError
from confterm.vault import people
from confterm.vault.destruction.common import HEAD_SLOTS, SLOT_ROLES, SLOTS, canonical
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

SIGNATORIES_KEY = "destruction.signatories"
IT_PEOPLE_KEY = "destruction.it_people"


def _get(conn: Connection, key: str) -> object:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def _put(ctx: Ctx, key: str, value: object) -> None:
    ctx.conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                     " DO UPDATE SET value = excluded.value", (key, canonical(value)))


def signatories(conn: Connection) -> list[tuple[str, str]]:
    """The configured (slot, person) pairs in statutory order; [] when not configured."""
    raw = _get(conn, SIGNATORIES_KEY)
    items = raw if isinstance(raw, list) else []
    pairs = [(str(p[0]), str(p[1])) for p in items if isinstance(p, list) and len(p) == 2]
    return sorted(pairs, key=lambda p: SLOTS.index(p[0]) if p[0] in SLOTS else 99)


def check_signatories(conn: Connection, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Validate (slot, person) pairs: known slots once each, active people with the role,
    and at least one head (the heads approve; clerks give their opinion)."""
    seen: set[str] = set()
    out = []
    for slot, name in pairs:
        if slot not in SLOTS:
            raise InputError("destruction.unknown_slot", slot=slot, slots=", ".join(SLOTS))
        if slot in seen:
            raise InputError("destruction.slot_twice", slot=slot)
        seen.add(slot)
        person = people.get(conn, name)
        if person is None or not person.active:
            raise InputError("people.unknown", person=name)
        people.require_role(person, *SLOT_ROLES[slot])
        out.append((slot, person.name))
    if not seen & HEAD_SLOTS:
        raise InputError("destruction.no_head_slot")
    return sorted(out, key=lambda p: SLOTS.index(p[0]))


def set_signatories(ctx: Ctx, pairs: Sequence[tuple[str, str]]) -> None:
    """Administrator only; audited with the old and new lists."""
    people.require_role(ctx.actor, "administrator")
    with ctx.transaction():
        clean = check_signatories(ctx.conn, pairs)
        old = signatories(ctx.conn)
        _put(ctx, SIGNATORIES_KEY, [list(p) for p in clean])
        ctx.audit("destruction.config_signatories", "settings", SIGNATORIES_KEY,
                  {"before": [list(p) for p in old], "after": [list(p) for p in clean]})


def it_people(conn: Connection) -> set[str]:
    raw = _get(conn, IT_PEOPLE_KEY) or []
    return {str(n) for n in raw} if isinstance(raw, list) else set()


def set_it_people(ctx: Ctx, names: Iterable[str]) -> None:
    """Administrator only: the witnesses who supervise for the IT function."""
    people.require_role(ctx.actor, "administrator")
    with ctx.transaction():
        clean = []
        for name in names:
            person = people.get(ctx.conn, name)
            if person is None or not person.active:
                raise InputError("people.unknown", person=name)
            people.require_role(person, "witness")
            clean.append(person.name)
        old = sorted(it_people(ctx.conn))
        _put(ctx, IT_PEOPLE_KEY, sorted(set(clean)))
        ctx.audit("destruction.config_it_people", "settings", IT_PEOPLE_KEY,
                  {"before": old, "after": sorted(set(clean))})
