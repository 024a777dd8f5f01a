"""The demo catalogue: forty clients, about 5,000 records, eligible, held and unresolved ones."""

from __future__ import annotations

from datetime import date

from confterm.vault.catalogue import browse, demo_seed
from confterm.vault.catalogue.filters import Filters
from confterm.vault.demo import DEMO_PEOPLE
from confterm.vault.session import VaultSession
from tests.conftest import enrol
from tests.unit.catalogue_db.test_import import counters_are_true


def test_demo_seed_fills_a_realistic_catalogue(session: VaultSession) -> None:
    approver = next(p for p in DEMO_PEOPLE if p.name == demo_seed.APPROVER)
    enrol(session, approver.name, "approver", approver.passphrase)  # accepts the levels
    demo_seed.seed(session)
    today = date.today()

    def facts(ctx: object) -> dict[str, int]:
        conn = ctx.conn  # type: ignore[attr-defined]
        return {s: browse.count(conn, Filters(status=s), today).value
                for s in ("eligible", "on_hold", "unresolved", "active")} | {
            "records": browse.total(conn),
            "clients": conn.execute("SELECT count(*) FROM clients WHERE deregistered_on"
                                    " IS NOT NULL").fetchone()[0],
            "levels": conn.execute("SELECT count(DISTINCT level) FROM records").fetchone()[0],
            "holds": conn.execute("SELECT count(*) FROM holds").fetchone()[0],
            "pending": conn.execute("SELECT count(*) FROM record_changes"
                                    " WHERE status = 'pending'").fetchone()[0]}

    found = session.call(facts)
    assert found["clients"] == 40 and 4500 <= found["records"] <= 5500
    assert found["eligible"] > 100 and found["on_hold"] > 10 and found["unresolved"] >= 4
    assert found["levels"] >= 3 and found["holds"] == 3
    assert found["pending"] == 0  # the seeded classifications were accepted
    session.call(counters_are_true)
