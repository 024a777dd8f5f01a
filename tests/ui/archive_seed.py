"""A small catalogue for the Archive area's UI tests, made through the catalogue services.

Three deregistered clients, a room with two shelves and three boxes (one nearly full), and
60 records across categories, years and levels, with titles such as "2019年记账凭证 第3册"
(so "凭证" and "凭" find vouchers). Built once per test session on a copy of the
five-person template vault, with a fixed clock (stable review dates for the snapshot),
then copied for each test.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from confterm.vault import lifecycle
from confterm.vault.catalogue import clients, locations, records
from confterm.vault.catalogue.clients import ClientInput
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import Ctx, VaultSession
from tests.ui.conftest import ADMIN

FIXED = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)
CLIENTS = (("厦门鹭岛商贸有限公司", "91350100M000100Y43", "陈大文", "13812345678"),
           ("北京燕山贸易有限公司", "91110000600037341L", "李四海", "13900001111"),
           ("深圳南山电子有限公司", "91440300708461136T", "王小红", ""))
KINDS = (("voucher", "PZ", "记账凭证"), ("ledger", "ZB", "总账"),
         ("tax_return", "NS", "纳税申报表"), ("bank_statement", "DZ", "银行对账单"))
LEVELS = ("internal", "internal", "confidential", "public", "secret")


@dataclass(frozen=True)
class Seeded:
    clients: tuple[int, ...]
    room: int
    shelf1: int
    shelf2: int
    box1: int  # BX0001, capacity 60
    box2: int  # BX0002, capacity 3, holds 3 (full)
    box3: int  # BX0003 on shelf 2, capacity 60, empty
    records: int


def seed(ctx: Ctx) -> Seeded:
    ids = tuple(clients.create(ctx, ClientInput(name, code, date(2021, 6, 30),
                                                legal_representative=rep,
                                                liquidation_contact=phone))
                for name, code, rep, phone in CLIENTS)
    room = locations.create(ctx, "room", "档案室A")
    cabinet = locations.create(ctx, "cabinet", "柜01", room)
    shelf1 = locations.create(ctx, "shelf", "第1层", cabinet)
    shelf2 = locations.create(ctx, "shelf", "第2层", cabinet)
    box1 = locations.create(ctx, "box", "盒0001", shelf1, barcode="BX0001", capacity=60)
    box2 = locations.create(ctx, "box", "盒0002", shelf1, barcode="BX0002", capacity=3)
    box3 = locations.create(ctx, "box", "盒0003", shelf2, barcode="BX0003", capacity=60)
    n = 0
    for c, client_id in enumerate(ids):
        for year in (1995, 2019, 2020):
            for category, short, name in KINDS:
                for book in (1, 2) if category == "voucher" else (1,):
                    n += 1
                    box = box2 if n <= 3 else (box1 if n <= 40 else None)
                    records.create(ctx, RecordInput(
                        archive_no=f"K{c + 1}-{year}-{short}-{book:03d}",
                        title=f"{year}年{name} 第{book}册", client_id=client_id,
                        category=category, fiscal_year=year, level=LEVELS[n % len(LEVELS)],
                        volume_no=str(book), books=1, location_id=box,
                        unresolved=n == 7, unresolved_reason="往来款未结清" if n == 7 else ""))
    return Seeded(ids, room, shelf1, shelf2, box1, box2, box3, n)


def open_admin(vault: Path) -> VaultSession:
    return lifecycle.open_vault(vault, ADMIN.name, passphrase_bytes(ADMIN.passphrase))


@pytest.fixture(scope="session")
def archive_template(template_vault: Path, tmp_path_factory: pytest.TempPathFactory
                     ) -> tuple[Path, Seeded]:
    path = Path(shutil.copytree(template_vault, tmp_path_factory.mktemp("archive") / "vault"))
    with open_admin(path) as session:
        session.clock = lambda: FIXED
        seeded = session.call(seed)
    return path, seeded


@pytest.fixture
def archive_vault(archive_template: tuple[Path, Seeded], tmp_path: Path) -> tuple[Path, Seeded]:
    """A fresh copy of the seeded vault for one test."""
    path, seeded = archive_template
    return Path(shutil.copytree(path, tmp_path / "archive-vault")), seeded


def query(vault: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the vault directly (after the app has closed it)."""
    with open_admin(vault) as session:
        return session.call(lambda ctx: ctx.conn.execute(sql, params).fetchall())
