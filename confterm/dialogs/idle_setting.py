"""Set the vault's idle lock time (administrator); audited with the old and new value."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Static

from confterm.dialogs.form import FormDialog, row, wide
from confterm.i18n import t
from confterm.vault import settings


class IdleSettingDialog(FormDialog[int]):
    TITLE_KEY = "ui.idle.title"
    HELP_KEY = "ui.help.idle"

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def fields(self) -> Iterable[Widget]:
        yield from wide(Static(t("ui.idle.explain", minimum=settings.IDLE_MIN,
                                 maximum=settings.IDLE_MAX)))
        yield from row(t("ui.idle.seconds"), Input(str(self.current), id="idle-seconds",
                                                   restrict=r"[0-9]*", max_length=6,
                                                   compact=True))

    async def submit(self) -> None:
        seconds = settings.parse_idle_timeout(self.query_one("#idle-seconds", Input).value)
        await self.service(settings.set_idle_timeout, seconds)
        self.dismiss(seconds)
