"""``confterm init --recovery-sheet FILE``: the recovery sheet, signed, at vault creation.

The recovery key exists in clear only during creation, so this is the one moment a sheet
can be made without typing the key back in. It plugs into the core's ``init`` as an
extension: the output path is checked before any passphrase is asked, and the sheet is
written only after the key has been shown on the terminal, so a sheet that cannot be
written never costs the only copy of the key.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from confterm.i18n import language, t
from confterm.vault import lifecycle
from confterm.vault.reporting import deliver, kinds, run

from .vault_commands import INIT_EXTENSIONS


class RecoverySheetAtInit:
    def precheck(self, args: argparse.Namespace) -> None:
        if getattr(args, "recovery_sheet", None):
            deliver.check_writable(Path(args.recovery_sheet))

    def after_create(self, args: argparse.Namespace, created: lifecycle.Created, name: str,
                     secret: bytearray) -> None:
        if not getattr(args, "recovery_sheet", None):
            return
        sheet = deliver.check_writable(Path(args.recovery_sheet))
        with lifecycle.open_vault(created.path, name, secret) as session:
            options = kinds.ReportOptions(
                "recovery-sheet", language(), t("reporting.recovery.purpose_init"),
                recovery_key=created.recovery_key.decode("ascii"))
            made = run.generate(session, options)
            saved = deliver.save(session, made.issued, made.produced.pdf, sheet,
                                 options.purpose)
        print(t("reporting.cli.sheet_saved", path=str(saved), code=made.issued.short_code))


def extend_init(sub: argparse._SubParsersAction) -> None:
    """Add ``--recovery-sheet`` to the core's ``init`` (if it is registered)."""
    init = sub.choices.get("init")
    if init is None:
        return
    init.add_argument("--recovery-sheet", metavar="FILE", help=t("reporting.cli.help_sheet"))
    if not any(isinstance(e, RecoverySheetAtInit) for e in INIT_EXTENSIONS):
        INIT_EXTENSIONS.append(RecoverySheetAtInit())
