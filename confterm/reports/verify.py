"""Verify a report PDF: the vault's PAdES signature, the manifest, each person's signature.

The answer is never "valid" unless every check passes: the PAdES signature is intact,
trusted (the vault CA given by the caller) and covers the whole file; the embedded
manifest is the one in the signed revision; its digest is recomputed from its content;
every person on it who has a key signed that digest; and the PDF's own metadata names the
same report and digest. Each failure is one problem with a catalogue key, so the CLI and
the TUI can say in either language exactly what is wrong.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

from confterm.errors import VerificationError
from confterm.i18n import t
from confterm.reports import codes, pades
from confterm.reports.manifest import SignedManifest, digest_of, fingerprint, signature_valid


@dataclass(frozen=True)
class Problem:
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


@dataclass
class Signer:
    """A person named on the report and whether their Ed25519 signature checked out."""

    name: str
    role: str
    fingerprint: str | None
    public_key: bytes | None
    signature_ok: bool | None  # None: no key, the person signs by hand only


@dataclass
class VerifyResult:
    report_id: str = ""
    kind: str = ""
    title: str = ""
    vault: str = ""
    generated_at: str = ""
    checkpoint: str = ""
    digest: bytes = b""
    short_code: str = ""
    vault_signer: str = ""
    signers: list[Signer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    manifest: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        return not self.problems and self.manifest is not None

    def messages(self, lang: str | None = None) -> list[str]:
        return [p.message(lang) for p in self.problems]


def _people(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    people = [manifest["generated_by"], *manifest.get("signatures", [])]
    return [p for p in people if isinstance(p, dict)]


def _check_signatures(signed: SignedManifest, result: VerifyResult) -> None:
    expected: set[bytes] = set()
    for person in _people(signed.manifest):
        key_hex = person.get("public_key")
        key = bytes.fromhex(key_hex) if isinstance(key_hex, str) else None
        ok: bool | None = None
        if key is not None:
            expected.add(key)
            sig = signed.signatures.get(key)
            ok = sig is not None and signature_valid(key, signed.digest, sig)
            if sig is None:
                result.problems.append(Problem("reports.verify.signature_absent",
                                               {"name": person.get("name", "?")}))
            elif not ok:
                result.problems.append(Problem("reports.verify.signature_invalid",
                                               {"name": person.get("name", "?")}))
            if person.get("fingerprint") != fingerprint(key):
                result.problems.append(Problem("reports.verify.fingerprint_mismatch",
                                               {"name": person.get("name", "?")}))
        result.signers.append(Signer(str(person.get("name", "")), str(person.get("role", "")),
                                     fingerprint(key) if key else None, key, ok))
    for key in signed.signatures:
        if key not in expected:
            result.problems.append(Problem("reports.verify.stranger_signature",
                                           {"fingerprint": fingerprint(key)}))


def _subject(pdf: bytes) -> str:
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        info = PdfFileReader(io.BytesIO(pdf), strict=False).trailer["/Info"]
        return str(info.get("/Subject", ""))
    except Exception:  # unreadable metadata is reported as a mismatch by the caller
        return ""


def verify_pdf(pdf: bytes, ca_cert: bytes) -> VerifyResult:
    """Check ``pdf`` against the vault CA certificate ``ca_cert`` (PEM)."""
    result = VerifyResult()
    check = pades.validate(pdf, ca_cert)
    result.vault_signer = check.signer
    result.problems += [Problem(k, p) for k, p in check.problems]
    if check.manifest is None:
        result.problems.append(Problem("reports.verify.no_manifest"))
        return result
    try:
        signed = SignedManifest.from_bytes(check.manifest)
        manifest = signed.manifest
        result.report_id, result.kind = str(manifest["report_id"]), str(manifest["kind"])
        result.title, result.vault = str(manifest["title"]), str(manifest["vault"])
        result.generated_at = str(manifest["generated_at"])
        result.checkpoint = str(manifest["checkpoint"])
        recomputed = digest_of(manifest)
        result.digest, result.short_code = recomputed, codes.short_code(recomputed)
        if not hmac.compare_digest(recomputed, signed.digest):
            result.problems.append(Problem("reports.verify.digest_mismatch"))
            signed.digest = recomputed  # judge the signatures against the real content
        _check_signatures(signed, result)
    except VerificationError as exc:
        result.problems.append(Problem(exc.key, exc.params))
        return result
    except (KeyError, TypeError, ValueError):
        result.problems.append(Problem("reports.manifest_unreadable"))
        return result
    if _subject(pdf) != f"{result.report_id} sha256:{result.digest.hex()}":
        result.problems.append(Problem("reports.verify.metadata_mismatch"))
    result.manifest = manifest
    return result


def check_qr(payload: str, generator_public_key: bytes) -> codes.QrPayload:
    """Decode a scanned QR payload and check the generator's signature over its digest.

    Raises InputError if it is not ours, VerificationError if the signature is wrong; the
    digest returned can then be compared with the vault's record of the report.
    """
    qr = codes.QrPayload.decode(payload)
    if not signature_valid(generator_public_key, qr.digest, qr.signature):
        raise VerificationError("reports.verify.qr_signature_invalid", report_id=qr.report_id)
    return qr
