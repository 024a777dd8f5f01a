"""Legal holds (冻结): litigation, investigation or audit suspends destruction.

A hold names its reason, its owner (who asked for it: a court, the tax bureau, the firm's
counsel), and its scope: a client (every record of it, also those catalogued later), chosen
records, or a saved query (the records matching it, also those catalogued later). Covered
records are written to ``hold_records``; triggers keep ``records.hold_count``, so "is this
record held" is one column, and the schema refuses to let a held record enter destruction.
A hold is released explicitly, by someone, with a reason; it is never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from confterm.errors import ConflictError, InputError
from confterm.vault.catalogue import text_match
from confterm.vault.catalogue.common import (
    chunks,
    clean_text,
    local_today,
    placeholders,
    require_reason,
    require_writer,
    stamp,
)
from confterm.vault.catalogue.filters import Filters, where
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

SCOPES = ("client", "records", "query")


@dataclass(frozen=True)
class Hold:
    id: int
    reason: str
    owner: str
    reference: str
    scope: str
    client_id: int | None
    query: str | None
    started_at: str
    started_by: str
    released_at: str | None
    released_by: str | None
    release_reason: str | None
    records: int  # how many records it covers

    @property
    def active(self) -> bool:
        return self.released_at is None


def match_conditions(conn: Connection, f: Filters, today: date) -> tuple[list[str], list[Any]]:
    """The conditions over ``records r`` selecting what ``f`` selects, search included."""
    conds, params = where(conn, f, today)
    tm = text_match.compile_text(conn, f.text)
    if tm is not None:
        sql, more = text_match.condition(tm)
        conds.append(sql)
        params.extend(more)
    return conds, params


def matching_ids(conn: Connection, f: Filters, today: date,
                 among: Sequence[int] | None = None) -> list[int]:
    """Ids of the records matching ``f`` (optionally only among the given ids)."""
    conds, params = match_conditions(conn, f, today)
    if among is not None:
        out: list[int] = []
        for part in chunks(list(among)):
            sql_conds = [*conds, f"r.id IN ({placeholders(len(part))})"]
            out += [int(r[0]) for r in conn.execute(
                f"SELECT r.id FROM records r WHERE {' AND '.join(sql_conds)}",
                (*params, *part))]
        return out
    where_sql = (" WHERE " + " AND ".join(conds)) if conds else ""
    return [int(r[0]) for r in conn.execute(f"SELECT r.id FROM records r{where_sql}", params)]


def create(ctx: Ctx, reason: str, owner: str, scope: str, *, client_id: int | None = None,
           record_ids: Sequence[int] = (), filters: Filters | None = None,
           query_id: int | None = None, reference: str = "") -> int:
    """Start a hold; returns its id. Audited with its scope and how many records it covers."""
    require_writer(ctx)
    reason, owner = require_reason(reason), clean_text(owner, "owner", required=True)
    reference = clean_text(reference, "reference")
    if scope not in SCOPES:
        raise InputError("records.bad_hold_scope", scope=scope, scopes=", ".join(SCOPES))
    with ctx.transaction() as conn:
        query_text = None
        if scope == "query":
            if query_id is not None:
                row = conn.execute("SELECT filters FROM saved_queries WHERE id = ?",
                                   (query_id,)).fetchone()
                if row is None:
                    raise InputError("records.unknown_saved_query", query=query_id)
                filters = Filters.from_json(row[0])
            if filters is None or filters.empty:
                raise InputError("records.hold_query_empty")
            query_text = filters.to_json()
        ids = _scope_ids(conn, scope, client_id, record_ids, filters, local_today(ctx))
        cur = conn.execute(
            "INSERT INTO holds(reason, owner, reference, scope, client_id, query_id, query,"
            " started_at, started_by) VALUES (?,?,?,?,?,?,?,?,?)",
            (reason, owner, reference, scope, client_id if scope == "client" else None,
             query_id if scope == "query" else None, query_text, stamp(ctx), ctx.actor.name))
        hold_id = int(cur.lastrowid or 0)
        conn.executemany("INSERT OR IGNORE INTO hold_records(hold_id, record_id) VALUES (?, ?)",
                         [(hold_id, r) for r in ids])
        ctx.audit("hold.create", "hold", hold_id, {
            "reason": reason, "owner": owner, "reference": reference, "scope": scope,
            "client_id": client_id, "query_id": query_id if scope == "query" else None,
            "query": filters.for_audit(ctx) if scope == "query" and filters else None,
            "records": len(ids),
            "record_ids": ids if len(ids) <= 1000 else None})
        return hold_id


def _scope_ids(conn: Connection, scope: str, client_id: int | None,
               record_ids: Sequence[int], filters: Filters | None, today: date) -> list[int]:
    if scope == "client":
        if client_id is None or not conn.execute("SELECT 1 FROM clients WHERE id = ?",
                                                 (client_id,)).fetchone():
            raise InputError("records.unknown_client", client=client_id)
        return [int(r[0]) for r in conn.execute(
            "SELECT id FROM records WHERE client_id = ?", (client_id,))]
    if scope == "records":
        ids = sorted({int(r) for r in record_ids})
        if not ids:
            raise InputError("records.hold_no_records")
        found = set(matching_ids(conn, Filters(), today, ids))
        missing = [r for r in ids if r not in found]
        if missing:
            raise InputError("records.unknown_record", record=missing[0])
        return ids
    assert filters is not None
    return matching_ids(conn, filters, today)


def release(ctx: Ctx, hold_id: int, reason: str) -> None:
    """End a hold (by whom, why); its records become eligible again if nothing else holds."""
    require_writer(ctx)
    reason = require_reason(reason)
    with ctx.transaction() as conn:
        hold = get(conn, hold_id)
        if not hold.active:
            raise ConflictError("records.hold_already_released")
        conn.execute("UPDATE holds SET released_at = ?, released_by = ?, release_reason = ?"
                     " WHERE id = ?", (stamp(ctx), ctx.actor.name, reason, hold_id))
        ctx.audit("hold.release", "hold", hold_id, {
            "reason": reason, "hold_reason": hold.reason, "owner": hold.owner,
            "records": hold.records})


_SELECT = ("SELECT h.id, h.reason, h.owner, h.reference, h.scope, h.client_id, h.query,"
           " h.started_at, h.started_by, h.released_at, h.released_by, h.release_reason,"
           " (SELECT count(*) FROM hold_records hr WHERE hr.hold_id = h.id) FROM holds h")


def get(conn: Connection, hold_id: int) -> Hold:
    row = conn.execute(f"{_SELECT} WHERE h.id = ?", (hold_id,)).fetchone()
    if row is None:
        raise InputError("records.unknown_hold", hold=hold_id)
    return Hold(*row)


def list_holds(conn: Connection, active_only: bool = False) -> list[Hold]:
    cond = " WHERE h.released_at IS NULL" if active_only else ""
    return [Hold(*r) for r in conn.execute(f"{_SELECT}{cond} ORDER BY h.id DESC")]


def of_record(conn: Connection, record_id: int, active_only: bool = True) -> list[Hold]:
    cond = " AND h.released_at IS NULL" if active_only else ""
    return [Hold(*r) for r in conn.execute(
        f"{_SELECT} WHERE h.id IN (SELECT hold_id FROM hold_records WHERE record_id = ?)"
        f"{cond} ORDER BY h.id", (record_id,))]


def is_held(conn: Connection, record_id: int) -> bool:
    """The fast path: one maintained column."""
    row = conn.execute("SELECT hold_count FROM records WHERE id = ?", (record_id,)).fetchone()
    return bool(row and row[0] > 0)


def cover_new_records(conn: Connection, record_ids: Sequence[int], today: date) -> int:
    """Add records just catalogued (or changed) to the active query holds they match.

    Client holds are extended by a trigger; query holds need the query, so the services
    call this in the transaction that creates or changes records.
    """
    added = 0
    for hold_id, query in conn.execute(
            "SELECT id, query FROM holds WHERE scope = 'query' AND released_at IS NULL"
            ).fetchall():
        ids = matching_ids(conn, Filters.from_json(query), today, record_ids)
        if ids:
            cur = conn.executemany("INSERT OR IGNORE INTO hold_records(hold_id, record_id)"
                                   " VALUES (?, ?)", [(hold_id, r) for r in ids])
            added += max(cur.rowcount, 0)
    return added


def cover_range(conn: Connection, first_id: int, last_id: int, today: date) -> int:
    """Like :func:`cover_new_records` for a block of new ids (an import), in SQL."""
    added = 0
    for hold_id, query in conn.execute(
            "SELECT id, query FROM holds WHERE scope = 'query' AND released_at IS NULL"
            ).fetchall():
        conds, params = match_conditions(conn, Filters.from_json(query), today)
        conds.append("r.id BETWEEN ? AND ?")
        cur = conn.execute("INSERT OR IGNORE INTO hold_records(hold_id, record_id)"
                           f" SELECT ?, r.id FROM records r WHERE {' AND '.join(conds)}",
                           (hold_id, *params, first_id, last_id))
        added += max(cur.rowcount, 0)
    return added


# ---- saved queries -------------------------------------------------------------------------


def save_query(ctx: Ctx, name: str, filters: Filters) -> int:
    """Name a browser query so it can be reused (and held); audited."""
    require_writer(ctx)
    name = clean_text(name, "name", required=True)
    if filters.empty:
        raise InputError("records.hold_query_empty")
    with ctx.transaction() as conn:
        if conn.execute("SELECT 1 FROM saved_queries WHERE name = ?", (name,)).fetchone():
            raise ConflictError("records.duplicate_query_name", name=name)
        cur = conn.execute("INSERT INTO saved_queries(name, filters, created_by, created_at)"
                           " VALUES (?, ?, ?, ?)", (name, filters.to_json(), ctx.actor.name,
                                                    stamp(ctx)))
        query_id = int(cur.lastrowid or 0)
        ctx.audit("query.save", "saved_query", query_id,
                  {"name": name, "filters": filters.for_audit(ctx)})
        return query_id


def saved_queries(conn: Connection) -> list[tuple[int, str, Filters]]:
    return [(int(r[0]), str(r[1]), Filters.from_json(r[2])) for r in conn.execute(
        "SELECT id, name, filters FROM saved_queries ORDER BY name")]
