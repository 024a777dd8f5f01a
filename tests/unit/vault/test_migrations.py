"""Migrations are applied once, tracked by name; a newer vault is refused, not misread."""

from __future__ import annotations

from pathlib import Path

import pytest

from confterm.errors import InputError
from confterm.vault import lifecycle, store
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import VaultSession
from tests.conftest import ADMIN, ADMIN_PASS


def test_every_shipped_migration_is_applied(session: VaultSession) -> None:
    applied = session.call(lambda ctx: [r[0] for r in ctx.conn.execute(
        "SELECT name FROM schema_migrations ORDER BY name")])
    assert applied == [m.name for m in store.known_migrations()]


def test_a_new_migration_is_applied_once_on_next_unlock(vault: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = store.known_migrations()
    extra = store.Migration("9000_extra.sql", "CREATE TABLE extra(x INTEGER);")
    monkeypatch.setattr(store, "known_migrations", lambda: [*shipped, extra])
    for _ in range(2):  # the second unlock must not apply it again
        with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as s:
            names = s.call(lambda ctx: [r[0] for r in ctx.conn.execute(
                "SELECT name FROM schema_migrations")])
            s.call(lambda ctx: ctx.conn.execute("SELECT count(*) FROM extra").fetchone())
        assert names.count("9000_extra.sql") == 1


def test_vault_from_a_newer_confterm_is_refused(vault: Path) -> None:
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as s:
        s.call(lambda ctx: ctx.conn.execute(
            "INSERT INTO schema_migrations VALUES ('9999_future.sql', 'x')"))
    with pytest.raises(InputError, match="newer confterm"):
        lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS))


def test_settings_self_check_refuses_foreign_database(vault: Path) -> None:
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as s:
        s.call(lambda ctx: ctx.conn.execute("PRAGMA application_id = 12345"))
    from confterm.errors import DamageError

    with pytest.raises(DamageError, match="not made by confterm"):
        lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS))
