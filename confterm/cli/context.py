"""Shared CLI plumbing: where the vault is, who unlocks it, and opening it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from platformdirs import user_data_dir

from confterm.errors import InputError
from confterm.vault.lifecycle import load_slots, open_vault
from confterm.vault.secrets import wipe
from confterm.vault.session import VaultSession

from .prompts import interactive, read_line, read_secret


def default_vault() -> Path:
    return Path(user_data_dir("confterm", appauthor=False)) / "vault"


def vault_path(args: argparse.Namespace) -> Path:
    given = getattr(args, "vault", None) or os.environ.get("CONFTERM_VAULT")
    return Path(given).expanduser() if given else default_vault()


def person_names(path: Path) -> list[str]:
    """Names that can unlock (from the keyslot file: no key needed to list them)."""
    loaded = load_slots(path)
    return [s.person for s in loaded.file.slots if s.kind == "passphrase" and s.person]


def who(args: argparse.Namespace, path: Path) -> str:
    if getattr(args, "as_person", None):
        return str(args.as_person)
    names = person_names(path)
    if len(names) == 1:
        return names[0]
    if not interactive():
        raise InputError("cli.as_required", people=", ".join(names))
    return read_line("cli.who")


def unlock(args: argparse.Namespace) -> VaultSession:
    path = vault_path(args)
    name = who(args, path)
    secret = read_secret("cli.passphrase", person=name)
    try:
        return open_vault(path, name, secret)
    finally:
        wipe(secret)



