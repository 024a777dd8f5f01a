"""Keyslot round trips, passphrase change, recovery, and the three error classes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from confterm.errors import AuthError, DamageError, InputError
from confterm.vault import keyslots, lifecycle, store
from confterm.vault.kdf import FAST_PARAMS
from confterm.vault.secrets import passphrase_bytes
from tests.conftest import ADMIN, ADMIN_PASS, enrol


def unlock(path: Path, name: str = ADMIN, passphrase: str = ADMIN_PASS) -> object:
    session = lifecycle.open_vault(path, name, passphrase_bytes(passphrase))
    session.close()
    return session


def test_several_people_each_unlock_with_their_own_passphrase(vault: Path) -> None:
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as s:
        enrol(s, "王秀英", "custodian", "custodian passphrase one")
        enrol(s, "张伟", "approver,auditor", "approver passphrase two")
    for name, pw in [("王秀英", "custodian passphrase one"), ("张伟", "approver passphrase two")]:
        with lifecycle.open_vault(vault, name, passphrase_bytes(pw)) as s:
            assert s.person.name == name
        with pytest.raises(AuthError, match="Wrong passphrase"):
            lifecycle.open_vault(vault, name, passphrase_bytes(ADMIN_PASS))


def test_passphrase_change_keeps_data_key_and_kills_old_passphrase(vault: Path) -> None:
    db_before = (vault / store.DB_NAME).read_bytes()[:4096]
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as s:
        dek_before = s.data_key_copy()
        lifecycle.change_passphrase(s, passphrase_bytes(ADMIN_PASS),
                                    passphrase_bytes("a brand new passphrase"))
    with pytest.raises(AuthError):
        lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS))
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes("a brand new passphrase")) as s:
        assert s.data_key_copy() == dek_before
        events = s.call(lambda ctx: [r[0] for r in ctx.conn.execute(
            "SELECT action FROM audit_events ORDER BY seq")])
    assert events[-1] == "person.passphrase_changed"
    # The database's first page (salt + encrypted header) was not re-encrypted.
    assert (vault / store.DB_NAME).read_bytes()[:16] == db_before[:16]


def test_recovery_key_resets_a_forgotten_passphrase(vault: Path, tmp_path: Path) -> None:
    recovery = bytearray((tmp_path / "vault.recovery").read_bytes())
    typed = bytearray(recovery.decode().lower().replace("-", " ").encode())
    lifecycle.reset_with_recovery(vault, typed, ADMIN, passphrase_bytes("recovered passphrase!"),
                                  params=FAST_PARAMS)
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes("recovered passphrase!")) as s:
        assert s.person.name == ADMIN
    with pytest.raises(AuthError):
        lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS))


def test_recovery_key_typo_is_caught_by_check_character(vault: Path, tmp_path: Path) -> None:
    recovery = (tmp_path / "vault.recovery").read_text()
    wrong = ("1" if recovery[0] != "1" else "2") + recovery[1:]
    with pytest.raises(InputError, match="mistyped"):
        lifecycle.reset_with_recovery(vault, bytearray(wrong.encode()), ADMIN,
                                      passphrase_bytes("recovered passphrase!"))


def test_wrong_passphrase_unknown_person_and_backoff(vault: Path) -> None:
    clock = [1000.0]
    for _ in range(3):
        with pytest.raises(AuthError, match="Wrong passphrase"):
            lifecycle.open_vault(vault, ADMIN, passphrase_bytes("not the passphrase"),
                                 clock=lambda: clock[0])
    with pytest.raises(AuthError, match="try again in"):
        lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS), clock=lambda: clock[0])
    clock[0] += 3
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS),
                              clock=lambda: clock[0]):
        pass
    with pytest.raises(AuthError, match="No enrolled person"):
        lifecycle.open_vault(vault, "Nobody", passphrase_bytes(ADMIN_PASS))


def test_backoff_counter_survives_restart(vault: Path) -> None:
    for _ in range(4):
        with pytest.raises(AuthError):
            lifecycle.open_vault(vault, ADMIN, passphrase_bytes("not the passphrase"))
    # a new process reads the counter from disk: simulate by a fresh call
    with pytest.raises(AuthError, match="try again in"):
        lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS))


def _flip(path: Path, index: int) -> None:
    data = bytearray(path.read_bytes())
    data[index] ^= 0x01
    path.write_bytes(bytes(data))


def test_every_single_byte_change_of_the_keyslot_file_is_damage_not_wrong_passphrase(
        make_vault: Callable[..., Path]) -> None:
    path = make_vault()
    original = (path / keyslots.PRIMARY).read_bytes()
    for index in range(len(original)):
        for name in (keyslots.PRIMARY, keyslots.BACKUP):
            (path / name).write_bytes(original)
            _flip(path / name, index)
        with pytest.raises(DamageError):
            lifecycle.open_vault(path, ADMIN, passphrase_bytes(ADMIN_PASS))


def test_one_damaged_copy_still_unlocks_and_is_repaired(vault: Path) -> None:
    good = (vault / keyslots.PRIMARY).read_bytes()
    _flip(vault / keyslots.PRIMARY, len(good) // 2)
    unlock(vault)
    assert keyslots.parse((vault / keyslots.PRIMARY).read_bytes()).vault_id
    (vault / keyslots.BACKUP).write_bytes(b"garbage")
    unlock(vault)
    assert keyslots.parse((vault / keyslots.BACKUP).read_bytes()).vault_id


def test_resealed_keyslot_file_without_the_key_is_detected_by_mac(vault: Path) -> None:
    """Someone edits a slot and recomputes the digest: the MAC keyed from the DEK says no."""
    loaded = keyslots.load(vault)
    loaded.file.generation += 5
    data = loaded.file.serialise()
    for name in (keyslots.PRIMARY, keyslots.BACKUP):
        (vault / name).write_bytes(data)
    with pytest.raises(DamageError, match="tampered"):
        unlock(vault)


def test_damaged_database_is_not_a_wrong_passphrase(vault: Path) -> None:
    _flip(vault / store.DB_NAME, 100)
    with pytest.raises(DamageError, match="database is damaged"):
        unlock(vault)


def test_missing_and_non_vault_directories(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No vault directory"):
        unlock(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="not a confterm vault"):
        unlock(tmp_path / "empty")


def test_existing_vault_is_never_overwritten(vault: Path) -> None:
    before = (vault / store.DB_NAME).read_bytes()
    with pytest.raises(InputError, match="already holds a vault"):
        lifecycle.create_vault(vault, "Someone", passphrase_bytes("another long passphrase"),
                               params=FAST_PARAMS)
    assert (vault / store.DB_NAME).read_bytes() == before


def test_second_process_cannot_open_a_vault_in_use(vault: Path) -> None:
    with (lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)),
          pytest.raises(InputError, match="in use by another confterm")):
        unlock(vault)
    unlock(vault)


def test_disabled_person_cannot_unlock_and_history_stays(vault: Path) -> None:
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as s:
        enrol(s, "王秀英", "custodian", "custodian passphrase one")
        lifecycle.disable(s, "王秀英")
        actions = s.call(lambda ctx: [r[0] for r in ctx.conn.execute(
            "SELECT action FROM audit_events WHERE object_id = '王秀英' ORDER BY seq")])
    assert actions == ["person.enrol", "person.disable"]
    with pytest.raises(AuthError, match="No enrolled person"):
        unlock(vault, "王秀英", "custodian passphrase one")


def test_every_single_character_substitution_of_a_recovery_key_is_caught() -> None:
    from confterm.vault import keys

    key = keys.new_recovery_key().decode()
    for i, ch in enumerate(key):
        if ch == "-":
            continue
        for other in keys.RECOVERY_ALPHABET:
            if other != ch:
                with pytest.raises(InputError):
                    keys.normalise_recovery_key(bytearray((key[:i] + other + key[i + 1:])
                                                          .encode()))
