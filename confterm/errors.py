"""Errors a person may see, each with its exit code and a catalogue message.

Every failure that reaches the CLI or the TUI is one of these: one clear sentence in the
reader's language, never a traceback, and never a secret (messages are built from
catalogue keys and explicit parameters only).
"""

from __future__ import annotations

from confterm.i18n import t

EXIT_OK = 0
EXIT_VERIFY_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_AUTH_FAILED = 3


class ConftermError(Exception):
    """Base class: carries a catalogue key and parameters, rendered on demand."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()


class InputError(ConftermError):
    """Bad usage or bad input: a file, a field, an argument."""


class AuthError(ConftermError):
    """Authentication failed: wrong passphrase, unknown person, backing off."""

    exit_code = EXIT_AUTH_FAILED


class VerificationError(ConftermError):
    """A verification found a problem (audit chain, report, backup, integrity)."""

    exit_code = EXIT_VERIFY_FAILED


class DamageError(VerificationError):
    """A vault file is damaged (keyslot file or database); never a wrong passphrase."""


class PermissionDenied(ConftermError):
    """The unlocked person lacks the role, or separation of duties forbids the act."""


class ConflictError(ConftermError):
    """The data changed meanwhile, or a state forbids the act (e.g. record on hold)."""
