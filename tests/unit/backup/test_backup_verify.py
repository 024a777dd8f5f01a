"""Verifying a backup: each kind of damage found, with its reason, before or after unlock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from confterm.errors import AuthError, DamageError, InputError
from confterm.vault import backup_verify, keyslots, store
from confterm.vault.backup_format import MANIFEST, file_digest
from confterm.vault.secrets import passphrase_bytes
from tests.conftest import ADMIN
from tests.unit.backup.helpers import add_rows, open_admin, take_backup, verify


@pytest.fixture
def made(vault: Path, tmp_path: Path) -> Path:
    with open_admin(vault) as s:
        add_rows(s, 1, 50)
    return take_backup(vault, tmp_path / "b").path


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x10
    path.write_bytes(bytes(data))


def test_intact_backup_verifies_with_counts(made: Path) -> None:
    report = verify(made)
    assert report.ok and report.events >= 51 and report.tables["people"] == 1


def test_truncated_database_is_found_before_any_passphrase(made: Path) -> None:
    db = made / store.DB_NAME
    db.write_bytes(db.read_bytes()[:-4096])
    with pytest.raises(DamageError, match="truncated"):
        backup_verify.preflight(made)


@pytest.mark.parametrize("name", [store.DB_NAME, keyslots.PRIMARY, keyslots.BACKUP])
def test_a_changed_byte_in_any_file_is_named(made: Path, name: str) -> None:
    _flip(made / name, (made / name).stat().st_size // 2)
    with pytest.raises(DamageError, match="SHA-256") as caught:
        backup_verify.preflight(made)
    assert name in str(caught.value)


def test_missing_file_manifest_or_partial_name(made: Path, tmp_path: Path) -> None:
    (made / keyslots.BACKUP).unlink()
    with pytest.raises(DamageError, match="missing"):
        backup_verify.preflight(made)
    (made / MANIFEST).unlink()
    with pytest.raises(DamageError, match="unfinished"):
        backup_verify.preflight(made)
    partial = tmp_path / ".x.123.partial"
    partial.mkdir()
    with pytest.raises(DamageError, match="unfinished"):
        backup_verify.preflight(partial)
    with pytest.raises(InputError, match="No backup"):
        backup_verify.preflight(tmp_path / "nothing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="not a confterm backup"):
        backup_verify.preflight(empty)


def test_edited_manifest_fails_its_mac_even_with_matching_digests(made: Path) -> None:
    data = json.loads((made / MANIFEST).read_text(encoding="utf-8"))
    data["label"] = "forged"
    (made / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    pre = backup_verify.preflight(made)  # digests still match: only the MAC can tell
    with pytest.raises(DamageError, match="manifest fails its MAC"):
        backup_verify.unlock(pre, ADMIN, passphrase_bytes("correct horse battery staple"))


def test_consistently_replaced_database_is_caught_by_the_audit_head(
        vault: Path, made: Path, tmp_path: Path) -> None:
    """Swap in a newer database and fix the digests: the manifest MAC still says no."""
    newer = take_backup(vault, tmp_path / "newer").path
    shutil.copyfile(newer / store.DB_NAME, made / store.DB_NAME)
    data = json.loads((made / MANIFEST).read_text(encoding="utf-8"))
    entry = file_digest(made / store.DB_NAME)
    data["files"][store.DB_NAME] = {"size": entry.size, "sha256": entry.sha256}
    (made / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    pre = backup_verify.preflight(made)
    with pytest.raises(DamageError, match="MAC"):
        backup_verify.unlock(pre, ADMIN, passphrase_bytes("correct horse battery staple"))


def test_wrong_passphrase_and_unknown_person_are_auth_errors(made: Path) -> None:
    pre = backup_verify.preflight(made)
    with pytest.raises(AuthError, match="Wrong passphrase") as caught:
        backup_verify.unlock(pre, ADMIN, passphrase_bytes("not the passphrase at all"))
    assert caught.value.exit_code == 3
    with pytest.raises(AuthError, match="no keyslot"):
        backup_verify.unlock(pre, "Nobody", passphrase_bytes("not the passphrase at all"))


def test_verification_never_writes_to_the_backup(made: Path) -> None:
    before = {p.name: p.read_bytes() for p in made.iterdir()}
    made.chmod(0o500)
    try:
        assert verify(made).ok
    finally:
        made.chmod(0o700)
    assert {p.name: p.read_bytes() for p in made.iterdir()} == before
