"""Backup area: write a backup through the dialog, verify it, check the vault, and refuse
an unwritable folder with one sentence and nothing written."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from confterm.app import ConftermApp
from confterm.vault import backup_register
from tests.ui.conftest import ADMIN, CUSTODIAN, Who, on_screen, screen_text, unlock, wait_for

MakeApp = Callable[..., ConftermApp]


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write to: chmod for a normal user; as root (which ignores
    permissions) a read-only tmpfs mounted there, or skip when mounting is not allowed."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs",
                              str(folder)], capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("root without permission to mount a read-only folder")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


async def open_backup(pilot: Any, app: ConftermApp, who: Who = ADMIN) -> None:
    await unlock(pilot, who)
    await pilot.press("f7")
    await wait_for(pilot, lambda: on_screen(app, "BackupScreen"))


async def fill_write_dialog(pilot: Any, app: ConftermApp, dest: Path, label: str,
                            kept_at: str) -> Any:
    await pilot.press("w")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "BackupWriteDialog")
    dialog: Any = app.screen
    dialog.query_one("#bw-dest").value = str(dest)
    dialog.query_one("#bw-label").value = label
    kept = dialog.query_one("#bw-kept")
    kept.value = kept_at
    kept.focus()
    await pilot.press("enter")
    return dialog


async def test_write_a_backup_and_see_it_in_the_register(make_app: MakeApp,
                                                        tmp_path: Path) -> None:
    app = make_app()
    dest = tmp_path / "usb"
    dest.mkdir()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backup(pilot, app, CUSTODIAN)
        assert "register is empty" in screen_text(app)
        await fill_write_dialog(pilot, app, dest, "USB-07", "Safe, room 3")
        # The result line names the written folder at once; the register row comes with
        # the reload after it, so wait for the row's own column.
        await wait_for(pilot, lambda: on_screen(app, "BackupScreen")
                       and "Safe, room 3" in screen_text(app), timeout=30)
        text = screen_text(app)
        assert "Safe, room 3" in text and CUSTODIAN.name in text
        assert "Backup written, read back, verified and registered" in text
        assert app.session is not None
        rows = await app.session.acall(backup_register.list_backups)
    assert [(r.label, r.kept_at, r.created_by) for r in rows] == \
        [("USB-07", "Safe, room 3", CUSTODIAN.name)]
    written = [p for p in dest.iterdir()]
    assert len(written) == 1 and (written[0] / "manifest.json").is_file()


async def test_verify_the_written_backup_records_when(make_app: MakeApp,
                                                     tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backup(pilot, app)
        await fill_write_dialog(pilot, app, tmp_path / "b1", "DISK-1", "Cabinet")
        await wait_for(pilot, lambda: on_screen(app, "BackupScreen")
                       and "Cabinet" in screen_text(app), timeout=30)
        await pilot.press("v")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BackupVerifyDialog")
        dialog: Any = app.screen
        # the highlighted backup's place is filled in; the passphrase field has the focus
        assert app.session is not None
        written = await app.session.acall(backup_register.list_backups)
        assert dialog.query_one("#bv-path").value == written[0].location
        assert str(tmp_path / "b1") in written[0].location
        field = dialog.query_one("#bv-pass")
        assert field.has_focus
        field.value = "not the passphrase"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Wrong passphrase" in dialog.message_text, timeout=30)
        assert field.value == ""  # the secret was taken and the field emptied
        field.value = ADMIN.passphrase
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, "BackupScreen")
                       and "Backup intact" in screen_text(app), timeout=30)
        assert app.session is not None
        rows = await app.session.acall(backup_register.list_backups)
    assert rows[0].verified_at is not None and rows[0].verified_by == ADMIN.name


async def test_check_the_vault_every_line_ok(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backup(pilot, app)
        await pilot.press("k")
        screen: Any = app.screen
        await wait_for(pilot, lambda: screen.check_result is not None, timeout=30)
        assert [line.name for line in screen.check_result] == \
            ["keyslots", "cipher_integrity", "integrity", "audit", "settings"]
        assert all(line.ok for line in screen.check_result)
        text = screen_text(app)
        assert text.count("✔") == 5 and "✘" not in text
        assert "all 5 checks passed" in text
        screen.loaded = False
        await pilot.press("f2")  # the screen is rebuilt in Chinese: the result stays
        await wait_for(pilot, lambda: screen.loaded and "5 项全部通过" in screen_text(app))
        assert screen_text(app).count("✔") == 5
        assert not screen.query_one("#check-progress").display  # no bar left at 0 %


async def test_check_from_the_palette_on_home(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(pilot, ADMIN)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"check the vault")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, "BackupScreen")
                       and "all 5 checks passed" in screen_text(app), timeout=30)


async def test_unwritable_folder_one_sentence_nothing_written(make_app: MakeApp,
                                                              unwritable: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backup(pilot, app)
        dialog = await fill_write_dialog(pilot, app, unwritable, "RO-1", "Nowhere")
        await wait_for(pilot, lambda: not dialog.busy and dialog.message_text
                       and "…" not in dialog.message_text, timeout=30)
        message = dialog.message_text
        assert message == f"Cannot write to the backup target {unwritable} " \
                          "(read-only or permission denied)."
        assert app.screen is dialog
        assert app.session is not None
        assert await app.session.acall(backup_register.list_backups) == []
    assert list(unwritable.iterdir()) == []


async def test_auditor_cannot_open_backup(make_app: MakeApp) -> None:
    from tests.ui.conftest import AUDITOR

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await unlock(pilot, AUDITOR)
        await pilot.press("f7")
        await pilot.pause(0.2)
        assert not on_screen(app, "BackupScreen")
