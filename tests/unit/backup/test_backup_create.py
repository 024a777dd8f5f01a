"""Writing a backup: encrypted, complete, consistent while in use, registered, all-or-nothing."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from confterm.errors import InputError, PermissionDenied
from confterm.vault import backup, backup_register, backup_verify, keyslots, store
from confterm.vault.backup_format import MANIFEST
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import VaultSession
from tests.conftest import ADMIN, ADMIN_PASS, enrol
from tests.unit.backup.helpers import CANARY, add_rows, open_admin, take_backup, verify


def test_backup_is_encrypted_complete_and_registered(vault: Path, tmp_path: Path) -> None:
    with open_admin(vault) as s:
        add_rows(s, 1, 20)
        events_before = s.call(lambda ctx: ctx.conn.execute(
            "SELECT count(*) FROM audit_events").fetchone()[0])
        result = backup.create_backup(s, tmp_path / "usb", label="U盘-01", kept_at="档案室保险柜")
        rows = s.call(backup_register.list_backups)
        last = s.call(lambda ctx: ctx.conn.execute(
            "SELECT action, object_id FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone())
    assert result.path == tmp_path / "usb"
    assert sorted(p.name for p in result.path.iterdir()) == sorted(
        [MANIFEST, store.DB_NAME, keyslots.PRIMARY, keyslots.BACKUP])
    for file in result.path.iterdir():
        assert CANARY.encode() not in file.read_bytes()
        assert CANARY.encode("utf-16-le") not in file.read_bytes()
    assert result.manifest.audit_count == events_before
    assert [r.label for r in rows] == ["U盘-01"] and rows[0].kept_at == "档案室保险柜"
    assert rows[0].verified_at is not None and rows[0].head_seq == events_before
    assert last == ("backup.create", result.manifest.backup_id)
    report = verify(result.path)
    assert report.ok and report.tables["test_rows"] == 20 and report.events == events_before


def test_existing_directory_gets_a_new_dated_backup_each_time(vault: Path,
                                                              tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    first, second = take_backup(vault, usb), take_backup(vault, usb)
    assert first.path.parent == usb == second.path.parent and first.path != second.path
    assert first.path.name.startswith(backup.PREFIX)
    assert not [p for p in usb.iterdir() if p.name.startswith(".")]


def test_backup_is_consistent_while_the_app_keeps_writing(
        vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "PAGES_PER_STEP", 2)  # many steps: writes land between them
    with open_admin(vault) as s:
        add_rows(s, 1, 300, body="x" * 400)
        stop = threading.Event()
        written: list[int] = []
        during: list[int] = []

        def writer() -> None:
            n = 10_000
            while not stop.is_set():
                written.append(add_rows(s, n, 1))
                n += 1

        def progress(stage: str, _done: int, _total: int) -> None:
            if stage == "database":
                during.append(len(written))
                time.sleep(0.001)

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            result = backup.create_backup(s, tmp_path / "b", progress=progress)
        finally:
            stop.set()
            thread.join()
    assert during[-1] > during[0], "no write happened while the pages were copied"
    report = verify(result.path)
    assert report.ok, report.problems
    assert report.events == result.manifest.audit_count
    # One snapshot: every copied row has its audit event and no event lacks its row.
    pre = backup_verify.preflight(result.path)
    dek = backup_verify.unlock(pre, ADMIN, passphrase_bytes(ADMIN_PASS))
    conn = backup_verify.open_database(result.path / store.DB_NAME, dek)
    rows = conn.execute("SELECT count(*) FROM test_rows").fetchone()[0]
    events = conn.execute("SELECT count(*) FROM audit_events WHERE action = 'test.edit'"
                          ).fetchone()[0]
    conn.close()
    assert rows == events == report.tables["test_rows"]


@pytest.mark.parametrize("stage", backup.STAGES)
def test_a_failure_at_any_stage_leaves_no_backup_and_an_unchanged_vault(
        vault: Path, tmp_path: Path, stage: str) -> None:
    dest = tmp_path / "usb"
    dest.mkdir()

    def fail(at: str, done: int, _total: int) -> None:
        if at == stage and done == 0:
            raise OSError(28, "No space left on device")

    with open_admin(vault) as s:
        head_before = s.call(lambda ctx: ctx.conn.execute(
            "SELECT max(seq) FROM audit_events").fetchone()[0])
        with pytest.raises(InputError, match="the medium is full"):
            backup.create_backup(s, dest, progress=fail)
        head_after = s.call(lambda ctx: ctx.conn.execute(
            "SELECT max(seq) FROM audit_events").fetchone()[0])
        assert s.call(backup_register.list_backups) == []
    assert head_after == head_before
    assert list(dest.iterdir()) == []


def test_bad_targets_are_refused_with_a_clear_message(vault: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o500)
    try:
        with open_admin(vault) as s:
            with pytest.raises(InputError, match="is a file"):
                backup.create_backup(s, tmp_path / "file")
            with pytest.raises(InputError, match="inside the vault"):
                backup.create_backup(s, vault / "sub")
            with pytest.raises(InputError, match="is the medium inserted"):
                backup.create_backup(s, tmp_path / "gone" / "b")
            if os.geteuid() != 0:  # root ignores directory permissions
                with pytest.raises(InputError, match="read-only"):
                    backup.create_backup(s, readonly)
    finally:
        readonly.chmod(0o700)


def test_only_custodian_or_administrator_may_back_up(vault: Path, tmp_path: Path) -> None:
    with open_admin(vault) as s:
        enrol(s, "赵敏", "auditor", "auditor passphrase long enough")
    from confterm.vault import lifecycle
    from confterm.vault.secrets import passphrase_bytes

    with lifecycle.open_vault(vault, "赵敏", passphrase_bytes("auditor passphrase long enough")) \
            as s, pytest.raises(PermissionDenied):
        backup.create_backup(s, tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_stale_partial_directories_of_dead_processes_are_cleaned(vault: Path,
                                                                  tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    stale = usb / ".confterm-backup-x.999999999.partial"
    stale.mkdir()
    (stale / "vault.db").write_bytes(b"half")
    take_backup(vault, usb)
    assert not stale.exists()


def test_age_of_last_verified_backup_and_dashboard_warning(session: VaultSession,
                                                           tmp_path: Path) -> None:
    assert session.call(backup_register.last_verified_backup_age) is None
    warning = session.call(backup_register.backup_warning)
    assert warning is not None and warning.key == "backup.warn_never"
    backup.create_backup(session, tmp_path / "b")
    age = session.call(backup_register.last_verified_backup_age)
    assert age is not None and age < timedelta(minutes=1)
    assert session.call(backup_register.backup_warning) is None
    later = session.clock() + timedelta(days=8)
    warning = session.call(backup_register.backup_warning, later)
    assert warning is not None and warning.key == "backup.warn_old"
    assert warning.params["limit"] == backup_register.DEFAULT_WARN_DAYS
    session.call(backup_register.set_warn_days, 30)
    assert session.call(backup_register.backup_warning, later) is None
    with pytest.raises(InputError):
        session.call(backup_register.set_warn_days, 0)


def test_manifest_records_what_restore_and_audit_need(vault: Path, tmp_path: Path) -> None:
    result = take_backup(vault, tmp_path / "b", label="L", kept_at="K")
    data = json.loads((result.path / MANIFEST).read_text(encoding="utf-8"))
    assert data["vault_id"] and data["audit"]["count"] >= 1 and len(data["audit"]["head"]) == 64
    assert sorted(data["migrations"]) == sorted(m.name for m in store.known_migrations())
    assert set(data["files"]) == {store.DB_NAME, keyslots.PRIMARY, keyslots.BACKUP}
    assert data["origin"] == str(vault.resolve()) and data["label"] == "L"


def test_a_complete_backup_missing_from_the_register_is_adopted(vault: Path,
                                                                tmp_path: Path) -> None:
    """kill -9 between the final rename and the register's commit leaves a valid backup the
    register does not know; the next backup written beside it enters it (audited)."""
    usb = tmp_path / "usb"
    usb.mkdir()
    orphan = take_backup(vault, usb)
    with open_admin(vault) as s:
        s.call(lambda ctx: ctx.conn.execute("DELETE FROM backup_register"))
        backup.create_backup(s, usb)
        rows = {r.backup_id: r for r in s.call(backup_register.list_backups)}
        actions = s.call(lambda ctx: [r[0] for r in ctx.conn.execute(
            "SELECT action FROM audit_events WHERE object_id = ?",
            (orphan.manifest.backup_id,))])
    assert orphan.manifest.backup_id in rows and rows[orphan.manifest.backup_id].verified_at \
        is None
    assert actions == ["backup.create", "backup.adopt"]


def test_medium_removed_mid_write_is_named_and_leaves_the_vault_unchanged(
        vault: Path, tmp_path: Path) -> None:
    dest = tmp_path / "usb"
    dest.mkdir()

    def pull_the_stick(stage: str, done: int, _total: int) -> None:
        if stage == "keyslots" and done == 0:
            for entry in dest.iterdir():
                shutil.rmtree(entry)

    with open_admin(vault) as s:
        before = s.call(lambda ctx: ctx.conn.execute("SELECT max(seq) FROM audit_events"
                                                     ).fetchone()[0])
        with pytest.raises(InputError, match="removed during the write"):
            backup.create_backup(s, dest, progress=pull_the_stick)
        after = s.call(lambda ctx: ctx.conn.execute("SELECT max(seq) FROM audit_events"
                                                    ).fetchone()[0])
    assert after == before and list(dest.iterdir()) == []
