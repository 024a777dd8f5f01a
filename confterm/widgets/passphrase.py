"""A passphrase field: masked, never copied or cut, and emptied as soon as it is read."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from confterm.vault.secrets import passphrase_bytes


class PassphraseInput(Input):
    """``Input(password=True)`` still copies the plaintext selection on ctrl+c / ctrl+x and
    selects it on focus (FINDINGS.md); here copy and cut do nothing and nothing is
    pre-selected. The app's clipboard is also disabled as a whole (``App.copy_to_clipboard``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("password", True)
        kwargs.setdefault("select_on_focus", False)
        super().__init__(**kwargs)

    def action_copy(self) -> None:
        self.app.bell()

    def action_cut(self) -> None:
        self.app.bell()

    def take_secret(self) -> bytearray:
        """The typed passphrase as a wipeable NFC-normalised buffer; the field is emptied."""
        secret = passphrase_bytes(self.value)
        self.value = ""
        return secret
