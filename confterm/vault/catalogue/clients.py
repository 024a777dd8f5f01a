"""Clients: the deregistered (工商注销) companies whose records the firm keeps.

A client is identified by its unified social credit code (checked at every entry), since a
deregistered company's name may be taken by a new one. Its legal representative and
liquidation-group contact are personal information in restricted processing (PIPL art.
47): every read through :func:`get` is masked, and :func:`reveal` returns them only with a
stated purpose, writing an audit event. Audit events never copy personal information:
a change to those fields is recorded as "changed", not as its old and new values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from confterm.errors import ConflictError, InputError
from confterm.vault.catalogue import search_index
from confterm.vault.catalogue.common import (
    MAX_NOTES,
    check_version,
    clean_text,
    diff,
    require_reason,
    require_writer,
    stamp,
)
from confterm.vault.credit_code import check_credit_code, normalise_credit_code
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

PI_FIELDS = ("legal_representative", "liquidation_contact")
_COLUMN = {"legal_representative": "pi_legal_representative",
           "liquidation_contact": "pi_liquidation_contact"}


@dataclass(frozen=True)
class ClientInput:
    name: str
    credit_code: str
    deregistered_on: date | None = None
    legal_representative: str = ""
    liquidation_contact: str = ""
    custody_agreement: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Client:
    """A client as shown: personal information masked (see :func:`reveal`)."""

    id: int
    name: str
    credit_code: str
    deregistered_on: str | None
    legal_representative: str  # masked
    liquidation_contact: str  # masked
    custody_agreement: str
    notes: str
    record_count: int
    version: int


def mask(text: str) -> str:
    """张三丰 -> 张**; 13812345678 -> 138****5678; a name keeps only its first character."""
    text = text.strip()
    if not text:
        return ""
    digits = sum(ch.isdigit() for ch in text)
    if digits >= 7:
        return text[:3] + "*" * max(len(text) - 7, 1) + text[-4:]
    return text[0] + "*" * max(len(text) - 1, 1)


def valid_code(raw: str) -> str:
    code = normalise_credit_code(raw)
    check_credit_code(code)
    return code


def _clean(data: ClientInput) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": clean_text(data.name, "name", required=True),
        "credit_code": valid_code(data.credit_code),
        "deregistered_on": data.deregistered_on.isoformat() if data.deregistered_on else None,
        "custody_agreement": clean_text(data.custody_agreement, "custody_agreement"),
        "notes": clean_text(data.notes, "notes", limit=MAX_NOTES),
    }
    for name in PI_FIELDS:
        out[_COLUMN[name]] = clean_text(getattr(data, name), name)
    return out


def _audit_view(values: dict[str, Any]) -> dict[str, Any]:
    """What an audit event may say: personal information only as present/absent."""
    return {k: (bool(v) if k.startswith("pi_") else v) for k, v in values.items()}


_SELECT = ("SELECT id, name, credit_code, deregistered_on, pi_legal_representative,"
           " pi_liquidation_contact, custody_agreement, notes, record_count, version"
           " FROM clients")


def _row(r: tuple[Any, ...]) -> Client:
    return Client(r[0], r[1], r[2], r[3], mask(r[4]), mask(r[5]), r[6], r[7], r[8], r[9])


def create(ctx: Ctx, data: ClientInput) -> int:
    """Add a client; ConflictError if its credit code is already in the vault."""
    require_writer(ctx)
    values = _clean(data)
    with ctx.transaction() as conn:
        return insert(ctx, conn, values)


def insert(ctx: Ctx, conn: Connection, values: dict[str, Any], audit: bool = True) -> int:
    """Insert cleaned values (inside the caller's transaction); used by import too."""
    if conn.execute("SELECT 1 FROM clients WHERE credit_code = ?",
                    (values["credit_code"],)).fetchone():
        raise ConflictError("records.duplicate_credit_code", code=values["credit_code"])
    now = stamp(ctx)
    cols = list(values)
    cur = conn.execute(f"INSERT INTO clients({', '.join(cols)}, created_at, updated_at)"
                       f" VALUES ({', '.join('?' * len(cols))}, ?, ?)",
                       (*values.values(), now, now))
    client_id = int(cur.lastrowid or 0)
    if audit:
        ctx.audit("client.create", "client", client_id, _audit_view(values))
    return client_id


def update(ctx: Ctx, client_id: int, expected_version: int | None,
           changes: Mapping[str, Any]) -> Client:
    """Change the given fields (names of ClientInput) only; audited with before/after.

    Personal information is changed by naming its field, without reading it first, and is
    audited as "changed" only.
    """
    require_writer(ctx)
    unknown = set(changes) - {f.name for f in fields(ClientInput)}
    if unknown:
        raise InputError("records.unknown_field", field=sorted(unknown)[0])
    with ctx.transaction() as conn:
        before = _raw(conn, client_id)
        current = {f.name: before[_COLUMN.get(f.name, f.name)] for f in fields(ClientInput)}
        if current["deregistered_on"]:
            current["deregistered_on"] = date.fromisoformat(current["deregistered_on"])
        after = _clean(ClientInput(**{**current, **changes}))
        check_version(before["version"], expected_version, "client", before["credit_code"])
        delta = diff(before, after)
        if not delta:
            return get(conn, client_id)
        if "credit_code" in delta and conn.execute(
                "SELECT 1 FROM clients WHERE credit_code = ? AND id <> ?",
                (after["credit_code"], client_id)).fetchone():
            raise ConflictError("records.duplicate_credit_code", code=after["credit_code"])
        sets = ", ".join(f"{k} = ?" for k in delta)
        conn.execute(f"UPDATE clients SET {sets}, updated_at = ?, version = version + 1"
                     " WHERE id = ?", (*(after[k] for k in delta), stamp(ctx), client_id))
        if "name" in delta or "credit_code" in delta:
            search_index.reindex_client(conn, client_id)
        shown = {k: ({"changed": True} if k.startswith("pi_") else v)
                 for k, v in delta.items()}
        ctx.audit("client.update", "client", client_id,
                  {"credit_code": after["credit_code"], "changes": shown})
        return get(conn, client_id)


def _raw(conn: Connection, client_id: int) -> dict[str, Any]:
    cols = ["name", "credit_code", "deregistered_on", "custody_agreement", "notes",
            "pi_legal_representative", "pi_liquidation_contact", "version"]
    row = conn.execute(f"SELECT {', '.join(cols)} FROM clients WHERE id = ?",
                       (client_id,)).fetchone()
    if row is None:
        raise InputError("records.unknown_client", client=client_id)
    return dict(zip(cols, row, strict=True))


def get(conn: Connection, client_id: int) -> Client:
    row = conn.execute(f"{_SELECT} WHERE id = ?", (client_id,)).fetchone()
    if row is None:
        raise InputError("records.unknown_client", client=client_id)
    return _row(row)


def by_code(conn: Connection, raw_code: str) -> Client | None:
    code = normalise_credit_code(raw_code)
    row = conn.execute(f"{_SELECT} WHERE credit_code = ?", (code,)).fetchone()
    return _row(row) if row else None


def page(conn: Connection, after: tuple[str, int] | None = None, n: int = 50,
         text: str | None = None) -> list[Client]:
    """Clients by name (keyset on name, id); ``text`` filters by name or code substring."""
    conds: list[str] = []
    params: list[object] = []
    if after is not None:
        conds.append("(name, id) > (?, ?)")
        params.extend(after)
    if text and text.strip():
        like = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        conds.append("(name LIKE ? ESCAPE '\\' OR credit_code LIKE ? ESCAPE '\\')")
        params.extend([like, like.upper()])
    where_sql = (" WHERE " + " AND ".join(conds)) if conds else ""
    rows = conn.execute(f"{_SELECT}{where_sql} ORDER BY name, id LIMIT ?", (*params, n))
    return [_row(r) for r in rows]


def reveal(ctx: Ctx, client_id: int, purpose: str) -> dict[str, str]:
    """The unmasked personal information of a client, for a stated purpose; audited."""
    purpose = require_reason(purpose)
    with ctx.transaction() as conn:
        raw = _raw(conn, client_id)
        ctx.audit("client.reveal", "client", client_id,
                  {"credit_code": raw["credit_code"], "purpose": purpose,
                   "fields": list(PI_FIELDS)})
    return {name: str(raw[_COLUMN[name]]) for name in PI_FIELDS}
