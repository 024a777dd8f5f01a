"""Creating, unlocking and re-keying a vault: the only code that touches keyslots and DEK.

Order of checks on unlock, so that each failure gets its own message:
missing directory -> keyslot file damaged -> back-off -> unknown person -> wrong passphrase
(AEAD failure on an intact slot) -> keyslot MAC (tampered) -> vault in use -> database
damaged (first read with a key already proven) -> settings self-check -> migrations.
"""

from __future__ import annotations

import hmac
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from confterm.errors import AuthError, DamageError, InputError
from confterm.vault import audit, keys, keyslots, people, store
from confterm.vault.backoff import Backoff
from confterm.vault.kdf import KdfParams, calibrate
from confterm.vault.keyslots import KeyslotFile
from confterm.vault.policy import check_passphrase
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx, VaultLock, VaultSession

MAC_PURPOSE = b"keyslot-mac"


@dataclass
class Created:
    """What creation hands back once: the recovery key (wipe it after showing it)."""

    path: Path
    vault_id: str
    recovery_key: bytearray


def is_vault(path: Path) -> bool:
    return any((path / name).exists()
               for name in (keyslots.PRIMARY, keyslots.BACKUP, store.DB_NAME))


def check_new_vault_target(path: Path) -> None:
    """InputError unless ``path`` can become a new vault (absent or an empty directory)."""
    if path.exists():
        if not path.is_dir():
            raise InputError("vault.not_a_directory", path=str(path))
        if is_vault(path):
            raise InputError("vault.exists", path=str(path))
        if any(path.iterdir()):
            raise InputError("vault.dir_not_empty", path=str(path))
    if not path.parent.is_dir():
        raise InputError("vault.parent_missing", path=str(path.parent))
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise InputError("vault.unwritable", path=str(path.parent))


def _policy_text(passphrase: bytearray, person: str) -> None:
    check_passphrase(bytes(passphrase).decode("utf-8", "strict"), person=person)


def create_vault(path: Path, admin_name: str, passphrase: bytearray, *,
                 vault_name: str | None = None, params: KdfParams | None = None,
                 lang: str | None = None) -> Created:
    """Create a new vault directory; never overwrites anything that exists.

    Built in a sibling temporary directory and renamed into place, so a crash or a full
    disk leaves either no vault or a complete one.
    """
    path = path.expanduser()
    name = people.check_name(admin_name)
    _policy_text(passphrase, name)
    check_new_vault_target(path)
    parent = path.parent
    params = params or calibrate()
    vault_id = uuid.uuid4().hex
    tmp = parent / f".{path.name}.creating-{os.getpid()}"
    dek, seed = keys.new_data_key(), keys.new_signing_seed()
    recovery = keys.new_recovery_key()
    mac_key = keys.subkey(dek, MAC_PURPOSE)
    vault_seed = keys.subkey(dek, b"vault-signing")
    try:
        tmp.mkdir(mode=0o700)
        conn = store.connect(tmp / store.DB_NAME, dek, create=True)
        try:
            store.migrate(conn, tmp / store.DB_NAME)
            now = store.utc_now()
            with store.transaction(conn):
                settings = {
                    "vault_id": vault_id, "vault_name": vault_name or path.name,
                    "created_at": now, "idle_timeout": "300",
                    "vault_public_key": keys.public_key_of(vault_seed).hex(),
                }
                conn.executemany("INSERT INTO settings(key, value) VALUES (?, ?)",
                                 settings.items())
                people.insert(conn, name, frozenset(people.ROLES), keys.public_key_of(seed),
                              now, lang)
                audit.append(conn, name, "vault.create", "vault", vault_id,
                             {"vault_name": settings["vault_name"], "administrator": name})
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        slots = KeyslotFile(vault_id, 0, [
            keys.make_slot(vault_id, passphrase, dek, params, "passphrase", name, seed),
            keys.make_slot(vault_id, recovery, dek, params, "recovery", None, None),
        ])
        keyslots.save(tmp, slots, mac_key)
        (tmp / store.DB_NAME).chmod(0o600)
        if path.exists():
            path.rmdir()
        os.replace(tmp, path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        wipe(recovery)
        raise InputError("vault.create_failed", path=str(path), reason=exc.strerror or str(exc)) \
            from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        wipe(recovery)
        raise
    finally:
        for secret in (dek, seed, mac_key, vault_seed):
            wipe(secret)
    return Created(path, vault_id, recovery)


def load_slots(path: Path) -> keyslots.LoadedSlots:
    if not path.exists():
        raise InputError("vault.missing", path=str(path))
    if not path.is_dir():
        raise InputError("vault.not_a_directory", path=str(path))
    if not is_vault(path):
        raise InputError("vault.not_a_vault", path=str(path))
    return keyslots.load(path)


def _verify_mac(loaded: keyslots.LoadedSlots, dek: bytearray, path: Path) -> bytearray:
    mac_key = keys.subkey(dek, MAC_PURPOSE)
    if not hmac.compare_digest(loaded.file.compute_mac(mac_key), loaded.file.mac):
        wipe(mac_key)
        raise DamageError("vault.keyslots_tampered", path=str(path / keyslots.PRIMARY))
    return mac_key


def open_vault(path: Path, name: str, passphrase: bytearray, *,
               clock: Callable[[], float] | None = None,
               now: Callable[[], datetime] | None = None) -> VaultSession:
    """Unlock ``path`` as ``name``. The caller keeps (and wipes) ``passphrase``."""
    path = path.expanduser()
    loaded = load_slots(path)
    dek, seed = _open_person_slot(loaded.file, Backoff(path, clock) if clock else Backoff(path),
                                  name, passphrase)
    return _finish_open(path, loaded, dek, seed, name, now)


def _open_person_slot(file: KeyslotFile, backoff: Backoff, name: str,
                      passphrase: bytearray) -> tuple[bytearray, bytearray]:
    """(DEK, signing seed) from ``name``'s slot, counting failures for the back-off."""
    backoff.check(name)
    slot = file.find(name)
    if slot is None:
        raise AuthError("auth.unknown_person", person=name)
    try:
        dek, seed = keys.open_slot(file.vault_id, slot, passphrase)
    except keys.WrongKey:
        backoff.failed(name)
        raise AuthError("auth.wrong_passphrase", person=name) from None
    backoff.succeeded(name)
    assert seed is not None
    return dek, seed


def _finish_open(path: Path, loaded: keyslots.LoadedSlots, dek: bytearray, seed: bytearray,
                 name: str, now: Callable[[], datetime] | None) -> VaultSession:
    try:
        mac_key = _verify_mac(loaded, dek, path)
        lock = VaultLock(path)
        lock.acquire()
    except BaseException:
        wipe(dek)
        wipe(seed)
        raise
    try:
        if loaded.needs_repair:
            keyslots.save(path, loaded.file, mac_key)
        wipe(mac_key)
        db_path = path / store.DB_NAME

        def factory() -> store.Connection:
            conn = store.connect(db_path, dek)
            try:
                store.self_check(conn, db_path)
                store.migrate(conn, db_path)
            except BaseException:
                conn.close()
                raise
            return conn

        person = _person_for(factory, name, db_path)
        kwargs = {"clock": now} if now else {}
        session = VaultSession(path, loaded.file.vault_id, person, dek, seed, lock, **kwargs)
        session.attach(factory)
        return session
    except store.DatabaseError as exc:
        # A page that fails to read once the key is proven (self-check, migrations, the
        # person's row) is damage, never an internal error (found by tests/robust bit flips).
        lock.release()
        wipe(dek)
        wipe(seed)
        raise DamageError("vault.database_damaged", path=str(path / store.DB_NAME)) from exc
    except BaseException:
        lock.release()
        wipe(dek)
        wipe(seed)
        raise


def _person_for(factory: Callable[[], store.Connection], name: str,
                db_path: Path) -> people.Person:
    conn = factory()
    try:
        person = people.get(conn, name)
    finally:
        conn.close()
    if person is None or not person.active:
        raise AuthError("auth.unknown_person", person=name)
    return person


# ---- slot changes (run with an unlocked session) ---------------------------------------


def _rewrite_slots(session: VaultSession, change: Callable[[KeyslotFile, bytearray], None]) -> None:
    loaded = keyslots.load(session.path)
    dek = session.data_key_copy()
    try:
        mac_key = _verify_mac(loaded, dek, session.path)
        try:
            change(loaded.file, dek)
            keyslots.save(session.path, loaded.file, mac_key)
        finally:
            wipe(mac_key)
    finally:
        wipe(dek)


def enrol(session: VaultSession, name: str, roles: frozenset[str], passphrase: bytearray,
          params: KdfParams | None = None, lang: str | None = None) -> people.Person:
    """Add a person (administrator only): keyslot first, then the audited database row."""
    people.require_role(session.person, "administrator")
    name = people.check_name(name)
    _policy_text(passphrase, name)
    existing = session.call(lambda ctx: people.get(ctx.conn, name))
    if existing is not None:
        raise InputError("people.exists", person=name)
    params = params or calibrate()
    seed = keys.new_signing_seed()
    public = keys.public_key_of(seed)
    try:
        def change(file: KeyslotFile, dek: bytearray) -> None:
            file.slots = [s for s in file.slots if s.person != name]
            file.slots.append(keys.make_slot(file.vault_id, passphrase, dek, params,
                                             "passphrase", name, seed))

        _rewrite_slots(session, change)
    finally:
        wipe(seed)

    def insert(ctx: Ctx) -> people.Person:
        with ctx.transaction():
            person = people.insert(ctx.conn, name, roles, public, store.utc_now(), lang)
            ctx.audit("person.enrol", "person", name, {"roles": sorted(roles)})
        return person

    return session.call(insert)


def change_passphrase(session: VaultSession, old: bytearray, new: bytearray,
                      params: KdfParams | None = None) -> None:
    """Rewrite only the unlocked person's slot: the database and its key stay as they are."""
    name = session.person.name
    _policy_text(new, name)
    loaded = keyslots.load(session.path)
    slot = loaded.file.find(name)
    if slot is None:
        raise AuthError("auth.unknown_person", person=name)
    try:
        dek_check, seed = keys.open_slot(loaded.file.vault_id, slot, old)
    except keys.WrongKey:
        raise AuthError("auth.wrong_passphrase", person=name) from None
    wipe(dek_check)
    params = params or slot.kdf
    try:
        def change(file: KeyslotFile, dek: bytearray) -> None:
            assert seed is not None
            file.slots = [s for s in file.slots if s.person != name]
            file.slots.append(keys.make_slot(file.vault_id, new, dek, params,
                                             "passphrase", name, seed))

        _rewrite_slots(session, change)
    finally:
        wipe(seed)

    def record(ctx: Ctx) -> None:
        with ctx.transaction():
            ctx.audit("person.passphrase_changed", "person", name, {})

    session.call(record)


def disable(session: VaultSession, name: str) -> None:
    """Remove a person's slot (they can no longer unlock); their history stays."""
    people.require_role(session.person, "administrator")
    if name == session.person.name:
        raise InputError("people.cannot_disable_self")
    person = session.call(lambda ctx: people.get(ctx.conn, name))
    if person is None or not person.active:
        raise InputError("people.unknown", person=name)
    _rewrite_slots(session, lambda file, _dek: setattr(
        file, "slots", [s for s in file.slots if s.person != name]))

    def record(ctx: Ctx) -> None:
        with ctx.transaction():
            ctx.conn.execute("UPDATE people SET disabled_at = ? WHERE name = ?",
                             (store.utc_now(), name))
            ctx.audit("person.disable", "person", name, {})

    session.call(record)


def verify_person_secret(session: VaultSession, name: str, passphrase: bytearray) -> bytearray:
    """Step-up presence: prove ``name`` is at the terminal; return their signing seed.

    Uses the same back-off as unlocking, so a step-up dialog cannot be used to guess.
    """
    loaded = keyslots.load(session.path)
    dek, seed = _open_person_slot(loaded.file, Backoff(session.path), name, passphrase)
    wipe(dek)
    return seed


def reset_with_recovery(path: Path, recovery_key: bytearray, name: str,
                        new_passphrase: bytearray, params: KdfParams | None = None) -> None:
    """Give ``name`` (an existing, active person) a new passphrase using the recovery key.

    The person's signing key is re-created (the old one was only wrapped by the forgotten
    passphrase); the new public key replaces the old in the database, and the reset is
    audited under the person's name with the old key's fingerprint kept in the details.
    """
    canonical = keys.normalise_recovery_key(recovery_key)
    loaded = load_slots(path)
    slot = loaded.file.recovery()
    if slot is None:
        raise DamageError("vault.no_recovery_slot", path=str(path))
    backoff = Backoff(path)
    backoff.check("*recovery*")
    try:
        dek, _ = keys.open_slot(loaded.file.vault_id, slot, canonical)
    except keys.WrongKey:
        backoff.failed("*recovery*")
        raise AuthError("auth.wrong_recovery_key") from None
    finally:
        wipe(canonical)
    backoff.succeeded("*recovery*")
    _policy_text(new_passphrase, name)
    seed = keys.new_signing_seed()
    try:
        mac_key = _verify_mac(loaded, dek, path)
        lock = VaultLock(path)
        lock.acquire()
        try:
            conn = store.connect(path / store.DB_NAME, dek)
            try:
                store.self_check(conn, path / store.DB_NAME)
                person = people.get(conn, name)
                if person is None or not person.active:
                    raise InputError("people.unknown", person=name)
                params = params or calibrate()
                loaded.file.slots = [s for s in loaded.file.slots if s.person != name]
                loaded.file.slots.append(keys.make_slot(
                    loaded.file.vault_id, new_passphrase, dek, params, "passphrase", name, seed))
                keyslots.save(path, loaded.file, mac_key)
                with store.transaction(conn):
                    conn.execute("UPDATE people SET public_key = ? WHERE name = ?",
                                 (keys.public_key_of(seed), name))
                    audit.append(conn, name, "person.recovery_reset", "person", name,
                                 {"old_key": keys.fingerprint(person.public_key)})
            finally:
                conn.close()
        finally:
            lock.release()
            wipe(mac_key)
    finally:
        wipe(dek)
        wipe(seed)
