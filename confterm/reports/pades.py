"""PAdES signing and offline validation of report PDFs with pyHanko.

The signed manifest is embedded as a file attachment in the same revision that the vault
signs, so the PAdES signature covers both what is drawn and the manifest. Validation uses
only the vault's CA certificate as trust root, never the network, and demands that the
signature covers the whole file: anything appended afterwards (a removed page, a swapped
attachment) is a problem even if pyHanko would call the change "allowed".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

MANIFEST_NAME = "confterm-manifest.json"
FIELD_NAME = "ConftermVaultSignature"


def sign_pdf(pdf: bytes, manifest: bytes, signing_cert: bytes, signing_key: bytearray,
             ca_cert: bytes, reason: str = "", location: str = "") -> bytes:
    """Embed ``manifest`` and sign the PDF (PAdES B-B, ECDSA P-256, SHA-256)."""
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.pdf_utils import embed, generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    data = embed.EmbeddedFileObject.from_file_data(writer, data=manifest,
                                                   mime_type="application/json")
    embed.embed_file(writer, embed.FileSpec(
        file_spec_string=MANIFEST_NAME, file_name=MANIFEST_NAME, embedded_data=data,
        description="confterm signed report manifest",
        af_relationship=generic.NameObject("/Data")))
    cert = next(iter(load_certs_from_pemder_data(signing_cert)))
    ca = next(iter(load_certs_from_pemder_data(ca_cert)))
    signer = signers.SimpleSigner(
        signing_cert=cert, signing_key=load_private_key_from_pemder_data(bytes(signing_key),
                                                                        passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([ca]))
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason=reason or None, location=location or None)
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


@dataclass
class PadesCheck:
    """What the PAdES validation found; ``problems`` are (catalogue key, params) pairs."""

    ok: bool = False
    signer: str = ""
    signed_at: str = ""
    manifest: bytes | None = None
    problems: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _manifest_in(reader: Any, revision: int | None) -> bytes | None:
    """The embedded manifest as of ``revision`` (the signed one), else the latest."""
    root = reader.root if revision is None else reader.get_historical_root(revision)
    try:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return None
    found = None
    for i in range(0, len(names) - 1, 2):
        if str(names[i]) == MANIFEST_NAME:
            if found is not None:
                return None  # two manifests: refuse to choose
            found = names[i + 1]["/EF"]["/F"].data
    return bytes(found) if found is not None else None


def validate(pdf: bytes, ca_cert: bytes) -> PadesCheck:
    """Check the vault's PAdES signature offline against ``ca_cert``."""
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    check = PadesCheck()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        check.problems.append(("reports.verify.unreadable", {"detail": type(exc).__name__}))
        return check
    if not sigs:
        check.problems.append(("reports.verify.no_pades", {}))
        check.manifest = _safe_manifest(reader, None)
        return check
    if len(sigs) > 1:
        check.problems.append(("reports.verify.extra_signatures", {"count": len(sigs)}))
    sig = sigs[0]
    check.manifest = _safe_manifest(reader, sig.signed_revision)
    ca = next(iter(load_certs_from_pemder_data(ca_cert)))
    context = ValidationContext(trust_roots=[ca], allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(sig, context)
    except Exception as exc:  # pyHanko raises many kinds on malformed signatures
        check.problems.append(("reports.verify.pades_broken", {"detail": type(exc).__name__}))
        return check
    check.signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    if status.signer_reported_dt is not None:
        check.signed_at = status.signer_reported_dt.isoformat()
    if not status.intact or not status.valid:
        check.problems.append(("reports.verify.pades_broken", {"detail": "digest"}))
    elif not status.trusted:
        check.problems.append(("reports.verify.pades_untrusted", {"signer": check.signer}))
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        check.problems.append(("reports.verify.modified_after_signing", {}))
    check.ok = not check.problems
    return check


def _safe_manifest(reader: Any, revision: int | None) -> bytes | None:
    try:
        return _manifest_in(reader, revision)
    except Exception:  # a damaged attachment is reported by the caller as "no manifest"
        return None
