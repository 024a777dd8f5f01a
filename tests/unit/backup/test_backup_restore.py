"""Restore: into a new directory only, refusals, and the re-apply hooks for destruction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from confterm.errors import AuthError, ConflictError, DamageError, InputError, VerificationError
from confterm.vault import audit, lifecycle, restore, restore_hooks, store
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.store import Connection
from tests.conftest import ADMIN, ADMIN_PASS
from tests.unit.backup.helpers import add_rows, open_admin, take_backup


def run_restore(src: Path, target: Path, **kwargs: object) -> restore.RestoreReport:
    return restore.restore(src, target, ADMIN, passphrase_bytes(ADMIN_PASS),
                           **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def hooks() -> Iterator[list[tuple[int, int, int]]]:
    """A stand-in for destruction: purge test_rows whose deletion was audited after the
    backup, reading the newer history's audit log (the real one will use tombstones)."""
    calls: list[tuple[int, int, int]] = []

    def purge(newer: Connection, restored: Connection, head_seq: int) -> list[str]:
        gone = [int(r[0]) for r in newer.execute(
            "SELECT object_id FROM audit_events WHERE action = 'test.delete' AND seq > ?",
            (head_seq,))]
        for n in gone:
            restored.execute("DELETE FROM test_rows WHERE n = ?", (n,))
        calls.append((head_seq, len(gone), audit.head(newer)[0]))
        return [f"test row {n}" for n in gone]

    restore_hooks.register_reapply_hook(purge)
    yield calls
    restore_hooks.REAPPLY_HOOKS.remove(purge)


def _delete(session: lifecycle.VaultSession, n: int) -> None:  # type: ignore[name-defined]
    def run(ctx: object) -> None:
        with ctx.transaction():  # type: ignore[attr-defined]
            ctx.conn.execute("DELETE FROM test_rows WHERE n = ?", (n,))  # type: ignore
            ctx.audit("test.delete", "test_row", n, {})  # type: ignore[attr-defined]
    session.call(run)


def _rows(vault: Path) -> list[int]:
    with open_admin(vault) as s:
        return s.call(lambda ctx: [r[0] for r in ctx.conn.execute(
            "SELECT n FROM test_rows ORDER BY n")])


def test_restore_reapplies_later_destructions_from_the_current_vault(
        vault: Path, tmp_path: Path, hooks: list[tuple[int, int, int]]) -> None:
    with open_admin(vault) as s:
        add_rows(s, 1, 5)
    made = take_backup(vault, tmp_path / "b")
    with open_admin(vault) as s:
        _delete(s, 2)
        _delete(s, 4)
    report = run_restore(made.path, tmp_path / "restored")  # current vault found by origin
    assert report.history == "current" and report.history_path == vault
    assert report.purged == ["test row 2", "test row 4"]
    assert hooks[0][0] == made.manifest.audit_count and hooks[0][1] == 2
    assert _rows(tmp_path / "restored") == [1, 3, 5]
    with open_admin(tmp_path / "restored") as s:
        event = s.call(lambda ctx: audit.fetch(ctx.conn, report.audit_seq))
        intact = s.call(lambda ctx: audit.verify_chain(ctx.conn)).intact
    assert event is not None and event.action == "vault.restore" and intact
    assert event.details["purged"] == ["test row 2", "test row 4"]
    assert event.details["backup_head_seq"] == made.manifest.audit_count


def test_restore_from_a_newer_backup_when_the_vault_is_gone(
        vault: Path, tmp_path: Path, hooks: list[tuple[int, int, int]]) -> None:
    with open_admin(vault) as s:
        add_rows(s, 1, 3)
    old = take_backup(vault, tmp_path / "old")
    with open_admin(vault) as s:
        _delete(s, 1)
    newer = take_backup(vault, tmp_path / "newer")
    gone = tmp_path / "gone"
    vault.rename(gone)  # the machine burnt: origin no longer there
    report = run_restore(old.path, tmp_path / "r", newer=newer.path)
    assert report.history == "newer" and report.purged == ["test row 1"]
    assert _rows(tmp_path / "r") == [2, 3]


def test_without_newer_history_restore_needs_an_explicit_statement(
        vault: Path, tmp_path: Path) -> None:
    made = take_backup(vault, tmp_path / "b")
    vault.rename(tmp_path / "elsewhere")
    with pytest.raises(InputError, match="--no-newer-history"):
        run_restore(made.path, tmp_path / "r")
    assert not (tmp_path / "r").exists()
    report = run_restore(made.path, tmp_path / "r", no_newer_history=True)
    assert report.history == "none"
    with open_admin(tmp_path / "r") as s:
        event = s.call(lambda ctx: audit.fetch(ctx.conn, report.audit_seq))
    assert event is not None and event.details["history"] == "none"


def test_never_over_an_existing_vault_or_non_empty_directory(vault: Path,
                                                              tmp_path: Path) -> None:
    made = take_backup(vault, tmp_path / "b")
    before = (vault / store.DB_NAME).read_bytes()
    with pytest.raises(InputError, match="never overwritten"):
        run_restore(made.path, vault)
    assert (vault / store.DB_NAME).read_bytes() == before
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "note.txt").write_text("x")
    with pytest.raises(InputError, match="not empty"):
        run_restore(made.path, busy)
    (tmp_path / "empty").mkdir()
    assert run_restore(made.path, tmp_path / "empty").path == tmp_path / "empty"


def test_backup_of_another_vault_is_refused_against_current(
        make_vault: object, tmp_path: Path) -> None:
    one, other = make_vault("one"), make_vault("other")  # type: ignore[operator]
    made = take_backup(one, tmp_path / "b")
    with pytest.raises(InputError, match="another vault"):
        run_restore(made.path, tmp_path / "r", current=other)
    assert not (tmp_path / "r").exists()


def test_backup_from_a_newer_confterm_is_refused(vault: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = store.known_migrations()
    future = store.Migration("9999_future.sql", "CREATE TABLE future(x INTEGER);")
    monkeypatch.setattr(store, "known_migrations", lambda: [*shipped, future])
    made = take_backup(vault, tmp_path / "b")
    monkeypatch.setattr(store, "known_migrations", lambda: shipped)
    with pytest.raises(InputError, match="newer confterm"):
        run_restore(made.path, tmp_path / "r", no_newer_history=True)
    assert not (tmp_path / "r").exists()


def test_wrong_passphrase_damaged_backup_and_diverged_history(
        vault: Path, tmp_path: Path, make_vault: object) -> None:
    made = take_backup(vault, tmp_path / "b")
    with pytest.raises(AuthError):
        restore.restore(made.path, tmp_path / "r", ADMIN, passphrase_bytes("wrong one!!!!!"),
                        no_newer_history=True)
    # A history that does not extend the backup (restored elsewhere, then diverged).
    fork = run_restore(made.path, tmp_path / "fork").path
    with open_admin(vault) as s:
        add_rows(s, 100, 1)
    newer = take_backup(vault, tmp_path / "newer")
    with open_admin(fork) as s:
        add_rows(s, 200, 1)
    fork_backup = take_backup(fork, tmp_path / "fork-b")
    with pytest.raises(ConflictError, match="does not continue"):
        run_restore(newer.path, tmp_path / "r2", current=fork)
    with pytest.raises(ConflictError, match="does not continue"):
        run_restore(newer.path, tmp_path / "r3", newer=fork_backup.path)
    data = bytearray((made.path / store.DB_NAME).read_bytes())
    data[5000] ^= 1
    (made.path / store.DB_NAME).write_bytes(bytes(data))
    with pytest.raises(DamageError, match="SHA-256"):
        run_restore(made.path, tmp_path / "r4", no_newer_history=True)
    assert not any((tmp_path / n).exists() for n in ("r", "r2", "r3", "r4"))


def test_a_failing_hook_aborts_the_restore_and_leaves_nothing(vault: Path,
                                                              tmp_path: Path) -> None:
    made = take_backup(vault, tmp_path / "b")

    def broken(newer: Connection, restored: Connection, head_seq: int) -> list[str]:
        raise ConflictError("backup.restore_history_diverged", path="x", seq=head_seq)

    restore_hooks.register_reapply_hook(broken)
    try:
        with pytest.raises(ConflictError):
            run_restore(made.path, tmp_path / "r")
    finally:
        restore_hooks.REAPPLY_HOOKS.remove(broken)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert not (tmp_path / "r").exists()


def test_restored_vault_is_a_working_vault_with_same_people_and_key(vault: Path,
                                                                     tmp_path: Path) -> None:
    made = take_backup(vault, tmp_path / "b")
    report = run_restore(made.path, tmp_path / "r")
    with open_admin(tmp_path / "r") as s:
        assert s.vault_id == made.manifest.vault_id
        assert s.call(lambda ctx: ctx.conn.execute("PRAGMA journal_mode").fetchone()[0]) == "wal"
    assert report.audit_seq == made.manifest.audit_count + 1
    data = json.loads((made.path / "manifest.json").read_text(encoding="utf-8"))
    assert data["backup_id"] == made.manifest.backup_id


def test_damaged_current_vault_blocks_until_the_person_says_it_is_gone(
        vault: Path, tmp_path: Path) -> None:
    """Restoring because the vault is damaged: the detected, unreadable vault is not silently
    ignored; with --no-newer-history it is skipped and the audit event says so."""
    made = take_backup(vault, tmp_path / "b")
    db = vault / store.DB_NAME
    db.write_bytes(bytes(4096) + db.read_bytes()[4096:])  # page 1 destroyed
    with pytest.raises(DamageError, match="cannot be read"):
        run_restore(made.path, tmp_path / "r")
    report = run_restore(made.path, tmp_path / "r", no_newer_history=True)
    assert report.history == "none" and report.unreadable == vault
    with open_admin(tmp_path / "r") as s:
        event = s.call(lambda ctx: audit.fetch(ctx.conn, report.audit_seq))
    assert event is not None and event.details["history_unreadable"] == str(vault)


def test_a_crashing_hook_is_one_clear_sentence(vault: Path, tmp_path: Path) -> None:
    made = take_backup(vault, tmp_path / "b")

    def crashing(newer: Connection, restored: Connection, head_seq: int) -> list[str]:
        raise KeyError("tombstones")

    restore_hooks.register_reapply_hook(crashing)
    try:
        with pytest.raises(VerificationError, match="crashing") as caught:
            run_restore(made.path, tmp_path / "r")
    finally:
        restore_hooks.REAPPLY_HOOKS.remove(crashing)
    assert "tombstones" in str(caught.value) and not (tmp_path / "r").exists()
