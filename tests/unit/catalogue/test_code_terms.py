"""Archive-number tokens: the fast builder gives exactly the tokens of their definition.

The import computes these for every row, so ``code_terms.index_tokens`` is written for
speed; a search finds a number only if its tokens are the ones the query side expects.
The reference below is the definition, written the obvious way: each folded character
is one piece; per value its trigrams then SEP, then the distinct pairs and characters.
"""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from confterm.vault.catalogue import code_terms
from confterm.vault.catalogue.code_terms import PREFIX, SEP, index_tokens
from confterm.vault.search_terms import fold


def _piece(ch: str) -> str:
    plain = ("a" <= ch <= "z") or ("0" <= ch <= "9")
    return ch if plain else f"ω{ord(ch):x}ω"


def reference(*values: str) -> str:
    runs: list[str] = []
    pairs: list[str] = []
    singles: list[str] = []
    for value in values:
        p = [_piece(ch) for ch in "".join(fold(value).split())]
        if len(p) >= 3:
            runs += [PREFIX + a + b + c for a, b, c in zip(p, p[1:], p[2:], strict=False)]
            runs.append(SEP)
        pairs += [PREFIX + a + b for a, b in pairwise(p)]
        singles += [PREFIX + a for a in p]
    return " ".join([*runs, *dict.fromkeys(pairs), *dict.fromkeys(singles)])


@pytest.mark.parametrize("values", [
    ("PZ-2004-00001-003",), ("KJ/2019/凭证-0012",), ("ＰＺ－２００４ ０１",), ("ω-Ωq",),
    ("ωqω12",), ("a\nb-c",), ("",), ("ab",), ("x",), ("91350100M000100Y43", "AB-12"),
])
def test_known_values_match_the_definition(values: tuple[str, ...]) -> None:
    assert index_tokens(*values) == reference(*values)


def test_random_values_match_the_definition() -> None:
    rng = random.Random(7)
    alphabet = "ab-0123456789 ＡＢ中文x/_.Ωω\u3000é"
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
              for _ in range(3000)]
    for one, two in pairwise(values):
        assert index_tokens(one) == reference(one), one
        assert index_tokens(one, two) == reference(one, two), (one, two)


def test_a_query_phrase_is_made_of_the_indexed_trigrams() -> None:
    tokens = set(index_tokens("PZ-2004-00001-003").split())
    phrase = code_terms.phrase("04-000").strip('"').split()
    assert phrase and set(phrase) <= tokens
