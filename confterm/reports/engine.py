"""Produce a finished report: manifest, signatures, layout, embedded manifest, PAdES.

This is the one call the vault makes. It takes plain data and key bytes and never opens
the database; the caller wipes the keys it passed in (the PEM signing key included).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from confterm.reports import codes, layout, pades
from confterm.reports.manifest import SignedManifest, sign_manifest
from confterm.reports.model import Report


@dataclass
class SigningMaterial:
    """The vault's PAdES signing certificate and key (PEM) and its CA certificate."""

    signing_cert: bytes
    signing_key: bytearray
    ca_cert: bytes


@dataclass
class ProducedReport:
    pdf: bytes
    manifest: SignedManifest
    short_code: str
    qr_payload: str


def produce_report(report: Report, material: SigningMaterial,
                   private_keys: Sequence[bytearray] = (),
                   signatures: Mapping[bytes, bytes] | None = None) -> ProducedReport:
    """Sign the manifest with every signatory's Ed25519 key (``private_keys`` are seeds of
    those present now, ``signatures`` ones collected earlier), render it, embed the
    manifest and sign the PDF as the vault."""
    signed = sign_manifest(report, private_keys, signatures)
    generator_sig = signed.generator_signature
    pdf = layout.render(report, signed.digest, generator_sig)
    final = pades.sign_pdf(pdf, signed.to_bytes(), material.signing_cert,
                           material.signing_key, material.ca_cert,
                           reason=f"{report.kind} {report.report_id}",
                           location=report.vault_name)
    payload = codes.QrPayload(report.report_id, signed.digest, generator_sig).encode()
    return ProducedReport(final, signed, codes.short_code(signed.digest), payload)
