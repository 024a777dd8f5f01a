"""``confterm`` (no sub-command) and ``confterm demo``: open the TUI on a vault."""

from __future__ import annotations

import argparse
from pathlib import Path

from confterm.errors import InputError
from confterm.i18n import t
from confterm.vault import lifecycle
from confterm.vault.demo import DEMO_PEOPLE, create_demo_vault

from .context import default_vault, vault_path


def demo_path(args: argparse.Namespace) -> Path:
    if getattr(args, "vault", None):
        return vault_path(args)
    return default_vault().with_name("demo-vault")


def cmd_demo(args: argparse.Namespace) -> int:
    path = demo_path(args)
    if not lifecycle.is_vault(path):
        print(t("cli.demo_creating", path=str(path)))
        path.parent.mkdir(parents=True, exist_ok=True)
        create_demo_vault(path)
    print(t("cli.demo_people", path=str(path)))
    for person in DEMO_PEOPLE:
        print(f"  {person.name}\t{person.passphrase}\t{person.note}")
    return cmd_tui(args, path)


def cmd_tui(args: argparse.Namespace, path: Path | None = None) -> int:
    """Open the TUI; every problem with the vault itself is shown on the unlock screen."""
    from confterm.app import create_app
    from confterm.vault.settings import IDLE_MAX

    idle = getattr(args, "idle_timeout", None)
    if idle is not None and not 5 <= idle <= IDLE_MAX:
        raise InputError("settings.idle_out_of_range", value=idle, minimum=5, maximum=IDLE_MAX)
    app = create_app(path or vault_path(args), lang=getattr(args, "lang", None),
                     idle_timeout=idle)
    app.run()
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help=t("cli.help_demo"))
    p.set_defaults(func=cmd_demo)
