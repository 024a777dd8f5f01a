"""Passphrase policy: length, common passwords, Unicode normalisation; no composition rules."""

import unicodedata

import pytest

from confterm.errors import InputError
from confterm.vault.policy import check_passphrase
from confterm.vault.secrets import passphrase_bytes


@pytest.mark.parametrize("bad", ["", "   ", "short", "elevenchars", "1qaz2wsx3edc",
                                 "qwerty123456", "password12345678", "aaaaaaaaaaaaaaaa",
                                 "abcabcabcabcabc", "1q2w3e4r5t6y"])
def test_rejected(bad: str) -> None:
    with pytest.raises(InputError):
        check_passphrase(bad)


@pytest.mark.parametrize("good", ["correct horse battery staple", "档案室钥匙在第三个抽屉里",
                                  "all lower case words here", "ünïcödé wörds ärë fïnë"])
def test_accepted_without_composition_rules(good: str) -> None:
    check_passphrase(good)


def test_upper_bound_is_at_least_256() -> None:
    check_passphrase("档案" * 64 + "abcdefgh" * 16)


def test_composed_and_decomposed_forms_are_the_same_passphrase() -> None:
    composed = unicodedata.normalize("NFC", "café crème brûlée")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert passphrase_bytes(composed) == passphrase_bytes(decomposed)
