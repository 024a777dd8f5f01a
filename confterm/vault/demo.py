"""The demo vault: fixed people with fixed passphrases, so a new user can follow the README.

Feature areas add demo data by listing a module in ``DEMO_SEEDERS`` whose ``seed(session)``
fills its part through the normal (audited) services. The demo uses the 64 MiB / one-pass
Argon2id floor instead of calibrating, so it opens in a second; real vaults calibrate.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from confterm.vault import lifecycle, presence
from confterm.vault.kdf import FAST_PARAMS
from confterm.vault.presence import Presence
from confterm.vault.secrets import passphrase_bytes, wipe
from confterm.vault.session import VaultSession


@dataclass(frozen=True)
class DemoPerson:
    name: str
    roles: frozenset[str]
    passphrase: str
    note: str


DEMO_PEOPLE = (
    DemoPerson("李建国", frozenset({"administrator", "custodian"}), "admin-demo-passphrase",
               "管理员、保管员 / administrator, custodian"),
    DemoPerson("王秀英", frozenset({"custodian"}), "custodian-demo-passphrase",
               "保管员 / custodian"),
    DemoPerson("张伟", frozenset({"approver"}), "approver-demo-passphrase",
               "审批人 / approver"),
    DemoPerson("陈静", frozenset({"witness"}), "witness-demo-passphrase",
               "监销人 / witness"),
    DemoPerson("刘洋", frozenset({"witness"}), "it-witness-demo-passphrase",
               "监销人（信息技术）/ witness (IT)"),
    DemoPerson("赵敏", frozenset({"auditor"}), "auditor-demo-passphrase",
               "审计员 / auditor"),
)
DEMO_VAULT_NAME = "演示档案库 Demo archive"

# Modules with seed(session) that add demo data for their feature, in order.
DEMO_SEEDERS: list[str] = [
    "confterm.vault.catalogue.demo_seed",
    "confterm.vault.destruction.demo",
    "confterm.vault.access.demo",
]


def create_demo_vault(path: Path) -> None:
    """Create the demo vault at ``path`` (which must not hold a vault yet)."""
    admin = DEMO_PEOPLE[0]
    secret = passphrase_bytes(admin.passphrase)
    try:
        created = lifecycle.create_vault(path, admin.name, secret, vault_name=DEMO_VAULT_NAME,
                                         params=FAST_PARAMS)
        wipe(created.recovery_key)
        session = lifecycle.open_vault(path, admin.name, secret)
    finally:
        wipe(secret)
    with session:
        session.call(_set_admin_roles, admin.roles)
        for person in DEMO_PEOPLE[1:]:
            pw = passphrase_bytes(person.passphrase)
            try:
                lifecycle.enrol(session, person.name, person.roles, pw, params=FAST_PARAMS)
            finally:
                wipe(pw)
        for module_name in DEMO_SEEDERS:
            importlib.import_module(module_name).seed(session)


def present(session: VaultSession, name: str, role: str,
            passphrase: str | None = None) -> Presence:
    """A demo person stepping up at the terminal (their passphrase is public), so seeders
    can make approvals and signatures through the same checks a real person passes.
    ``passphrase`` is for tests that seed a vault of their own people."""
    if passphrase is None:
        passphrase = next(p.passphrase for p in DEMO_PEOPLE if p.name == name)
    secret = passphrase_bytes(passphrase)
    try:
        return presence.verify(session, name, secret, role, None)
    finally:
        wipe(secret)


def _set_admin_roles(ctx: object, roles: frozenset[str]) -> None:
    from confterm.vault.session import Ctx

    assert isinstance(ctx, Ctx)
    # The first person of a vault holds every role; the demo keeps duties apart instead.
    with ctx.transaction():
        ctx.conn.execute("UPDATE people SET roles = ? WHERE name = ?",
                         (",".join(sorted(roles)), ctx.actor.name))
        ctx.audit("person.roles", "person", ctx.actor.name, {"roles": sorted(roles)})
