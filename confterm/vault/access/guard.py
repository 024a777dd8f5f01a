"""The gate every reveal, print and export of a record's content passes through.

Other areas (the archive browser revealing masked personal information, reports printing a
record, the exporter) call ``require_covering_request`` before showing or writing content.
It refuses unless an approved, unexpired request of a fitting kind grants that record, and
logs the act against that request in the access register and the audit trail. A refused
attempt is audited too: trying to read without a covering request is itself a fact an
auditor wants to see.

Call it before opening your own transaction (the refusal is then committed even though
your act does not happen); inside a transaction it joins yours, and a refusal is rolled
back with it.
"""

from __future__ import annotations

from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.vault.access import records_view, requests
from confterm.vault.access.model import (
    ACT_KINDS,
    CONTENT_ACTS,
    Grant,
    Label,
    Request,
    local_day,
    utc_text,
)
from confterm.vault.session import Ctx


def check_request_allows(ctx: Ctx, request: Request, record_id: int | None, act: str) -> None:
    """PermissionDenied unless ``request`` is approved, unexpired, of a kind that allows
    ``act`` and (when a record is named) grants that record."""
    today = local_day(ctx.now())
    if request.status == "pending":
        raise PermissionDenied("access.request_is_pending", request=request.id)
    if request.status == "denied":
        raise PermissionDenied("access.request_is_denied", request=request.id)
    if request.status == "closed":
        raise PermissionDenied("access.request_is_closed", request=request.id)
    if request.expired(today):
        raise PermissionDenied("access.request_expired", request=request.id,
                               expiry=request.expires_on)
    if request.kind not in ACT_KINDS[act]:
        raise PermissionDenied(f"access.kind_forbids_{act}", request=request.id)
    if record_id is None:
        return
    row = ctx.conn.execute("SELECT granted FROM access_request_records"
                           " WHERE request_id = ? AND record_id = ?",
                           (request.id, record_id)).fetchone()
    if row is None or not row[0]:
        fact = records_view.one(ctx.conn, record_id)
        raise PermissionDenied("access.request_not_covering", request=request.id,
                               archive_no=fact.archive_no)


def _find(ctx: Ctx, record_id: int, act: str) -> Request | None:
    """The newest usable request that grants ``record_id`` for ``act``, if any."""
    today = local_day(ctx.now()).isoformat()
    kinds = sorted(ACT_KINDS[act])
    marks = ",".join("?" * len(kinds))
    row = ctx.conn.execute(
        "SELECT q.id FROM access_request_records rr JOIN access_requests q"
        " ON q.id = rr.request_id WHERE rr.record_id = ? AND rr.granted = 1"
        f" AND q.status IN ('approved', 'partial') AND q.kind IN ({marks})"
        " AND (q.expires_on IS NULL OR q.expires_on >= ?) ORDER BY q.id DESC LIMIT 1",
        (record_id, *kinds, today)).fetchone()
    return requests.get(ctx.conn, int(row[0])) if row else None


def check_covering_request(ctx: Ctx, record_id: int, act: str,
                           request_id: int | None = None) -> Grant:
    """The grant for ``act`` on ``record_id`` (under ``request_id`` if given); refuses,
    audited, when no approved unexpired request of a fitting kind covers the record, or
    the record is destroyed, being destroyed or on hold. Writes nothing on success."""
    if act not in CONTENT_ACTS:
        raise InputError("access.bad_act", act=act, acts=", ".join(CONTENT_ACTS))
    record_id = int(record_id)
    try:
        fact = records_view.one(ctx.conn, record_id)
        records_view.refuse_unusable(fact)
        if request_id is None:
            found = _find(ctx, record_id, act)
            if found is None:
                raise PermissionDenied("access.no_covering_request",
                                       archive_no=fact.archive_no,
                                       act=Label(f"access.act.{act}"))
        else:
            found = requests.get(ctx.conn, request_id)
            check_request_allows(ctx, found, record_id, act)
    except (PermissionDenied, ConflictError) as exc:
        requests.record_refusal(ctx, f"access.{act}_refused", "record", record_id, exc,
                                {"request": request_id})
        raise
    return Grant(found.id, record_id, act)


def log_act(ctx: Ctx, grant: Grant, note: str = "", quantity: int | None = None) -> int:
    """Write the act to the access register and the audit trail (joins an open
    transaction); returns the audit sequence number."""
    return log_event(ctx, grant.request_id, grant.record_id, grant.act, note, quantity)


def log_event(ctx: Ctx, request_id: int, record_id: int | None, act: str, note: str = "",
              quantity: int | None = None, extra: dict[str, object] | None = None) -> int:
    """One access event and its audit event, in the same transaction."""
    with requests.within_transaction(ctx):
        details: dict[str, object] = {"request": request_id, "note": note[:200]}
        if quantity is not None:
            details["quantity"] = quantity
        details.update(extra or {})
        object_type, object_id = ("record", record_id) if record_id is not None else \
            ("access_request", request_id)
        object_id_any: object = object_id
        if "client" in details:
            object_type, object_id_any = "client", details["client"]
        seq = ctx.audit(f"access.{act}", object_type, object_id_any, details)
        ctx.conn.execute(
            "INSERT INTO access_events(request_id, record_id, act, quantity, at, actor, note,"
            " audit_seq) VALUES (?,?,?,?,?,?,?,?)",
            (request_id, record_id, act, quantity, utc_text(ctx.now()), ctx.actor.name,
             note[:200], seq))
    return seq


def require_covering_request(ctx: Ctx, record_id: int, act: str,
                             request_id: int | None = None, note: str = "") -> Grant:
    """Check and log in one call: what a screen calls just before it reveals, prints or
    exports a record's content. Raises (PermissionDenied / ConflictError) when refused."""
    grant = check_covering_request(ctx, record_id, act, request_id)
    log_act(ctx, grant, note)
    return grant


def covering_requests(ctx: Ctx, record_id: int, act: str) -> list[Request]:
    """Every usable request that would allow ``act`` on the record (to let a person pick)."""
    today = local_day(ctx.now()).isoformat()
    kinds = sorted(ACT_KINDS.get(act, ()))
    if not kinds:
        return []
    marks = ",".join("?" * len(kinds))
    rows = ctx.conn.execute(
        "SELECT q.id FROM access_request_records rr JOIN access_requests q"
        " ON q.id = rr.request_id WHERE rr.record_id = ? AND rr.granted = 1"
        f" AND q.status IN ('approved', 'partial') AND q.kind IN ({marks})"
        " AND (q.expires_on IS NULL OR q.expires_on >= ?) ORDER BY q.id DESC",
        (int(record_id), *kinds, today)).fetchall()
    return [requests.get(ctx.conn, int(r[0])) for r in rows]


def require_client_reveal(ctx: Ctx, client_id: int, request_id: int | None = None,
                          note: str = "") -> int:
    """Gate for a client's own personal information (legal representative, liquidation
    contact): an approved, unexpired request must grant at least one of the client's
    records. Logs the reveal against that request; returns its id. Refusal audited."""
    today = local_day(ctx.now()).isoformat()
    row = ctx.conn.execute(
        "SELECT q.id FROM access_request_records rr JOIN access_requests q"
        " ON q.id = rr.request_id JOIN records r ON r.id = rr.record_id"
        " WHERE r.client_id = ? AND rr.granted = 1 AND q.status IN ('approved', 'partial')"
        " AND (q.expires_on IS NULL OR q.expires_on >= ?) AND (? IS NULL OR q.id = ?)"
        " ORDER BY q.id DESC LIMIT 1", (int(client_id), today, request_id, request_id)
    ).fetchone()
    if row is None:
        name = ctx.conn.execute("SELECT name FROM clients WHERE id = ?",
                                (int(client_id),)).fetchone()
        exc = PermissionDenied("access.no_covering_request_client",
                               client=name[0] if name else client_id)
        requests.record_refusal(ctx, "access.reveal_refused", "client", client_id, exc,
                                {"request": request_id})
        raise exc
    log_event(ctx, int(row[0]), None, "reveal", note, extra={"client": int(client_id)})
    return int(row[0])
