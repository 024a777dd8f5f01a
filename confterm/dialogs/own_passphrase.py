"""Change the unlocked person's own passphrase: current one, new one twice.

Only that person's keyslot is rewritten (Argon2id, on a worker thread); the change is
audited by the vault core.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget

from confterm.dialogs.form import FormDialog, row
from confterm.errors import AuthError
from confterm.i18n import t
from confterm.unlocking import run_secret
from confterm.vault import lifecycle
from confterm.vault.secrets import wipe
from confterm.widgets.passphrase import PassphraseInput


class OwnPassphraseDialog(FormDialog[bool]):
    TITLE_KEY = "ui.own_passphrase.title"
    OK_KEY = "ui.own_passphrase.ok"
    HELP_KEY = "ui.help.own_passphrase"

    def fields(self) -> Iterable[Widget]:
        for name, key in (("old", "current"), ("new", "new"), ("repeat", "repeat")):
            yield from row(t(f"ui.own_passphrase.{key}"),
                           PassphraseInput(id=f"pw-{name}", compact=True))

    async def submit(self) -> None:
        fields = [self.query_one(f"#pw-{n}", PassphraseInput) for n in ("old", "new", "repeat")]
        if not all(f.value for f in fields):
            raise AuthError("auth.empty_passphrase")
        old, new, repeat = (f.take_secret() for f in fields)
        if new != repeat:
            for secret in (old, new, repeat):
                wipe(secret)
            raise AuthError("auth.mismatch")
        wipe(repeat)
        self.say(t("ui.own_passphrase.working"), "busy")
        await run_secret(lifecycle.change_passphrase, self.session, old, new,
                         self.app_any.kdf_params, secrets=[old, new])
        self.app.notify(t("ui.own_passphrase.done"))
        self.dismiss(True)
