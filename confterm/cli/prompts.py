"""Reading passphrases and names for the CLI, with or without a terminal.

On a terminal the passphrase is read without echo (getpass); without one (scripts, tests,
CI) each passphrase is one line of standard input. Either way it goes straight into a
wipeable, NFC-normalised bytearray.
"""

from __future__ import annotations

import getpass
import sys

from confterm.errors import AuthError, InputError
from confterm.i18n import t
from confterm.vault.secrets import passphrase_bytes, wipe


def interactive() -> bool:
    return sys.stdin.isatty()


def read_secret(prompt_key: str, **params: object) -> bytearray:
    if interactive():
        text = getpass.getpass(t(prompt_key, **params) + " ")
    else:
        line = sys.stdin.readline()
        if not line:
            raise AuthError("auth.no_input")
        text = line.rstrip("\r\n")
    secret = passphrase_bytes(text)
    del text
    if not secret:
        raise AuthError("auth.empty_passphrase")
    return secret


def read_new_secret(person: str) -> bytearray:
    """Ask twice for a new passphrase; both must match."""
    first = read_secret("cli.new_passphrase", person=person)
    second = read_secret("cli.repeat_passphrase", person=person)
    try:
        if first != second:
            wipe(first)
            raise AuthError("auth.mismatch")
        return first
    finally:
        wipe(second)


def read_line(prompt_key: str) -> str:
    if interactive():
        return input(t(prompt_key) + " ").strip()
    line = sys.stdin.readline()
    if not line:
        raise InputError("cli.no_input_line")
    return line.strip()
