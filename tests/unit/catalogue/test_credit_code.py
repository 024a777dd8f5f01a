"""Unified social credit codes: real codes pass, every typo a person can make is caught."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confterm.errors import InputError
from confterm.vault.credit_code import (
    ALPHABET,
    WEIGHTS,
    check_credit_code,
    compute_check_char,
    is_valid,
    normalise_credit_code,
    organisation_check_char,
)

REAL = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"]

codes17 = st.text(alphabet=ALPHABET, min_size=17, max_size=17)
valid_codes = codes17.map(lambda body: body + compute_check_char(body))


def test_weights_are_the_published_ones() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert set(ALPHABET).isdisjoint("IOZSV") and len(ALPHABET) == 31


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass(code: str) -> None:
    check_credit_code(code)
    assert is_valid(code)
    assert compute_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_have_a_valid_organisation_code(code: str) -> None:
    assert organisation_check_char(code[8:16]) == code[16]


def _error(code: str) -> InputError:
    with pytest.raises(InputError) as info:
        check_credit_code(code)
    return info.value


def test_wrong_length_names_both_lengths() -> None:
    err = _error(REAL[0][:-1])
    assert err.key == "catalogue.credit_code.length"
    assert err.params == {"length": 17, "expected": 18}
    assert "17" in str(err) and "18" in str(err)
    assert _error("").params["length"] == 0
    assert _error(REAL[0] + "1").params["length"] == 19


def test_illegal_character_is_named_with_its_position() -> None:
    err = _error("91350100M000100#43")
    assert err.key == "catalogue.credit_code.bad_char"
    assert err.params == {"char": "#", "position": 16}
    assert '"#"' in str(err) and "16" in str(err)


@pytest.mark.parametrize("ch", list("IOZSV"))
def test_letters_never_used_get_their_own_hint(ch: str) -> None:
    err = _error(ch + REAL[1][1:])
    assert err.key == "catalogue.credit_code.retired_char"
    assert err.params == {"char": ch, "position": 1}


def test_lower_case_is_illegal_until_normalised() -> None:
    code = REAL[0].lower()
    assert _error(code).params == {"char": "m", "position": 9}
    assert normalise_credit_code(code) == REAL[0]


def test_control_characters_are_shown_readably() -> None:
    err = _error(REAL[0][:5] + "\x00" + REAL[0][6:])
    assert err.params == {"char": "U+0000", "position": 6}


def test_wrong_check_character_says_what_it_should_be() -> None:
    err = _error(REAL[0][:17] + "X")
    assert err.key == "catalogue.credit_code.bad_check"
    assert err.params == {"found": "X", "expected": "3"}
    assert '"3"' in str(err)


def test_normalise_handles_full_width_and_spaces() -> None:
    typed = " ９１３５０１００ｍ０００１００ｙ４３ "
    assert normalise_credit_code(typed) == REAL[0]
    assert normalise_credit_code("9135 0100 M000 100Y 43") == REAL[0]


def test_compute_check_char_rejects_bad_input() -> None:
    with pytest.raises(InputError) as info:
        compute_check_char("123")
    assert info.value.params == {"length": 3, "expected": 17}
    with pytest.raises(InputError):
        compute_check_char("9135010OM000100Y4")


@given(valid_codes)
def test_generated_codes_pass(code: str) -> None:
    check_credit_code(code)


@given(st.sampled_from(REAL) | valid_codes, st.integers(0, 17), st.characters())
def test_every_single_character_substitution_fails(code: str, position: int, ch: str) -> None:
    if ch == code[position]:
        return
    corrupted = code[:position] + ch + code[position + 1:]
    assert not is_valid(corrupted)
    err = _error(corrupted)
    if ch in ALPHABET:
        assert err.key == "catalogue.credit_code.bad_check"
    else:
        assert err.params["position"] == position + 1


@pytest.mark.parametrize("code", REAL)
def test_every_substitution_of_the_real_codes_fails_exhaustively(code: str) -> None:
    for position in range(18):
        for ch in ALPHABET:
            if ch != code[position]:
                assert not is_valid(code[:position] + ch + code[position + 1:])


@given(valid_codes, st.integers(0, 15))
def test_swapping_two_different_neighbours_among_the_first_17_fails(code: str, i: int) -> None:
    if code[i] == code[i + 1]:
        return
    swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
    assert not is_valid(swapped)


@given(st.text(max_size=40))
def test_arbitrary_text_never_raises_anything_but_input_error(text: str) -> None:
    try:
        check_credit_code(text)
    except InputError as err:
        assert str(err)
    assert is_valid(text) == (len(text) == 18 and set(text) <= set(ALPHABET)
                              and compute_check_char(text[:17]) == text[17])
