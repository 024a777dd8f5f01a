"""Step-up presence: a second person confirms they are here by typing their passphrase.

Use it from a worker of your screen (``push_screen_wait`` needs one); the result is a
verified ``Presence`` that can sign bytes as that person, or None if cancelled. Dispose of
it as soon as the signature is made:

    @work(exit_on_error=False)
    async def approve(self) -> None:
        presence = await self.app.push_screen_wait(StepUpDialog(
            role="approver", purpose=t("access.approve_purpose", request=no),
            separate_duty="request"))
        if presence is None:
            return
        with presence:
            signature = presence.sign(message_bytes)
            await self.service(access.approve, request_id, presence.name, signature)

The list offers only active people holding ``role`` and, when ``separate_duty`` is given,
never the unlocked person; ``presence.verify`` checks the same again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from confterm.dialogs.form import FormDialog, row, wide
from confterm.errors import AuthError
from confterm.i18n import t
from confterm.unlocking import in_thread, run_secret
from confterm.vault import presence
from confterm.vault.presence import Presence
from confterm.widgets.passphrase import PassphraseInput
from confterm.widgets.top_bar import roles_text


class StepUpDialog(FormDialog[Presence | None]):
    TITLE_KEY = "ui.step_up.title"
    OK_KEY = "ui.step_up.confirm"
    HELP_KEY = "ui.help.step_up"

    def __init__(self, role: str | tuple[str, ...], purpose: str,
                 separate_duty: str | None = None) -> None:
        super().__init__()
        self.role = role
        self.purpose = purpose
        self.separate_duty = separate_duty
        self.people: list[str] = []

    def fields(self) -> Iterable[Widget]:
        roles = (self.role,) if isinstance(self.role, str) else self.role
        yield from wide(Static(self.purpose, id="step-up-purpose"))
        yield from wide(Static(t("ui.step_up.who", roles=roles_text(frozenset(roles)))))
        yield from row(t("ui.unlock.people"), OptionList(id="step-up-people", compact=True))
        yield from row(t("ui.unlock.passphrase"), PassphraseInput(id="step-up-pass",
                                                                  compact=True))

    async def reload(self) -> None:
        found = await in_thread(presence.eligible, self.session, self.role, self.separate_duty)
        self.people = [p.name for p in found]
        people = self.query_one("#step-up-people", OptionList)
        people.clear_options()
        people.add_options([Option(name, id=name) for name in self.people])
        if self.people:
            people.highlighted = 0
            people.focus()
        else:
            self.say(t("ui.step_up.nobody"))

    def on_option_list_option_selected(self) -> None:
        self.query_one("#step-up-pass").focus()

    async def submit(self) -> None:
        people = self.query_one("#step-up-people", OptionList)
        if people.highlighted is None or not self.people:
            self.say(t("ui.step_up.pick"))
            return
        name = self.people[people.highlighted]
        field = self.query_one("#step-up-pass", PassphraseInput)
        if not field.value:
            raise AuthError("auth.empty_passphrase")
        secret = field.take_secret()
        session = self.session
        self.say(t("ui.step_up.checking", person=name), "busy")
        verified = await run_secret(presence.verify, session, name, secret, self.role,
                                    self.separate_duty, secrets=[secret],
                                    on_orphan=Presence.dispose)
        app: Any = self.app
        if not self.is_attached or app.session is not session:
            verified.dispose()  # locked or closed meanwhile: nobody may use it
            return
        self.dismiss(verified)
