"""Passphrase policy: long enough, not a known common password, no composition rules.

Length beats composition (NIST SP 800-63B): at least 12 characters of any script, so a
custodian may use a Chinese sentence; only passphrases found in an offline list of common
passwords (shipped with the zxcvbn package) or trivially built from one are refused.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from confterm.errors import InputError

MIN_CHARS = 12
MAX_CHARS = 1024

_EXTRA_COMMON = {
    "woaini1314woaini", "5201314520131452", "woainiwoainiwoaini", "zhongguo12345678",
    "qwertyuiopasdfghjkl", "administrator", "administrator123", "passwordpassword",
    "confterm12345678", "abcdefghijklmnop",
}


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # a declared dependency: fail loudly

    return frozenset(set(FREQUENCY_LISTS["passwords"]) | _EXTRA_COMMON)


def _core(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text.casefold())


def check_passphrase(passphrase: str, *, person: str | None = None) -> None:
    """Raise InputError with the reason when ``passphrase`` fails the policy."""
    text = unicodedata.normalize("NFC", passphrase)
    if not text.strip():
        raise InputError("policy.empty")
    if len(text) < MIN_CHARS:
        raise InputError("policy.too_short", minimum=MIN_CHARS, length=len(text))
    if len(text) > MAX_CHARS:
        raise InputError("policy.too_long", maximum=MAX_CHARS)
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise InputError("policy.control_chars")
    core = _core(text)
    common = _common()
    if core in common or text.casefold() in common:
        raise InputError("policy.common")
    stripped = re.sub(r"\d+$", "", core)
    if stripped and (stripped in common and len(core) - len(stripped) <= 8):
        raise InputError("policy.common")
    if len(set(core)) <= 2 or re.fullmatch(r"(.{1,8})\1+", core):
        raise InputError("policy.common")  # "aaaa…", "abcabcabc…": a repeated short unit
    if person and _core(person) and _core(person) in core and len(core) - len(_core(person)) < 8:
        raise InputError("policy.contains_name")
