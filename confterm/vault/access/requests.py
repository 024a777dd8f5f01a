"""Registering an access request: who asks, why, under what law, for which records.

The law (会计档案管理办法 art. 13; PIPL art. 47 for a deregistered client's personal
information) wants every consultation, copy and loan registered with a lawful purpose, so a
request without purpose, legal basis or records is refused here, not only in a form. The
requester's ID number is kept for the file but only its masked form is ever read back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from confterm.errors import ConflictError, InputError
from confterm.vault import people
from confterm.vault.access import records_view
from confterm.vault.access.model import (
    ID_DOC_TYPES,
    KINDS,
    MAX_RECORDS,
    RELATIONS,
    REQUEST_COLUMNS,
    Request,
    RequestDraft,
    clean_text,
    local_day,
    mask_id_number,
    parse_day,
    utc_text,
)
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@contextmanager
def within_transaction(ctx: Ctx) -> Iterator[None]:
    """Join the caller's transaction if one is open, else open one: a service called from
    inside another service's transaction must not try to BEGIN again."""
    if ctx.conn.in_transaction:
        yield
    else:
        with ctx.transaction():
            yield


def record_refusal(ctx: Ctx, action: str, object_type: str, object_id: object,
                   error: Exception, details: dict[str, object] | None = None) -> None:
    """Audit a refused attempt that matters (separation of duties, use without a covering
    request, a loan returned twice). Committed at once when no transaction is open, so the
    refusal stays on record although the act itself did not happen."""
    key = getattr(error, "key", type(error).__name__)
    with within_transaction(ctx):
        ctx.audit(action, object_type, object_id, {"refused": key, **(details or {})})


def check_resident_id(number: str) -> None:
    """GB 11643 check character of an 18-character resident identity number."""
    text = number.strip().upper()
    if len(text) != 18 or not text[:17].isdigit() or text[17] not in "0123456789X":
        raise InputError("access.bad_resident_id", length=len(text))
    total = sum(int(c) * w for c, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != text[17]:
        raise InputError("access.resident_id_checksum")


def _validated(draft: RequestDraft) -> dict[str, Any]:
    if draft.kind not in KINDS:
        raise InputError("access.bad_kind", kind=draft.kind, kinds=", ".join(KINDS))
    if draft.relation not in RELATIONS:
        raise InputError("access.bad_relation", relation=draft.relation,
                         relations=", ".join(RELATIONS))
    if draft.id_doc_type not in ID_DOC_TYPES:
        raise InputError("access.bad_id_doc_type", doc_type=draft.id_doc_type,
                         types=", ".join(ID_DOC_TYPES))
    if not (draft.purpose or "").strip():
        raise InputError("access.no_purpose")
    if not (draft.legal_basis or "").strip():
        raise InputError("access.no_legal_basis")
    number = clean_text(draft.id_doc_number, "id_doc_number").replace(" ", "")
    if draft.id_doc_type == "resident_id":
        check_resident_id(number)
        number = number.upper()
    wanted_from = parse_day(draft.wanted_from, "wanted_from")
    wanted_to = parse_day(draft.wanted_to, "wanted_to")
    if wanted_to < wanted_from:
        raise InputError("access.period_reversed", start=wanted_from.isoformat(),
                         end=wanted_to.isoformat())
    if not draft.record_ids:
        raise InputError("access.no_records")
    if len(set(draft.record_ids)) > MAX_RECORDS:
        raise InputError("access.too_many_records", maximum=MAX_RECORDS)
    return {
        "kind": draft.kind,
        "requester_name": clean_text(draft.requester_name, "requester_name"),
        "requester_org": clean_text(draft.requester_org, "requester_org", required=False),
        "id_doc_type": draft.id_doc_type, "id_doc_number": number,
        "id_doc_masked": mask_id_number(number), "relation": draft.relation,
        "purpose": clean_text(draft.purpose, "purpose"),
        "legal_basis": clean_text(draft.legal_basis, "legal_basis"),
        "wanted_from": wanted_from.isoformat(), "wanted_to": wanted_to.isoformat(),
        "source_query": (draft.source_query or "").strip()[:200] or None,
    }


def register(ctx: Ctx, draft: RequestDraft) -> Request:
    """Register a request as the unlocked custodian; it starts pending. Refused: no
    purpose, no legal basis, no records, an unknown record, or a record destroyed, being
    destroyed or under a legal hold (nobody could be granted it)."""
    people.require_role(ctx.actor, "custodian")
    values = _validated(draft)
    ids = list(dict.fromkeys(int(i) for i in draft.record_ids))
    with ctx.transaction():
        found = records_view.facts(ctx.conn, ids)
        for record_id in ids:
            fact = found.get(record_id)
            if fact is None:
                raise InputError("access.unknown_record", record=record_id)
            records_view.refuse_unusable(fact)
        values["registered_by"] = ctx.actor.name
        values["registered_at"] = utc_text(ctx.now())
        columns = ", ".join(values)
        cur = ctx.conn.execute(
            f"INSERT INTO access_requests({columns}) VALUES ({','.join('?' * len(values))})",
            tuple(values.values()))
        request_id = int(cur.lastrowid or 0)
        ctx.conn.executemany(
            "INSERT INTO access_request_records(request_id, record_id) VALUES (?, ?)",
            [(request_id, rid) for rid in ids])
        ctx.audit("access.request.register", "access_request", request_id, {
            "kind": values["kind"], "requester": values["requester_name"],
            "organisation": values["requester_org"], "id_doc": values["id_doc_masked"],
            "relation": values["relation"], "purpose": values["purpose"],
            "legal_basis": values["legal_basis"], "records": len(ids),
            "archive_nos": [found[i].archive_no for i in ids[:50]],
            "wanted": [values["wanted_from"], values["wanted_to"]],
            "source_query": values["source_query"]})
    return get(ctx.conn, request_id)


def get(conn: Connection, request_id: int) -> Request:
    row = conn.execute(f"SELECT {REQUEST_COLUMNS} FROM access_requests WHERE id = ?",
                       (int(request_id),)).fetchone()
    if row is None:
        raise InputError("access.unknown_request", request=request_id)
    return Request(*row)


def get_request(ctx: Ctx, request_id: int) -> Request:
    return get(ctx.conn, request_id)


def covered(conn: Connection, request_id: int) -> list[tuple[int, str, str, bool]]:
    """(record id, archive number, title, granted) for each record a request names."""
    rows = conn.execute(
        "SELECT rr.record_id, r.archive_no, r.title, rr.granted FROM access_request_records rr"
        " JOIN records r ON r.id = rr.record_id WHERE rr.request_id = ? ORDER BY r.archive_no",
        (int(request_id),))
    return [(int(r[0]), str(r[1]), str(r[2] or ""), bool(r[3])) for r in rows]


def covered_records(ctx: Ctx, request_id: int) -> list[tuple[int, str, str, bool]]:
    return covered(ctx.conn, request_id)


def resolve_archive_numbers(ctx: Ctx, numbers: Sequence[str]) -> list[int]:
    """Record ids for archive numbers typed in a form (one bad number names itself)."""
    return records_view.ids_for_archive_numbers(ctx.conn, numbers)


def require_status(request: Request, *allowed: str) -> None:
    if request.status not in allowed:
        raise ConflictError(f"access.request_is_{request.status}", request=request.id)


def resolve_saved_query(ctx: Ctx, query_id: int) -> tuple[list[int], str]:
    """(record ids, the query's name) of a saved browser query, resolved now: a request
    covers the records it matched when registered, not whatever it matches later."""
    from confterm.vault.catalogue import holds
    from confterm.vault.catalogue.filters import Filters

    row = ctx.conn.execute("SELECT name, filters FROM saved_queries WHERE id = ?",
                           (int(query_id),)).fetchone()
    if row is None:
        raise InputError("access.unknown_saved_query", query=query_id)
    ids = holds.matching_ids(ctx.conn, Filters.from_json(row[1]), local_day(ctx.now()))
    if not ids:
        raise InputError("access.saved_query_empty", name=row[0])
    return sorted(ids), str(row[0])
