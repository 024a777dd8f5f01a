"""Codes printed on a report: the short code a person retypes, and the QR payload.

The short code is 80 bits of the manifest digest in Crockford base32 (no I, L, O, U, so
nothing is misread), four groups of four, plus Crockford's mod-37 check symbol. 37 is prime
and every position weighs a power of 32 (never 0 mod 37), so any single mistyped
character and any swap of two neighbours changes the check: a typo is caught before the
code is looked up.

The QR payload uses only characters of QR's alphanumeric mode (A-Z, 0-9, ':' and '-'),
which keeps a 64-byte signature plus digest within a small (version 7-8) code.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from confterm.errors import InputError

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = CROCKFORD + "*~$=U"
SHORT_PREFIX = "R"
SHORT_CHARS = 16
QR_PREFIX = "CTR1"
_TYPED = str.maketrans({"I": "1", "L": "1", "O": "0"})


def b32(data: bytes) -> str:
    """RFC 4648 base32, upper case, no padding (QR alphanumeric safe)."""
    return base64.b32encode(data).decode("ascii").rstrip("=")


def unb32(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))


def _crockford(data: bytes, chars: int) -> str:
    number = int.from_bytes(data, "big") >> (len(data) * 8 - 5 * chars)
    return "".join(CROCKFORD[(number >> (5 * (chars - 1 - i))) & 31] for i in range(chars))


def _check(body: str) -> str:
    value = 0
    for ch in body:
        value = value * 32 + CROCKFORD.index(ch)
    return CHECK_SYMBOLS[value % 37]


def short_code(digest: bytes) -> str:
    """E.g. ``R-7F3K-Q2M9-ABCD-EF01-X`` from a manifest's SHA-256 digest."""
    body = _crockford(digest[:10], SHORT_CHARS)
    groups = "-".join(body[i:i + 4] for i in range(0, SHORT_CHARS, 4))
    return f"{SHORT_PREFIX}-{groups}-{_check(body)}"


def parse_short_code(code: str) -> str:
    """The 16-character digest prefix of a typed short code, in canonical form.

    Accepts lower case, spaces instead of dashes, a missing ``R-`` and the look-alikes
    I/L (for 1) and O (for 0). Raises InputError saying whether the code is malformed or
    has a typo.
    """
    shown = code.strip()[:60]
    parts = [p for p in code.upper().replace(" ", "-").split("-") if p]
    if len(parts) > 1:  # typed with separators: the groups must have the printed shape
        if parts[0] == SHORT_PREFIX:
            parts = parts[1:]
        if [len(p) for p in parts] != [4, 4, 4, 4, 1]:
            raise InputError("reports.short_code_malformed", code=shown)
    text = "".join(parts)
    if len(text) == SHORT_CHARS + 2 and text.startswith(SHORT_PREFIX):
        text = text[1:]
    if len(text) != SHORT_CHARS + 1:
        raise InputError("reports.short_code_malformed", code=shown)
    body, check = text[:-1].translate(_TYPED), text[-1]
    if check not in "*~$=U":
        check = check.translate(_TYPED)
    if any(c not in CROCKFORD for c in body) or check not in CHECK_SYMBOLS:
        raise InputError("reports.short_code_malformed", code=shown)
    if not hmac.compare_digest(_check(body), check):
        raise InputError("reports.short_code_typo", code=shown)
    return body


def short_code_matches(code: str, digest: bytes) -> bool:
    return parse_short_code(code) == _crockford(digest[:10], SHORT_CHARS)


@dataclass(frozen=True)
class QrPayload:
    """What the QR code on the report carries: enough to check the paper offline."""

    report_id: str
    digest: bytes
    signature: bytes  # the generating person's Ed25519 signature over the digest

    def encode(self) -> str:
        return f"{QR_PREFIX}:{self.report_id}:{b32(self.digest)}:{b32(self.signature)}"

    @classmethod
    def decode(cls, text: str) -> QrPayload:
        parts = text.strip().split(":")
        if len(parts) != 4 or parts[0] != QR_PREFIX:
            raise InputError("reports.qr_malformed")
        try:
            digest, signature = unb32(parts[2]), unb32(parts[3])
        except (binascii.Error, ValueError) as exc:
            raise InputError("reports.qr_malformed") from exc
        if len(digest) != 32 or len(signature) != 64:
            raise InputError("reports.qr_malformed")
        return cls(parts[1], digest, signature)
