"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Every client in the vault is identified by its credit code, because the company name of a
deregistered client may be reused by a new company; a mistyped code would file a record
under the wrong (or a non-existent) client. The check character catches every single
wrong character and every swap of two different neighbouring characters among the first
17, so we check it at every entry point (import, edit, search by code).

Layout of the 18 characters: 1 registration authority, 2 entity type, 3-8 administrative
division, 9-17 organisation code (with its own GB 11714 check character at 17), 18 the
check character computed here. Only the 18th character is enforced: the organisation-code
check of older entities is not reliable enough to reject a real client on it.

Input from people is normalised first (:func:`normalise_credit_code`): Chinese input
methods often produce full-width characters (９１３５…) and people type lower case.
"""

from __future__ import annotations

import unicodedata

from confterm.errors import InputError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters a code may contain: no I, O, Z, S, V (they look like 1, 0, 2, 5, U)."""

WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
"""Weight of characters 1..17: 3^(i-1) mod 31 = 1, 3, 9, 27, 19, 26, 16, 17, 20, ..."""

LENGTH = 18
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_RETIRED = frozenset("IOZSV")


def normalise_credit_code(text: str) -> str:
    """Full-width to ASCII (NFKC), spaces removed, upper case: what a person meant to type."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).upper()


def _check_characters(code: str) -> None:
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            key = ("catalogue.credit_code.retired_char" if ch in _RETIRED
                   else "catalogue.credit_code.bad_char")
            raise InputError(key, char=_visible(ch), position=position)


def _visible(ch: str) -> str:
    """A character as it can be shown in a message (control characters as U+XXXX)."""
    if ch.isprintable() and not ch.isspace():
        return ch
    return f"U+{ord(ch):04X}"


def compute_check_char(first17: str) -> str:
    """The 18th character for the first 17 (which must already be valid characters)."""
    if len(first17) != LENGTH - 1:
        raise InputError("catalogue.credit_code.length", length=len(first17),
                         expected=LENGTH - 1)
    _check_characters(first17)
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def check_credit_code(code: str) -> None:
    """Raise InputError saying precisely what is wrong with ``code``, or return None.

    Reasons, in the order they are checked: wrong length; a character that is not in the
    alphabet (with its 1-based position; I, O, Z, S, V get their own hint); a wrong check
    character (naming the one expected). The code is not normalised here: call
    :func:`normalise_credit_code` on what a person typed first.
    """
    if len(code) != LENGTH:
        raise InputError("catalogue.credit_code.length", length=len(code), expected=LENGTH)
    _check_characters(code)
    expected = compute_check_char(code[:17])
    if code[17] != expected:
        raise InputError("catalogue.credit_code.bad_check", found=code[17], expected=expected)


def is_valid(code: str) -> bool:
    """True when ``code`` (exactly as given, not normalised) is a valid credit code."""
    try:
        check_credit_code(code)
    except InputError:
        return False
    return True


def organisation_check_char(first8: str) -> str:
    """GB 11714 check character of an 8-character organisation code (used by the generator).

    Values: digits 0-9, letters A=10 ... Z=35; weights 3 7 9 10 5 8 4 2;
    C = 11 - (sum mod 11), where 10 is written X and 11 is written 0.
    """
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch, 36) * w for ch, w in zip(first8, weights, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)
