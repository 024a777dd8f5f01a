"""A small vault with the people a destruction needs, and shortcuts through the flow.

People: the administrator (every role) unlocks and acts as preparer and executor; 张伟
approves (head of unit); 陈静 witnesses; 刘洋 witnesses for IT. Presences are made once
per person (one Argon2id each) and copied for each use, which is what a step-up dialog
hands the services: an object that signs with the person's own key.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from confterm.vault import lifecycle, people
from confterm.vault.catalogue import clients, records
from confterm.vault.catalogue.clients import ClientInput
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.credit_code import compute_check_char, organisation_check_char
from confterm.vault.destruction import appraisal, config, register, sessions
from confterm.vault.kdf import FAST_PARAMS
from confterm.vault.presence import Presence
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import Ctx, VaultSession

APPROVER, WITNESS, IT_WITNESS, CLERK = "张伟", "陈静", "刘洋", "王秀英"
PEOPLE = {APPROVER: ("approver", "approver pass phrase 1"),
          WITNESS: ("witness", "witness pass phrase 22"),
          IT_WITNESS: ("witness", "it witness pass phrase 3"),
          CLERK: ("custodian", "custodian pass phrase 4")}
_codes = itertools.count(1)


def credit_code(n: int) -> str:
    org8 = f"{n:08d}"
    first17 = "91" + "110000" + org8 + organisation_check_char(org8)
    return first17 + compute_check_char(first17)


@dataclass
class World:
    session: VaultSession
    seeds: dict[str, bytearray] = field(default_factory=dict)
    client_id: int = 0

    def presence(self, name: str) -> Presence:
        person = self.session.call(lambda ctx: people.get(ctx.conn, name))
        assert person is not None
        return Presence(person, bytearray(self.seeds[name]))

    def presence_of_admin(self) -> Presence:
        """The unlocked administrator (every role) proving presence: a genuine signature
        that only the rules of separation can refuse."""
        from tests.conftest import ADMIN, ADMIN_PASS

        if ADMIN not in self.seeds:
            self.seeds[ADMIN] = lifecycle.verify_person_secret(
                self.session, ADMIN, passphrase_bytes(ADMIN_PASS))
        return self.presence(ADMIN)

    def call(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        return self.session.call(fn, *args, **kwargs)

    def new_client(self, name: str = "") -> int:
        n = next(_codes)
        return self.call(clients.create, ClientInput(name or f"测试公司{n}", credit_code(n),
                                                    legal_representative=f"法人{n:04d}号"))

    def records(self, count: int, *, fiscal_year: int = 1990, notes: str = "",
                medium: str = "paper", category: str = "voucher",
                client_id: int | None = None) -> list[int]:
        cid = client_id or self.client_id or self.new_client()
        self.client_id = self.client_id or cid
        out = []
        for _ in range(count):
            n = next(_codes)
            out.append(self.call(records.create, RecordInput(
                archive_no=f"AR-{n:06d}", title=f"记账凭证 第{n}册", client_id=cid,
                category=category, fiscal_year=fiscal_year, medium=medium, notes=notes)))
        return out

    def set_notes(self, ids: Sequence[int], text: str) -> None:
        """Notes written straight into the table: the catalogue's own record.create audit
        event would keep a verbatim copy (see test_canary's xfail), which is not what the
        purge tests measure."""
        def run(ctx: Ctx) -> None:
            with ctx.transaction():
                ctx.conn.executemany("UPDATE records SET notes = ? WHERE id = ?",
                                     [(f"{text}{i}", i) for i in ids])
        self.call(run)

    def appraise(self, ids: Sequence[int]) -> int:
        aid = self.call(appraisal.create_appraisal, ids)
        self.call(appraisal.decide, aid, ids, "destroy")
        self.call(appraisal.issue_appraisal, aid, "经鉴定，保管期满，无保存价值，同意销毁。")
        return aid

    def signed_register(self, ids: Sequence[int]) -> int:
        rid = self.call(register.create_register, self.appraise(ids),
                        "《会计档案管理办法》第十六条、第十七条")
        self.call(register.sign_register, rid, "head_of_unit", self.presence(APPROVER),
                  "approve", "同意销毁")
        return rid

    def open_session(self, ids: Sequence[int], witnesses: Sequence[str] = (WITNESS,)) -> int:
        rid = self.signed_register(ids)
        return self.call(sessions.start_session, rid, "粉碎", "档案室A",
                         [self.presence(w) for w in witnesses])

    def archive_numbers(self, ids: Sequence[int]) -> list[str]:
        def run(ctx: Ctx) -> list[str]:
            return [ctx.conn.execute("SELECT archive_no FROM records WHERE id = ?",
                                     (i,)).fetchone()[0] for i in ids]
        return self.call(run)

    def check_all(self, sid: int, ids: Sequence[int]) -> None:
        for number in self.archive_numbers(ids):
            self.call(sessions.check_off, sid, number)

    def state(self, record_id: int) -> str:
        return self.call(lambda ctx: ctx.conn.execute(
            "SELECT state FROM records WHERE id = ?", (record_id,)).fetchone()[0])


def build(vault: Path, admin: str, admin_pass: str) -> World:
    """Enrol the people, configure signatories and the IT witness; return the world."""
    session = lifecycle.open_vault(vault, admin, passphrase_bytes(admin_pass))
    world = World(session)
    for name, (role, secret) in PEOPLE.items():
        lifecycle.enrol(session, name, people.parse_roles(role), passphrase_bytes(secret),
                        params=FAST_PARAMS)
        world.seeds[name] = lifecycle.verify_person_secret(session, name,
                                                           passphrase_bytes(secret))
    session.call(config.set_signatories, [("head_of_unit", APPROVER)])
    session.call(config.set_it_people, [IT_WITNESS])
    return world
