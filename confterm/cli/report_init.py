"""``confterm init --recovery-sheet FILE``: the recovery sheet, signed, at vault creation.

The recovery key exists in clear only during creation, so this is the one moment a sheet
can be made without typing the key back in. The vault core's ``init`` stays as it is:
this adds the option to its parser and takes over only when the option is given. The
key is always shown on the terminal first, so a sheet that cannot be written never costs
the only copy of the key.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from confterm.errors import EXIT_OK
from confterm.i18n import language, t
from confterm.vault import lifecycle, people
from confterm.vault.kdf import FAST_PARAMS
from confterm.vault.policy import check_passphrase
from confterm.vault.reporting import deliver, kinds, run
from confterm.vault.secrets import wipe

from .context import vault_path
from .prompts import read_new_secret


def cmd_init_with_sheet(args: argparse.Namespace, original: Callable[..., int]) -> int:
    if not getattr(args, "recovery_sheet", None):
        return original(args)
    path = vault_path(args)
    name = people.check_name(args.name)
    lifecycle.check_new_vault_target(path)
    sheet = deliver.check_writable(Path(args.recovery_sheet))
    secret = read_new_secret(name)
    try:
        check_passphrase(bytes(secret).decode("utf-8"), person=name)
        if not args.fast_kdf:
            print(t("cli.calibrating"), file=sys.stderr)
        created = lifecycle.create_vault(path, name, secret, vault_name=args.vault_name,
                                         params=FAST_PARAMS if args.fast_kdf else None)
        try:
            print(t("cli.created", path=str(created.path), person=name))
            print(t("cli.recovery_once"))
            print("    " + created.recovery_key.decode("ascii"))
            sys.stdout.flush()
            session = lifecycle.open_vault(path, name, secret)
            with session:
                options = kinds.ReportOptions(
                    "recovery-sheet", language(), t("reporting.recovery.purpose_init"),
                    recovery_key=created.recovery_key.decode("ascii"))
                made = run.generate(session, options)
                saved = deliver.save(session, made.issued, made.produced.pdf, sheet,
                                     options.purpose)
        finally:
            wipe(created.recovery_key)
    finally:
        wipe(secret)
    print(t("reporting.cli.sheet_saved", path=str(saved), code=made.issued.short_code))
    return EXIT_OK


def extend_init(sub: argparse._SubParsersAction) -> None:
    """Add ``--recovery-sheet`` to the core's ``init`` (if it is registered)."""
    init = sub.choices.get("init")
    if init is None:
        return
    init.add_argument("--recovery-sheet", metavar="FILE", help=t("reporting.cli.help_sheet"))
    original = init.get_default("func")
    init.set_defaults(func=lambda args: cmd_init_with_sheet(args, original))
