"""Verify a backup from the TUI: its folder and the passphrase the person had when it
was made (typed in the same masked, no-copy field as the unlock screen).

Files are checked before the passphrase is read (a truncated copy is reported without
anyone typing a secret). Argon2id and the full database check run on a worker thread that
owns and wipes the passphrase. A backup of this vault that verifies is recorded in the
register (verified when, by whom); one of another vault is verified but not recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input

from confterm.dialogs.form import FormDialog, row
from confterm.errors import AuthError, InputError, VerificationError
from confterm.i18n import t
from confterm.unlocking import in_thread, run_secret
from confterm.vault import backup_adopt, backup_register, backup_verify
from confterm.vault.secrets import wipe
from confterm.vault.session import VaultSession
from confterm.widgets.passphrase import PassphraseInput


def verify_and_record(session: VaultSession, pre: backup_verify.Preflight,
                      secret: bytearray) -> str:
    """Blocking: unlock the backup with the person's slot in it, check it, record it.

    Returns the result sentence; a failed check raises VerificationError with its reason.
    """
    dek = backup_verify.unlock(pre, session.person.name, secret)
    try:
        report = backup_verify.verify_contents(pre, dek)
    finally:
        wipe(dek)
    if not report.ok:
        problem = report.problems[0]
        raise VerificationError("backup_ui.verify.bad", path=str(pre.path),
                                reason=t(problem.key, **problem.params))
    sentence = t("backup_ui.verify.done", path=str(pre.path), events=report.events,
                 tables=len(report.tables), rows=sum(report.tables.values()))
    if pre.manifest.vault_id != session.vault_id:
        return sentence + " " + t("backup_ui.verify.other_vault")
    backup_adopt.adopt(session, pre.path)
    session.call(backup_register.mark_verified, pre.manifest.backup_id, str(pre.path),
                 report.events)
    return sentence + " " + t("backup_ui.verify.recorded")


class BackupVerifyDialog(FormDialog[str]):
    """Dismissed with the result sentence of a backup that verified; a failure stays."""

    TITLE_KEY = "backup_ui.verify.title"
    OK_KEY = "backup_ui.verify.ok"

    def __init__(self, path: str = "") -> None:
        """``path``: where the backup highlighted in the register was written."""
        self.start_path = path
        super().__init__()

    def fields(self) -> Iterable[Widget]:
        yield from row(t("backup_ui.verify.path"),
                       Input(self.start_path, id="bv-path", compact=True))
        yield from row(t("backup_ui.verify.passphrase"),
                       PassphraseInput(id="bv-pass", compact=True))

    def on_mount(self) -> None:
        # With the place filled in from the register, the passphrase is what is left.
        self.query_one("#bv-pass" if self.start_path else "#bv-path").focus()

    async def submit(self) -> None:
        path_text = self.query_one("#bv-path", Input).value.strip()
        field = self.query_one("#bv-pass", PassphraseInput)
        if not path_text:
            raise InputError("backup_ui.verify.no_path")
        if not field.value:
            raise AuthError("backup_ui.verify.empty_passphrase")
        self.say(t("backup_ui.verify.working"), "busy")
        pre = await in_thread(backup_verify.preflight, Path(path_text).expanduser())
        secret = field.take_secret()
        sentence = await run_secret(verify_and_record, self.session, pre, secret,
                                    secrets=[secret])
        self.dismiss(sentence)
