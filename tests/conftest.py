"""Shared fixtures: small vaults made with the fastest KDF the policy allows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from confterm.i18n import set_language
from confterm.vault import lifecycle
from confterm.vault.kdf import FAST_PARAMS
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import VaultSession

ADMIN = "李建国"
ADMIN_PASS = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Tests read messages in English unless they switch language themselves."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def make_vault(tmp_path: Path) -> Callable[..., Path]:
    """Create a vault (administrator ADMIN) and return its path; recovery key in .recovery."""

    def make(name: str = "vault", admin: str = ADMIN, passphrase: str = ADMIN_PASS) -> Path:
        path = tmp_path / name
        created = lifecycle.create_vault(path, admin, passphrase_bytes(passphrase),
                                         params=FAST_PARAMS, vault_name="测试档案库")
        (tmp_path / f"{name}.recovery").write_bytes(bytes(created.recovery_key))
        return path

    return make


@pytest.fixture
def vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault()


@pytest.fixture
def session(vault: Path) -> Iterator[VaultSession]:
    s = lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS))
    yield s
    s.close()


def enrol(session: VaultSession, name: str, roles: str, passphrase: str) -> None:
    from confterm.vault.people import parse_roles

    lifecycle.enrol(session, name, parse_roles(roles), passphrase_bytes(passphrase),
                    params=FAST_PARAMS)
