"""Enrol a person (administrator): name, roles, a first passphrase typed twice.

The keyslot is made with Argon2id calibrated on this machine, which takes a few seconds,
on a worker thread; the enrolment is audited by the vault core.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, SelectionList

from confterm.dialogs.form import FormDialog, row
from confterm.errors import AuthError
from confterm.i18n import t
from confterm.unlocking import run_secret
from confterm.vault import lifecycle, people
from confterm.vault.secrets import wipe
from confterm.widgets.passphrase import PassphraseInput


class EnrolDialog(FormDialog[str]):
    TITLE_KEY = "ui.enrol.title"
    OK_KEY = "ui.enrol.ok"
    HELP_KEY = "ui.help.enrol"

    def fields(self) -> Iterable[Widget]:
        yield from row(t("ui.unlock.name"),
                       Input(id="enrol-name", max_length=people.MAX_NAME, compact=True))
        yield from row(t("ui.enrol.roles"), SelectionList[str](
            *[(t(f"people.role.{r}"), r) for r in people.ROLES], id="enrol-roles", compact=True))
        yield from row(t("ui.enrol.passphrase"), PassphraseInput(id="enrol-pass", compact=True))
        yield from row(t("ui.enrol.repeat"), PassphraseInput(id="enrol-repeat", compact=True))

    async def submit(self) -> None:
        name = people.check_name(self.query_one("#enrol-name", Input).value)
        roles = people.parse_roles(list(self.query_one("#enrol-roles", SelectionList).selected))
        fields = [self.query_one(f"#enrol-{n}", PassphraseInput) for n in ("pass", "repeat")]
        if not all(f.value for f in fields):
            raise AuthError("auth.empty_passphrase")
        secret, repeat = (f.take_secret() for f in fields)
        same = secret == repeat
        wipe(repeat)
        if not same:
            wipe(secret)
            raise AuthError("auth.mismatch")
        self.say(t("ui.enrol.working", person=name), "busy")
        await run_secret(lifecycle.enrol, self.session, name, roles, secret,
                         self.app_any.kdf_params, secrets=[secret])
        self.app.notify(t("ui.enrol.done", person=name))
        self.dismiss(name)
