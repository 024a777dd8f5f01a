"""Registering a request: refused without purpose, legal basis or records, with a clear
message naming what is wrong; the registering custodian is recorded."""

from __future__ import annotations

import re

import pytest

from confterm.errors import InputError, PermissionDenied
from confterm.vault.access import requests
from confterm.vault.catalogue import holds
from confterm.vault.catalogue.filters import Filters
from tests.unit.access.conftest import APPROVER, AUDITOR, CUSTODIAN, draft


@pytest.mark.parametrize(("over", "message"), [
    ({"purpose": "  "}, "must state its purpose"),
    ({"legal_basis": ""}, "must state its legal basis"),
    ({"record_ids": ()}, "at least one record"),
    ({"id_doc_number": "11010519491231002"}, "18 characters"),
    ({"id_doc_number": "110105194912310021"}, "check character is wrong"),
    ({"relation": "friend"}, "Unknown relation"),
    ({"kind": "borrow"}, "Unknown request kind"),
    ({"wanted_from": "2026-04-01", "wanted_to": "2026-03-01"}, "ends (2026-03-01) before"),
    ({"wanted_to": "2026-02-30"}, "is not a date"),
    ({"requester_name": ""}, "Requester's name\" is required"),
    ({"record_ids": (999_999,)}, "no record with id 999999"),
])
def test_bad_requests_are_refused_with_a_clear_message(world, open_as, over, message) -> None:
    s = open_as(CUSTODIAN)
    with pytest.raises(InputError, match=re.escape(message)):
        s.call(requests.register, draft(world.records[:1], **over))
    assert s.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM access_requests").fetchone()[0]) == 0


def test_the_registrant_is_recorded_and_audited(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft(world.records[:2], id_doc_type="passport",
                                          id_doc_number="E12345678"))
    assert req.registered_by == CUSTODIAN and req.status == "pending"
    assert req.id_doc_masked == "E123*5678"
    actor = s.call(lambda ctx: ctx.conn.execute(
        "SELECT actor FROM audit_events WHERE action = 'access.request.register'").fetchone())
    assert actor == (CUSTODIAN,)


def test_only_a_custodian_registers(world, open_as) -> None:
    for name in (APPROVER, AUDITOR):
        s = open_as(name)
        with pytest.raises(PermissionDenied, match="custodian"):
            s.call(requests.register, draft(world.records[:1]))


def test_archive_numbers_and_saved_queries_resolve_to_records(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    ids = s.call(requests.resolve_archive_numbers, [" HX-2020-PZ-002", "HX-2020-PZ-001", ""])
    assert ids == [world.records[1], world.records[0]]
    with pytest.raises(InputError, match="HX-1999-X"):
        s.call(requests.resolve_archive_numbers, ["HX-2020-PZ-001", "HX-1999-X"])
    query = s.call(holds.save_query, "华信全部", Filters(client_id=world.client_ids[0]))
    ids, name = s.call(requests.resolve_saved_query, query)
    assert name == "华信全部" and ids == sorted(world.records[0::2])
    req = s.call(requests.register, draft(ids, source_query=name))
    assert req.source_query == "华信全部"
