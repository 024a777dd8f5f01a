"""A check character for codes people retype (checkpoint codes, recovery keys).

Luhn mod N over the code's own 32-character alphabet detects every single-character
substitution and most adjacent transpositions. A plain weighted sum mod 31 does not: with 32
symbols two of them (values 0 and 31) are congruent, so 0 <-> Z typos slipped through.
"""

from __future__ import annotations


def luhn_check_char(text: str, alphabet: str) -> str:
    """The character that makes ``text`` + it a valid Luhn mod N string over ``alphabet``."""
    n = len(alphabet)
    factor, total = 2, 0
    for ch in reversed(text):
        addend = factor * alphabet.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return alphabet[(n - total % n) % n]
