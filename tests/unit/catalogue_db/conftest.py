"""Catalogue fixtures: a vault with a client, a room-cabinet-shelf-box path, and helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from confterm.vault.catalogue import clients, locations, records
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.credit_code import compute_check_char
from confterm.vault.session import Ctx, VaultSession

FIXED_NOW = datetime(2030, 6, 1, 4, 0, tzinfo=UTC)


def credit_code(n: int) -> str:
    """A valid unified social credit code, different for each ``n``."""
    first17 = f"91110000{n:09d}"
    return first17 + compute_check_char(first17)


def act_as(session: VaultSession, name: str, roles: str) -> None:
    """Enrol ``name`` and make the open session act as them (roles checks, audit actor)."""
    from confterm.vault import people
    from tests.conftest import enrol

    enrol(session, name, roles, f"{name} passphrase for tests")
    person = session.call(lambda ctx: people.get(ctx.conn, name))
    assert person is not None
    session.person = person


@dataclass
class Place:
    room: int
    shelf: int
    box: int


@pytest.fixture
def cat(session: VaultSession) -> VaultSession:
    """The session with a fixed clock (2030-06-01), so retention dates are deterministic."""
    session.clock = lambda: FIXED_NOW
    return session


@pytest.fixture
def client_id(cat: VaultSession) -> int:
    return cat.call(clients.create, clients.ClientInput(
        "厦门鹭岛商贸有限公司", "91350100M000100Y43", legal_representative="陈大文",
        liquidation_contact="13812345678"))


@pytest.fixture
def place(cat: VaultSession) -> Place:
    def build(ctx: Ctx) -> Place:
        room = locations.create(ctx, "room", "档案室A")
        cabinet = locations.create(ctx, "cabinet", "柜01", room)
        shelf = locations.create(ctx, "shelf", "第1层", cabinet)
        box = locations.create(ctx, "box", "盒0001", shelf, barcode="BX0001", capacity=100)
        return Place(room, shelf, box)

    return cat.call(build)


@pytest.fixture
def add_record(cat: VaultSession, client_id: int) -> Callable[..., int]:
    counter = [0]

    def add(**fields: object) -> int:
        counter[0] += 1
        values: dict[str, object] = {
            "archive_no": f"KJ-2023-{counter[0]:04d}", "title": "2023年记账凭证",
            "client_id": client_id, "category": "voucher", "fiscal_year": 2023}
        values.update(fields)
        return cat.call(records.create, RecordInput(**values))  # type: ignore[arg-type]

    return add
