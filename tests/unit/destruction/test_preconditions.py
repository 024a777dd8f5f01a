"""A record is never destroyed unless every precondition holds — tried from the API.

Preconditions (issue 6): expired retention, no hold, no unresolved matter, a signed
register, a witness who is not the executor, and a check-off. Each drawn case removes any
subset of them; those that are record state (retention, hold, unresolved) are removed
either before the appraisal or late, while the session runs (a rule edit shortening
nothing but moving the end, a hold placed by a colleague, a matter found open). The flow is
then driven as far as the API lets it; every step may refuse. The record must end
destroyed exactly when all preconditions held, and every refusal must be audited.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confterm.errors import ConftermError
from confterm.vault.catalogue import holds
from confterm.vault.destruction import completion, register, sessions
from confterm.vault.session import Ctx
from tests.unit.destruction.world import WITNESS, World

CONDITIONS = ("expired", "no_hold", "resolved", "signed", "distinct_witness", "checked")


@dataclass(frozen=True)
class Case:
    holds: dict[str, bool]
    late: dict[str, bool]  # for expired / no_hold / resolved: broken during the session

    @property
    def all_hold(self) -> bool:
        return all(self.holds.values())


def _sql(world: World, sql: str, *args: object) -> None:
    def run(ctx: Ctx) -> None:
        with ctx.transaction():
            ctx.conn.execute(sql, args)
    world.call(run)


def _break_state(world: World, rid: int, case: Case, late: bool) -> None:
    """Remove the record-state preconditions the case removes, at this stage."""
    if not case.holds["expired"] and case.late["expired"] == late:
        if late:  # e.g. a rule edit recomputed a later end
            _sql(world, "UPDATE records SET retention_end = '2099-01-01' WHERE id = ?", rid)
        else:
            _sql(world, "UPDATE records SET fiscal_year = 2024, retention_end = '2055-01-01'"
                        " WHERE id = ?", rid)
    if not case.holds["no_hold"] and case.late["no_hold"] == late:
        world.call(holds.create, "稽查", "税务局", "records", record_ids=[rid])
    if not case.holds["resolved"] and case.late["resolved"] == late:
        _sql(world, "UPDATE records SET unresolved = 1, unresolved_reason = '债务未清'"
                    " WHERE id = ?", rid)


def _refusals(world: World) -> int:
    return world.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM audit_events WHERE action = 'destruction.refused'").fetchone()[0])


def attempt(world: World, admin_witness: object, case: Case) -> None:
    rid = world.records(1)[0]
    before = _refusals(world)
    _break_state(world, rid, case, late=False)
    try:
        reg = world.call(register.create_register, world.appraise([rid]), "依据")
        if case.holds["signed"]:
            world.call(register.sign_register, reg, "head_of_unit",
                       world.presence("张伟"), "approve", "同意")
        witness = world.presence(WITNESS) if case.holds["distinct_witness"] \
            else admin_witness
        sid = world.call(sessions.start_session, reg, "粉碎", "档案室", [witness])
        if case.holds["checked"]:
            world.check_all(sid, [rid])
        _break_state(world, rid, case, late=True)
        world.call(completion.complete_session, sid, [witness])
    except ConftermError:
        pass
    destroyed = world.state(rid) == "destroyed"
    assert destroyed == case.all_hold, (case, world.state(rid))
    if not case.all_hold:
        assert _refusals(world) > before, case  # the refusal is on record


cases = st.builds(
    Case,
    st.fixed_dictionaries({c: st.booleans() for c in CONDITIONS}),
    st.fixed_dictionaries({c: st.booleans() for c in ("expired", "no_hold", "resolved")}))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=cases)
def test_never_destroyed_unless_every_precondition_holds(world: World, case: Case) -> None:
    attempt(world, world.presence_of_admin(), case)


@pytest.mark.parametrize("late", [False, True], ids=["early", "late"])
def test_every_combination_exhaustively(world: World, late: bool) -> None:
    """All 64 subsets of the six preconditions, state ones broken early or late."""
    for values in itertools.product([True, False], repeat=len(CONDITIONS)):
        case = Case(dict(zip(CONDITIONS, values, strict=True)),
                    {"expired": late, "no_hold": late, "resolved": late})
        attempt(world, world.presence_of_admin(), case)
