"""confterm check: one line per check, each problem found by the check that owns it."""

from __future__ import annotations

from pathlib import Path

from confterm.vault import check, keyslots
from tests.unit.backup.helpers import add_rows, open_admin


def _names(lines: list[check.CheckLine]) -> list[str]:
    return [line.name for line in lines]


def test_healthy_vault_passes_every_check_with_progress(vault: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    with open_admin(vault) as s:
        add_rows(s, 1, 10)
        lines = check.run_checks(s, lambda *a: seen.append(a),
                                 keyslots_before=check.keyslot_status(vault))
    assert _names(lines) == list(check.CHECKS)
    assert all(line.ok for line in lines), lines
    assert ("check", 0, 5) in seen and ("check", 5, 5) in seen
    assert any(name == "audit" and total >= 11 for name, _d, total in seen)


def test_one_damaged_keyslot_copy_is_reported_then_repaired(vault: Path) -> None:
    (vault / keyslots.BACKUP).write_bytes(b"garbage")
    before = check.keyslot_status(vault)
    assert not before.ok and before.params["file"] == keyslots.BACKUP
    with open_admin(vault) as s:
        lines = check.run_checks(s, keyslots_before=before)
    assert lines[0].ok and lines[0].key == "backup.check_keyslots_repaired"


def test_both_copies_damaged_is_its_own_message(vault: Path) -> None:
    for name in (keyslots.PRIMARY, keyslots.BACKUP):
        (vault / name).write_bytes(b"x")
    assert check.keyslot_status(vault).key == "backup.check_keyslots_both_damaged"


def test_audit_tampering_fails_only_the_audit_check(vault: Path) -> None:
    with open_admin(vault) as s:
        add_rows(s, 1, 5)
        s.call(lambda ctx: ctx.conn.execute(
            "UPDATE audit_events SET details = '{}' WHERE seq = 3"))
        lines = check.run_checks(s)
    failed = [line for line in lines if not line.ok]
    assert [line.name for line in failed] == ["audit"]
    assert failed[0].key == "audit.hash_mismatch" and failed[0].params["seq"] == 3


def test_settings_self_check_catches_a_changed_setting(vault: Path) -> None:
    with open_admin(vault) as s:
        s.call(lambda ctx: ctx.conn.execute("DELETE FROM settings WHERE key = 'vault_name'"))
        lines = check.run_checks(s)
    settings = lines[-1]
    assert not settings.ok and settings.params == {"setting": "vault_name"}
