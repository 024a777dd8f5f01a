"""Search tokens: any substring of a title, archive number or name finds the record.

Why not FTS5 trigram: most Chinese search words have two characters (凭证, a given name)
and trigram cannot answer queries shorter than three; a LIKE scan of a million encrypted
rows takes over a second (FINDINGS.md). Instead the text is indexed as overlapping
character pairs (bigrams) plus each distinct single character (unigrams), with a plain
FTS5 table. A query term of n >= 2 characters becomes a phrase of its n-1 bigrams, which
matches exactly where the term occurs; a one-character term matches its unigram.

Exactness, by construction:

- Text and query are folded the same way, one character at a time (NFKC then casefold), so
  a substring of the text folds to a substring of the folded text: ｋｊ matches KJ, Ａ matches a.
  (Whole-string NFKC would compose e + U+0301 into é and lose the substring e.)
- Whitespace separates terms: "2019 凭证" finds records containing both 2019 and 凭证.
  A blank query matches every record (the token ``ALL`` is in every document).
- A character FTS5 might split on or not know (punctuation such as the "-" in KJ-2019-0042,
  emoji, characters newer than SQLite's Unicode 6.1 tables, rare Extension A/B name
  characters) is written as an escape ``ω<hex code point>ω``; ASCII letters, digits and the
  basic CJK block (U+4E00-U+9FA5) are written as themselves. The escape is prefix-free, so
  every token names exactly one character or pair, and every token is a run of letters and
  digits: the default ``unicode61`` (and ``ascii``) tokenizers keep it whole.
- Bigram runs of different words are separated by ``ALL``, so a phrase never spans two
  words; unigrams follow all runs and never take part in a phrase.
- User input is never passed to FTS5's query parser: every term becomes a quoted phrase of
  our own tokens, which contain no quote, so AND/OR/NOT/NEAR, ``*``, ``^``, ``:``,
  parentheses and quotes in a query are searched for literally and never raise.

The FTS5 table (owned by the catalogue schema) stores ``index_tokens(text)`` in a column
with ``detail='full'`` (phrases need positions) and is queried with
``WHERE record_search MATCH ?`` bound to ``match_query(user_input)``.
"""

from __future__ import annotations

import re
import unicodedata
from operator import add

MARK = "ω"
"""Escape delimiter: a lower-case letter FTS5 keeps, never written as itself (it is escaped)."""
ALL = MARK + MARK
"""A token in every document (an escape is never empty): matches all rows, separates runs."""

_PLAIN = re.compile("[a-z0-9\u4e00-\u9fa5]+")
_LOWER_IS_FOLD = re.compile("[\x00-\x7f\u4e00-\u9fa5]*")
"""Text of ASCII and basic CJK only: NFKC leaves it alone and lower() is casefold."""


class _FoldTable(dict[int, str]):
    """str.translate table folding each character on first sight (C-speed afterwards)."""

    def __missing__(self, code: int) -> str:
        folded = unicodedata.normalize("NFKC", chr(code)).casefold()
        self[code] = folded
        return folded


_FOLD = _FoldTable()
_enc_cache: dict[str, str] = {}


def fold(text: str) -> str:
    """Per-character NFKC + casefold: full-width to ASCII, upper to lower case."""
    if _LOWER_IS_FOLD.fullmatch(text):
        return text.lower()
    return text.translate(_FOLD)


def _encode_char(ch: str) -> str:
    """A folded character as a token piece: itself when plainly safe, else ``ω<hex>ω``."""
    piece = _enc_cache.get(ch)
    if piece is None:
        plain = ("a" <= ch <= "z") or ("0" <= ch <= "9") or ("\u4e00" <= ch <= "\u9fa5")
        piece = ch if plain else f"{MARK}{ord(ch):x}{MARK}"
        _enc_cache[ch] = piece
    return piece


def _terms(text: str) -> list[str | list[str]]:
    """Each word as its token pieces; a word of plain characters is its own piece list."""
    return [word if _PLAIN.fullmatch(word) else [_encode_char(ch) for ch in word]
            for word in fold(text).split()]


def index_tokens(text: str) -> str:
    """The space-separated tokens to store in the FTS5 column for ``text``.

    Several fields (title, archive number, client name, code) may be joined with spaces
    first: words never run into each other.
    """
    out = [ALL]
    unigrams: dict[str, None] = {}
    for pieces in _terms(text):
        if len(pieces) > 1:
            out.extend(map(add, pieces, pieces[1:]))
            out.append(ALL)
        unigrams.update(dict.fromkeys(pieces))
    out.extend(unigrams)
    return " ".join(out)


def searchable(user_query: str) -> bool:
    """True when the query has something to search for (it is not blank after folding)."""
    return bool(fold(user_query).split())


def match_query(user_query: str) -> str:
    """A safe FTS5 MATCH expression finding every document containing each query term.

    Never raises and never lets the user's text reach FTS5's query syntax. A blank query
    gives an expression matching every document.
    """
    phrases: dict[str, None] = {}
    for pieces in _terms(user_query):
        if len(pieces) == 1:
            phrases[f'"{pieces[0]}"'] = None
        else:
            bigrams = " ".join(map(add, pieces, pieces[1:]))
            phrases[f'"{bigrams}"'] = None
    if not phrases:
        return f'"{ALL}"'
    return " AND ".join(phrases)
