"""Small helpers every catalogue service shares: clocks, roles, versions, diffs, errors.

Kept in one place so that each service reads as its rule ("who may", "what changes", "what
is audited") and the mechanics (optimistic versions, before/after diffs, turning a
trigger's refusal into a sentence) behave the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlcipher3

from confterm.errors import ConflictError, InputError
from confterm.i18n import t
from confterm.vault import people
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

NO_END = "9999-12-31"
"""records.retention_end when the period has no end (permanent / asset not scrapped)."""

WRITERS = ("custodian", "administrator")
"""Who may catalogue, classify, move and hold records."""

MAX_TEXT = 500
MAX_NOTES = 4000

# Messages of the schema's RAISE(ABORT, ...) guards, and what a person reads instead.
_TRIGGER_KEYS = {
    "confterm:location_full": "records.box_full_generic",
    "confterm:record_on_hold": "records.on_hold",
    "confterm:record_unresolved": "records.unresolved_blocks",
    "confterm:hold_already_released": "records.hold_already_released",
}


def stamp(ctx: Ctx) -> str:
    """A moment as UTC text (the format of audit_events.ts), from the session's clock."""
    return ctx.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_today(ctx: Ctx) -> date:
    """Today as a local calendar day: retention ends on a day of the custodian's calendar."""
    return ctx.now().astimezone().date()


def require_writer(ctx: Ctx) -> None:
    people.require_role(ctx.actor, *WRITERS)


def require_admin(ctx: Ctx) -> None:
    people.require_role(ctx.actor, "administrator")


def clean_text(value: object, field: str, *, required: bool = False,
               limit: int = MAX_TEXT) -> str:
    """Whitespace-trimmed text; InputError naming ``field`` when empty or too long."""
    raw = "" if value is None else str(value)
    # One-line fields collapse inner whitespace; long fields (notes) keep their lines.
    text = " ".join(raw.split()) if limit <= MAX_TEXT else raw.strip()
    if required and not text:
        raise InputError("records.field_required", field=label(field))
    if len(text) > limit:
        raise InputError("records.field_too_long", field=label(field), maximum=limit)
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InputError("records.field_control_char", field=label(field))
    return text


def label(field: str) -> str:
    """A field's name as a person reads it (records.field.<name>), for messages."""
    return t(f"records.field.{field}")


def require_reason(reason: str) -> str:
    return clean_text(reason, "reason", required=True)


def check_version(found: int, expected: int | None, what: str, ident: object) -> None:
    """Optimistic concurrency: refuse an edit based on a version someone else replaced."""
    if expected is not None and int(found) != int(expected):
        raise ConflictError("records.changed_meanwhile", what=t(f"records.what.{what}"),
                            ident=ident)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"before": old, "after": new}} for the fields that really change."""
    return {k: {"before": before.get(k), "after": v} for k, v in after.items()
            if before.get(k) != v}


@contextmanager
def sql_errors() -> Iterator[None]:
    """Turn a schema guard's RAISE into a ConflictError a person can read."""
    try:
        yield
    except sqlcipher3.DatabaseError as exc:
        _reraise(exc)
        raise


def _reraise(exc: Exception) -> None:
    text = str(exc)
    for marker, key in _TRIGGER_KEYS.items():
        if marker in text:
            raise ConflictError(key) from exc


def chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def placeholders(n: int) -> str:
    return ",".join("?" * n)


def one_value(conn: Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    row = conn.execute(sql, tuple(params)).fetchone()
    return None if row is None else row[0]


def setting(conn: Connection, key: str, default: str) -> str:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def state_key(conn: Connection) -> tuple[int, str, int]:
    """Identifies a connection's data as of now, for small caches of derived facts: the
    connection (its object and file: ids are reused after a close) and how many changes it
    has made. Any write of this connection gives a new key."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return id(conn), str(row[2]) if row else "", conn.total_changes
