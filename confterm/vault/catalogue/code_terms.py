"""Search tokens for archive numbers and credit codes: their own token space, with trigrams.

Why: archive numbers and credit codes are long runs of digits and a few letters. As the
character pairs of :mod:`confterm.vault.search_terms`, every record holds the pairs 00, 01,
20, 19 ... many times over, so a query such as 0499999 is a phrase of pairs that all occur
in nearly every record and FTS5 must check positions in most of a million documents
(~0.1-0.5 s). Here those two fields get tokens of their own: for each value its
*trigrams* in order (a run, ended by ``SEP``), plus its distinct pairs and characters. A
query term of three or more characters is the phrase of its trigrams (1,000 digit
trigrams instead of 100 pairs: co-occurrence, and so the work, drops by orders of
magnitude); a term of two or one character is one pair or character token.

Exactness is as in search_terms: text and query are folded alike (``search_terms.fold``),
every character becomes one piece (itself for a-z and 0-9, else ``ω<hex>ω``), pieces are
prefix-free, and a phrase of consecutive trigrams matches exactly where the term occurs
within one value. Every token starts with ``PREFIX`` = ``ωqω``, which search_terms never
produces (its escapes hold hex digits only), so the two token spaces never mix.
"""

from __future__ import annotations

from operator import add

from confterm.vault.search_terms import MARK, fold

PREFIX = f"{MARK}q{MARK}"
SEP = PREFIX + MARK
_piece_cache: dict[str, str] = {}


def _piece(ch: str) -> str:
    piece = _piece_cache.get(ch)
    if piece is None:
        plain = ("a" <= ch <= "z") or ("0" <= ch <= "9")
        piece = _piece_cache[ch] = ch if plain else f"{MARK}{ord(ch):x}{MARK}"
    return piece


def pieces(text: str) -> list[str]:
    get = _piece_cache.get
    return [get(ch) or _piece(ch) for ch in "".join(fold(text).split())]


def _trigrams(p: list[str]) -> list[str]:
    return [PREFIX + a + b + c for a, b, c in zip(p, p[1:], p[2:], strict=False)]


_RUN_END = "\n"
"""Stands for ``SEP`` while tokens are characters: whitespace never survives folding."""


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def index_tokens(*values: str) -> str:
    """Tokens of archive numbers / credit codes for the FTS5 column: each value's
    trigrams then ``SEP`` (values of three or more pieces), then the distinct pairs and
    the distinct characters of all values.

    Why it is built from slices: the import computes this for every row. Each character
    is one piece, so the tokens are first made of the folded text's characters and
    joined; then each distinct character that is not its own piece (usually just "-") is
    replaced by its escape in one ``str.replace``, ``MARK`` first so that no escape is
    escaped again, and every token is prefixed (~5 µs per archive number instead of
    ~10 µs for building each token from pieces).
    """
    runs: list[str] = []
    pairs: list[str] = []
    singles: list[str] = []
    for value in values:
        text = "".join(fold(value).split())
        two = [*map(add, text, text[1:])]
        if len(text) >= 3:
            runs += map(add, two, text[2:])
            runs.append(_RUN_END)
        pairs += two
        singles += text
    tokens = [*runs, *dict.fromkeys(pairs), *dict.fromkeys(singles)]
    if not tokens:
        return ""
    joined = " ".join(tokens)
    odd = set(singles).difference(_PLAIN)
    if MARK in odd:
        odd.discard(MARK)
        joined = joined.replace(MARK, _piece(MARK))
    for ch in odd:
        joined = joined.replace(ch, _piece(ch))
    if runs:
        joined = joined.replace(_RUN_END, MARK)
    return PREFIX + joined.replace(" ", " " + PREFIX)


def phrase(term: str) -> str:
    """The FTS5 phrase finding ``term`` (one word, no spaces) inside a code field."""
    p = pieces(term)
    if len(p) >= 3:
        return '"' + " ".join(_trigrams(p)) + '"'
    return '"' + PREFIX + "".join(p) + '"'
