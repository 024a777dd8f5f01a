"""The audit chain detects modify, delete, insert, reorder; a checkpoint detects truncation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from confterm.errors import InputError
from confterm.vault import audit, lifecycle
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import Ctx, VaultSession
from tests.conftest import ADMIN, ADMIN_PASS


def add_events(session: VaultSession, n: int) -> None:
    def work(ctx: Ctx) -> None:
        with ctx.transaction():
            for i in range(n):
                ctx.audit("record.update", "record", f"R{i}", {"field": "title", "i": i})

    session.call(work)


def tamper(session: VaultSession, sql: str, *params: object) -> audit.ChainReport:
    def work(ctx: Ctx) -> audit.ChainReport:
        ctx.conn.execute(sql, params)
        return audit.verify_chain(ctx.conn)

    return session.call(work)


def test_intact_chain_verifies(session: VaultSession) -> None:
    add_events(session, 50)
    report = session.call(lambda ctx: audit.verify_chain(ctx.conn))
    assert report.intact and report.count == 51  # + vault.create


@pytest.mark.parametrize(("sql", "params", "first_bad"), [
    ("UPDATE audit_events SET details = ? WHERE seq = 20", ('{"field":"notes"}',), 20),
    ("UPDATE audit_events SET actor = ? WHERE seq = 7", ("someone else",), 7),
    ("DELETE FROM audit_events WHERE seq = 30", (), 30),
    ("UPDATE audit_events SET seq = seq + 1000 WHERE seq = 12", (), 12),
])
def test_tampering_is_detected_at_the_first_bad_event(session: VaultSession, sql: str,
                                                      params: tuple[object, ...],
                                                      first_bad: int) -> None:
    add_events(session, 50)
    report = tamper(session, sql, *params)
    assert not report.intact
    assert report.first_bad == first_bad


def test_inserted_event_is_detected(session: VaultSession) -> None:
    add_events(session, 10)

    def insert(ctx: Ctx) -> audit.ChainReport:
        conn = ctx.conn
        conn.execute("UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 5")  # make a hole
        conn.execute("UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1000")
        row = conn.execute("SELECT hash FROM audit_events WHERE seq = 4").fetchone()
        payload = audit.event_bytes(5, "2026-01-01T00:00:00Z", "x", "fake", "record", "R", "{}")
        conn.execute("INSERT INTO audit_events VALUES (5,?,?,?,?,?,?,?,?)",
                     ("2026-01-01T00:00:00Z", "x", "fake", "record", "R", "{}", row[0],
                      audit.chain_hash(row[0], payload)))
        return audit.verify_chain(conn)

    report = session.call(insert)
    assert not report.intact and report.first_bad == 6


def test_reordered_events_are_detected(session: VaultSession) -> None:
    add_events(session, 10)

    def swap(ctx: Ctx) -> audit.ChainReport:
        conn = ctx.conn
        conn.execute("UPDATE audit_events SET seq = -1 WHERE seq = 4")
        conn.execute("UPDATE audit_events SET seq = 4 WHERE seq = 5")
        conn.execute("UPDATE audit_events SET seq = 5 WHERE seq = -1")
        return audit.verify_chain(conn)

    report = session.call(swap)
    assert not report.intact and report.first_bad == 4


def test_truncation_is_detected_against_a_printed_checkpoint(session: VaultSession) -> None:
    add_events(session, 20)
    code = session.call(lambda ctx: ctx.checkpoint("test"))
    assert session.call(lambda ctx: audit.check_checkpoint(ctx.conn, code)).ok
    add_events(session, 5)
    assert session.call(lambda ctx: audit.check_checkpoint(ctx.conn, code)).ok  # still extends
    report = tamper(session, "DELETE FROM audit_events WHERE seq > 15")
    assert report.intact  # a truncated chain is self-consistent...
    check = session.call(lambda ctx: audit.check_checkpoint(ctx.conn, code))
    assert not check.ok and check.reason == "audit.truncated"  # ...but not against the paper


def test_rewritten_history_does_not_match_checkpoint(session: VaultSession) -> None:
    add_events(session, 5)
    code = session.call(lambda ctx: ctx.checkpoint("test"))

    def rewrite(ctx: Ctx) -> None:
        ctx.conn.execute("DELETE FROM audit_events WHERE seq > 1")
        with ctx.transaction():
            for i in range(5):
                ctx.audit("record.update", "record", f"X{i}", {})

    session.call(rewrite)
    check = session.call(lambda ctx: audit.check_checkpoint(ctx.conn, code))
    assert not check.ok and check.reason == "audit.checkpoint_mismatch"


def test_checkpoint_code_round_trip_and_typos() -> None:
    code = audit.checkpoint_code(1042, bytes(range(32)))
    assert audit.parse_checkpoint_code(code.lower())[0] == 1042
    body = code[:-1]
    for i, ch in enumerate(body):
        if ch in "-" or (i < 3):
            continue
        replacement = "7" if ch != "7" else "8"
        typo = body[:i] + replacement + body[i + 1:] + code[-1]
        with pytest.raises(InputError):
            audit.parse_checkpoint_code(typo)


def test_event_is_written_in_the_same_transaction_as_the_change(session: VaultSession) -> None:
    def failing(ctx: Ctx) -> None:
        with ctx.transaction():
            ctx.conn.execute("INSERT INTO settings(key, value) VALUES ('x', 'y')")
            ctx.audit("setting.set", "setting", "x", {})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        session.call(failing)
    count = session.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM audit_events").fetchone()[0])
    assert count == 1
    assert session.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM settings WHERE key='x'").fetchone()[0]) == 0


def test_no_plaintext_canary_in_any_vault_file(make_vault: Callable[..., Path]) -> None:
    path = make_vault()
    canary = "CANARY-档案-7f3k"
    with lifecycle.open_vault(path, ADMIN, passphrase_bytes(ADMIN_PASS)) as s:
        def write(ctx: Ctx) -> None:
            with ctx.transaction():
                for i in range(200):
                    ctx.conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)",
                                     (f"k{i}", canary * 3))
                    ctx.audit("setting.set", "setting", f"k{i}", {"value": canary})

        s.call(write)
        scanned = _scan(path, canary)  # while open: WAL holds the new pages
    scanned += _scan(path, canary)
    assert scanned > 0


def _scan(path: Path, canary: str) -> int:
    needles = [canary.encode("utf-8"), canary.encode("utf-16-le"), canary.encode("gb18030")]
    files = 0
    for file in path.iterdir():
        if file.is_file():
            data = file.read_bytes()
            files += 1
            for needle in needles:
                assert needle not in data, f"plaintext canary found in {file.name}"
    return files


def test_every_single_character_substitution_of_a_checkpoint_code_is_caught() -> None:
    code = audit.checkpoint_code(1042, bytes(range(7, 39)))
    for i, ch in enumerate(code):
        if i < 3 or ch == "-":
            continue
        for other in audit.CODE_ALPHABET:
            if other == ch:
                continue
            typo = code[:i] + other + code[i + 1:]
            try:
                count, _ = audit.parse_checkpoint_code(typo)
            except InputError:
                continue
            raise AssertionError(f"typo accepted: {typo} (count {count})")


def test_damaged_page_during_a_service_call_is_reported_as_damage(session: VaultSession) -> None:
    import sqlcipher3

    from confterm.errors import DamageError

    def boom(ctx: Ctx) -> None:
        raise sqlcipher3.DatabaseError("database disk image is malformed")

    with pytest.raises(DamageError, match="damaged"):
        session.call(boom)


def test_failed_commit_leaves_no_open_transaction(session: VaultSession) -> None:
    def deferred_fk_violation(ctx: Ctx) -> bool:
        ctx.conn.execute("CREATE TABLE IF NOT EXISTS p(id INTEGER PRIMARY KEY)")
        ctx.conn.execute("CREATE TABLE IF NOT EXISTS c(p INTEGER REFERENCES p(id)"
                         " DEFERRABLE INITIALLY DEFERRED)")
        try:
            with ctx.transaction():
                ctx.conn.execute("INSERT INTO c VALUES (42)")  # fails only at COMMIT
        except Exception:
            pass
        return ctx.conn.in_transaction

    assert session.call(deferred_fk_violation) is False
