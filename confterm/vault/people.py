"""People and roles, and the duties that must stay separate.

Roles: custodian (保管员), approver (审批人), witness (监销人), auditor (审计员), administrator.
One person may hold several, but the registrant of a request never approves it, the
executor of a destruction never witnesses it, and the preparer of a register never
approves it: ``require_distinct`` is the single place those rules are enforced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from confterm.errors import InputError, PermissionDenied
from confterm.vault.store import Connection

ROLES = ("custodian", "approver", "witness", "auditor", "administrator")
MAX_NAME = 64


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    roles: frozenset[str]
    public_key: bytes
    lang: str | None
    created_at: str
    disabled_at: str | None

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def active(self) -> bool:
        return self.disabled_at is None


def parse_roles(text: str | list[str] | tuple[str, ...]) -> frozenset[str]:
    items = text.split(",") if isinstance(text, str) else list(text)
    roles = frozenset(r.strip().lower() for r in items if r.strip())
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise InputError("people.unknown_role", role=unknown[0], roles=", ".join(ROLES))
    if not roles:
        raise InputError("people.no_role", roles=", ".join(ROLES))
    return roles


def check_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise InputError("people.empty_name")
    if len(clean) > MAX_NAME or any(ord(c) < 32 for c in clean):
        raise InputError("people.bad_name", maximum=MAX_NAME)
    return clean


def _row(row: tuple[Any, ...]) -> Person:
    return Person(int(row[0]), str(row[1]), frozenset(r for r in str(row[2]).split(",") if r),
                  bytes(row[3]), row[4], str(row[5]), row[6])


_COLUMNS = "id, name, roles, public_key, lang, created_at, disabled_at"


def get(conn: Connection, name: str) -> Person | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM people WHERE name = ?", (name,)).fetchone()
    return _row(row) if row else None


def get_by_id(conn: Connection, person_id: int) -> Person | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM people WHERE id = ?", (person_id,)).fetchone()
    return _row(row) if row else None


def list_people(conn: Connection, include_disabled: bool = True) -> list[Person]:
    where = "" if include_disabled else " WHERE disabled_at IS NULL"
    return [_row(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM people{where} ORDER BY id")]


def with_role(conn: Connection, role: str) -> list[Person]:
    return [p for p in list_people(conn, include_disabled=False) if p.has(role)]


def insert(conn: Connection, name: str, roles: frozenset[str], public_key: bytes,
           created_at: str, lang: str | None = None) -> Person:
    conn.execute("INSERT INTO people(name, roles, public_key, lang, created_at)"
                 " VALUES (?,?,?,?,?)", (name, ",".join(sorted(roles)), public_key, lang,
                                         created_at))
    person = get(conn, name)
    assert person is not None
    return person


def require_role(person: Person, *roles: str) -> None:
    """PermissionDenied unless ``person`` holds at least one of ``roles``."""
    if not any(person.has(r) for r in roles):
        raise PermissionDenied("people.role_required", person=person.name,
                               role=" / ".join(roles))


def require_distinct(first: Person | str, second: Person | str, duty: str) -> None:
    """Separation of duties: ``duty`` names the rule (a catalogue key suffix)."""
    a = first.name if isinstance(first, Person) else first
    b = second.name if isinstance(second, Person) else second
    if a == b:
        raise PermissionDenied(f"people.separate_{duty}", person=a)
