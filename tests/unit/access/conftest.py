"""Access fixtures: a vault with a custodian, two approvers, an auditor, and a few records.

Clients and records are catalogued through the catalogue's own services. The clock is a
mutable ``Now`` so a test can move the session across a day boundary.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from confterm.vault import lifecycle, presence
from confterm.vault.access.model import RequestDraft
from confterm.vault.catalogue import clients, records
from confterm.vault.catalogue.clients import ClientInput
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.kdf import FAST_PARAMS
from confterm.vault.people import parse_roles
from confterm.vault.presence import Presence
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import Ctx, VaultSession
from tests.conftest import ADMIN, ADMIN_PASS

CUSTODIAN, CUSTODIAN_PASS = "王秀英", "custodian passphrase one"
APPROVER, APPROVER_PASS = "张伟", "approver passphrase two"
BOTH, BOTH_PASS = "孙丽", "custodian and approver three"  # may register and approve
AUDITOR, AUDITOR_PASS = "赵敏", "auditor passphrase four"
PASSES = {ADMIN: ADMIN_PASS, CUSTODIAN: CUSTODIAN_PASS, APPROVER: APPROVER_PASS,
          BOTH: BOTH_PASS, AUDITOR: AUDITOR_PASS}
START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


class Now:
    """A settable clock for the session (``session.clock``)."""

    def __init__(self, moment: datetime = START) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@dataclass
class World:
    path: Path
    now: Now
    records: list[int]
    archive_nos: list[str]
    client_ids: list[int]


def _records(ctx: Ctx, count: int, prefix: str = "HX"
             ) -> tuple[list[int], list[str], list[int]]:
    """Two deregistered clients (made once) and ``count`` vouchers, through the catalogue's
    services; even-numbered records hold personal information."""
    client_ids = [int(r[0]) for r in ctx.conn.execute("SELECT id FROM clients ORDER BY id")]
    if not client_ids:
        client_ids = [clients.create(ctx, ClientInput(name, code, date(2024, 1 + n, 15),
                                                      legal_representative="王大明"))
                      for n, (name, code) in enumerate((
                          ("华信商贸有限公司", "91350100M000100Y43"),
                          ("远航物流有限公司", "91110000600037341L")))]
    ids, numbers = [], []
    for i in range(count):
        number = f"{prefix}-2020-PZ-{i + 1:03d}"
        ids.append(records.create(ctx, RecordInput(
            number, f"2020年记账凭证 第{i + 1}册", client_ids[i % 2], "voucher", 2020,
            books=2, pages=120, personal_info=i % 2 == 0)))
        numbers.append(number)
    return ids, numbers, client_ids


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int],
                                                                      list[str], list[int]]:
    """Built once (enrolment and cataloguing cost seconds); each test gets a copy."""
    path = tmp_path_factory.mktemp("access-template") / "vault"
    lifecycle.create_vault(path, ADMIN, passphrase_bytes(ADMIN_PASS), params=FAST_PARAMS,
                           vault_name="测试档案库")
    with lifecycle.open_vault(path, ADMIN, passphrase_bytes(ADMIN_PASS)) as admin:
        for name, roles in ((CUSTODIAN, "custodian"), (APPROVER, "approver"),
                            (BOTH, "custodian,approver"), (AUDITOR, "auditor")):
            lifecycle.enrol(admin, name, parse_roles(roles), passphrase_bytes(PASSES[name]),
                            params=FAST_PARAMS)
        ids, numbers, client_ids = admin.call(_records, 6)
    return path, ids, numbers, client_ids


@pytest.fixture
def world(world_template: tuple[Path, list[int], list[str], list[int]],
          tmp_path: Path) -> World:
    template, ids, numbers, client_ids = world_template
    path = tmp_path / "vault"
    shutil.copytree(template, path)
    return World(path, Now(), list(ids), list(numbers), list(client_ids))


@pytest.fixture
def open_as(world: World) -> Iterator[Callable[[str], VaultSession]]:
    """Unlock the world's vault as a person (one session at a time: the vault is locked
    while open); the session's clock is the world's ``now``."""
    opened: list[VaultSession] = []

    def open_(name: str) -> VaultSession:
        for s in opened:
            s.close()
        s = lifecycle.open_vault(world.path, name, passphrase_bytes(PASSES[name]),
                                 now=world.now)
        opened.append(s)
        return s

    yield open_
    for s in opened:
        s.close()


def step_up(session: VaultSession, name: str, role: str = "approver") -> Presence:
    """A presence as the step-up dialog makes it (no duty check: the service must refuse)."""
    return presence.verify(session, name, passphrase_bytes(PASSES[name]), role, None)


def draft(records: list[int], kind: str = "consultation", **over: object) -> RequestDraft:
    values: dict[str, object] = dict(
        kind=kind, requester_name="刘芳", requester_org="原股东", id_doc_type="resident_id",
        id_doc_number="11010519491231002X", relation="shareholder",
        purpose="核对2020年股东借款往来", legal_basis="《会计档案管理办法》第十三条",
        wanted_from=date(2026, 3, 10), wanted_to=date(2026, 3, 31),
        record_ids=tuple(records))
    values.update(over)
    return RequestDraft(**values)  # type: ignore[arg-type]
