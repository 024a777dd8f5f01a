"""The report manifest: exactly the data shown, in canonical JSON, signed with Ed25519.

The manifest is what people sign, not the PDF bytes: a PDF can be re-rendered or printed
anywhere, but the digest of the canonical data stays the same, is printed on paper, and
each signatory's Ed25519 signature over it can be checked with nothing but their public
key (``openssl pkeyutl -verify -rawin`` works too). Canonical means sorted keys, UTF-8,
no whitespace, so any two programs that agree on the data agree on the bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from confterm.errors import InputError, VerificationError
from confterm.reports.model import Paragraph, Person, Report, Table

FORMAT = "confterm-report/1"
SIGNING_CONTEXT = b"confterm-report-manifest|"  # domain separation: never a bare digest


def canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def fingerprint(public_key: bytes) -> str:
    """Same form as the vault's people list: 16 hex digits of SHA-256, groups of four."""
    digest = hashlib.sha256(public_key).hexdigest()[:16].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def _person(person: Person) -> dict[str, Any]:
    key = person.public_key
    return {"name": person.name, "role": person.role,
            "public_key": key.hex() if key is not None else None,
            "fingerprint": fingerprint(key) if key is not None else None}


def _block(block: Table | Paragraph) -> dict[str, Any]:
    if isinstance(block, Table):
        return {"type": "table", "caption": block.caption,
                "columns": [c.label for c in block.columns], "rows": block.rows,
                "totals": block.totals}
    return {"type": "paragraph", "heading": block.heading, "text": block.text}


def manifest_of(report: Report) -> dict[str, Any]:
    """The data the report shows, as plain JSON values (layout choices left out)."""
    report.check()
    return {
        "format": FORMAT, "report_id": report.report_id, "kind": report.kind,
        "lang": report.lang, "title": report.title, "subtitle": report.subtitle,
        "vault": report.vault_name, "generated_at": report.generated_at,
        "generated_by": _person(report.generated_by), "checkpoint": report.checkpoint,
        "metadata": [[k, v] for k, v in report.metadata],
        "blocks": [_block(b) for b in report.blocks],
        "signatures": [dict(_person(s.person), opinion=s.opinion, signed_at=s.signed_at,
                            **({"recorded_key": s.recorded_key.hex()} if s.recorded_key
                               else {}))
                       for s in report.signatures],
    }


def digest_of(manifest: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(canonical(manifest)).digest()


def public_key_of(private_key: bytearray) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.from_private_bytes(bytes(private_key))
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign_digest(digest: bytes, private_key: bytearray) -> bytes:
    """One person's signature over a manifest digest (their 32-byte seed; caller wipes it)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(bytes(private_key)).sign(
        SIGNING_CONTEXT + digest)


def signature_valid(public_key: bytes, digest: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature,
                                                              SIGNING_CONTEXT + digest)
        return True
    except (InvalidSignature, ValueError):
        return False


@dataclass
class SignedManifest:
    """The manifest, its digest and the signatures, as embedded in the PDF."""

    manifest: dict[str, Any]
    digest: bytes
    signatures: dict[bytes, bytes] = field(default_factory=dict)  # public key -> signature

    @property
    def generator_signature(self) -> bytes:
        return self.signatures[bytes.fromhex(self.manifest["generated_by"]["public_key"])]

    def to_bytes(self) -> bytes:
        sigs = [{"public_key": k.hex(), "signature": base64.b64encode(s).decode("ascii")}
                for k, s in sorted(self.signatures.items())]
        return canonical({"manifest": self.manifest, "digest": self.digest.hex(),
                          "signatures": sigs})

    @classmethod
    def from_bytes(cls, data: bytes) -> SignedManifest:
        """Parse an embedded manifest; VerificationError if it is not one of ours."""
        try:
            envelope = json.loads(data.decode("utf-8"))
            manifest = envelope["manifest"]
            sigs = {bytes.fromhex(s["public_key"]): base64.b64decode(s["signature"], validate=True)
                    for s in envelope["signatures"]}
            digest = bytes.fromhex(envelope["digest"])
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise ValueError("format")
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
            raise VerificationError("reports.manifest_unreadable") from exc
        return cls(manifest, digest, sigs)


def sign_manifest(report: Report, private_keys: Sequence[bytearray] = (),
                  signatures: Mapping[bytes, bytes] | None = None) -> SignedManifest:
    """Build and sign the manifest of ``report``.

    ``private_keys`` are 32-byte Ed25519 seeds of the generator and co-signers present now
    (the caller wipes them); ``signatures`` (public key -> signature) are ones collected
    earlier with :func:`sign_digest` over :func:`digest_of` of the same manifest. Every
    person on the report who has a public key must have signed.
    """
    manifest = manifest_of(report)
    digest = digest_of(manifest)
    wanted = {p.public_key: p for p in report.signing_people() if p.public_key is not None}
    collected: dict[bytes, bytes] = {}
    for key in private_keys:
        public = public_key_of(key)
        if public not in wanted:
            raise InputError("reports.key_not_on_report", fingerprint=fingerprint(public))
        collected[public] = sign_digest(digest, key)
    for public, signature in (signatures or {}).items():
        if public not in wanted or not signature_valid(public, digest, signature):
            raise InputError("reports.signature_rejected", fingerprint=fingerprint(public))
        collected[public] = signature
    for public, person in wanted.items():
        if public not in collected:
            raise InputError("reports.signature_missing", name=person.name, role=person.role)
    return SignedManifest(manifest, digest, collected)
