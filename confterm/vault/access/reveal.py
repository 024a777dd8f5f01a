"""Revealing a client's masked personal information, only under a covering request.

PIPL art. 47: after deregistration the legal representative's and liquidation contact's
details may only be stored and secured; showing them needs a lawful purpose. The guard
logs the reveal against the approved request (the access register), then the catalogue's
own ``clients.reveal`` returns the values and writes its audit event with the request's
purpose. A refusal is audited by the guard and nothing is read.
"""

from __future__ import annotations

from confterm.vault.access import guard, requests
from confterm.vault.catalogue import clients
from confterm.vault.session import Ctx


def clients_of_request(ctx: Ctx, request_id: int) -> list[tuple[int, str]]:
    """(client id, name) of the clients whose records the request was granted."""
    return [(int(r[0]), str(r[1])) for r in ctx.conn.execute(
        "SELECT DISTINCT c.id, c.name FROM access_request_records rr JOIN records r"
        " ON r.id = rr.record_id JOIN clients c ON c.id = r.client_id"
        " WHERE rr.request_id = ? AND rr.granted = 1 ORDER BY c.name", (int(request_id),))]


def reveal_client(ctx: Ctx, request_id: int, client_id: int) -> dict[str, str]:
    """The client's personal information, logged against ``request_id``."""
    request = requests.get(ctx.conn, request_id)
    guard.require_client_reveal(ctx, client_id, request.id,
                                note=f"{request.requester_name}: {request.purpose}")
    return clients.reveal(ctx, client_id,
                          f"第{request.id}号利用申请 request {request.id}: {request.purpose}")
