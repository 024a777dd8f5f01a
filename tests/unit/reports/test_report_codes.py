"""The short code people retype and the QR payload people scan."""

from __future__ import annotations

import hashlib

import pytest
import segno

from confterm.errors import InputError
from confterm.reports.codes import (
    CHECK_SYMBOLS,
    CROCKFORD,
    QrPayload,
    parse_short_code,
    short_code,
    short_code_matches,
)

DIGESTS = [hashlib.sha256(str(i).encode()).digest() for i in range(6)]


def test_short_code_is_four_groups_and_a_check_symbol() -> None:
    code = short_code(DIGESTS[0])
    prefix, *groups, check = code.split("-")
    assert prefix == "R" and [len(g) for g in groups] == [4, 4, 4, 4] and len(check) == 1
    assert short_code_matches(code, DIGESTS[0]) and not short_code_matches(code, DIGESTS[1])


def test_retyping_is_forgiving_about_case_spacing_and_look_alikes() -> None:
    code = short_code(DIGESTS[1])
    body = parse_short_code(code)
    assert parse_short_code(code.lower().replace("-", " ")) == body
    assert parse_short_code(code[2:]) == body  # without the "R-"
    sloppy = code.replace("0", "O").replace("1", "l")
    assert parse_short_code(sloppy) == body


@pytest.mark.parametrize("digest", DIGESTS)
def test_every_single_character_typo_is_caught(digest: bytes) -> None:
    code = short_code(digest)
    for i, ch in enumerate(code):
        if (ch in "-R" and i < 2) or ch == "-":
            continue
        alphabet = CHECK_SYMBOLS if i == len(code) - 1 else CROCKFORD
        for other in alphabet:
            if other == ch:
                continue
            typo = code[:i] + other + code[i + 1:]
            with pytest.raises(InputError) as err:
                parse_short_code(typo)
            assert err.value.key == "reports.short_code_typo"


def test_swapping_neighbours_is_caught() -> None:
    code = short_code(DIGESTS[2])
    body = code[2:21].replace("-", "")
    for i in range(len(body) - 1):
        if body[i] == body[i + 1]:
            continue
        swapped = body[:i] + body[i + 1] + body[i] + body[i + 2:]
        with pytest.raises(InputError):
            parse_short_code(swapped + code[-1])


@pytest.mark.parametrize("text", ["", "R-1234", "R-7F3K-Q2M9-ABCD-EF01", "R-7F3K-Q2M9-ABCD-EFU1-X",
                                  "hello world, this is not a code"])
def test_malformed_codes_say_so(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_short_code(text)
    assert err.value.key == "reports.short_code_malformed"
    assert "R-7F3K" in str(err.value)  # the message shows the expected shape


def test_qr_payload_round_trips_and_fits_a_small_code() -> None:
    payload = QrPayload("DR-2025-0007", DIGESTS[0], bytes(range(64)))
    text = payload.encode()
    assert QrPayload.decode(text) == payload
    qr = segno.make_qr(text, error="m", boost_error=False)
    assert qr.mode == "alphanumeric" and qr.version <= 8


@pytest.mark.parametrize("text", ["", "CTR1:X:Y:Z", "CTR2:DR-1:AAAA:BBBB", "CTR1:DR:!!:??"])
def test_foreign_qr_payloads_are_rejected(text: str) -> None:
    with pytest.raises(InputError):
        QrPayload.decode(text)
