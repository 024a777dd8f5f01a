"""The shape of every form about one access request (decide, lend, return, copies, export).

Each carries the request's detail as the vault read it when the form opened, and its title
names the request, so a person acting on several requests always sees which one this is.
"""

from __future__ import annotations

from typing import TypeVar

from confterm.dialogs.form import FormDialog
from confterm.i18n import t
from confterm.vault.access.views import RequestDetail

R = TypeVar("R")


class RequestDialog(FormDialog[R]):
    """A FormDialog over one request; ``TITLE_KEY`` may use ``{request}``."""

    def __init__(self, detail: RequestDetail) -> None:
        super().__init__()
        self.detail = detail

    def title_text(self) -> str:
        return t(self.TITLE_KEY, request=self.detail.request.id)
