"""The vault's own small certificate authority for PAdES signatures on report PDFs.

An offline firm has no public CA, but ordinary PDF readers (and pyHanko, and poppler's
pdfsig) understand only X.509 signatures, and ECDSA P-256 is what they all verify. So each
vault creates a CA once and a signing certificate under it; the custodian can hand the CA
certificate to an auditor, who then sees every report of that vault as signed by it.

Certificates are valid "forever" (99991231235959Z, RFC 5280 4.1.2.5): there are no
timestamps offline, and a destruction register kept permanently must still verify in
decades. Revocation, if ever needed, is done by issuing a new signing certificate and
recording the change in the audit trail. Private keys are returned as PEM in bytearrays
for the vault to encrypt and for the caller to wipe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

FOREVER = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


@dataclass
class Authority:
    """PEM bytes of a vault CA and its report-signing certificate and keys."""

    ca_cert: bytes
    ca_key: bytearray
    signing_cert: bytes
    signing_key: bytearray


def _name(common: str, vault_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, vault_name[:64] or "-"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "confterm")])


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytearray:
    return bytearray(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not ca, content_commitment=not ca,
                         key_encipherment=False, data_encipherment=False,
                         key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def issue_signing_certificate(ca_cert_pem: bytes, ca_key_pem: bytearray, vault_name: str,
                              now: dt.datetime | None = None) -> tuple[bytes, bytearray]:
    """A fresh report-signing key and certificate under the vault CA (PEM cert, PEM key)."""
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    ca_key = serialization.load_pem_private_key(bytes(ca_key_pem), password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise TypeError("the vault CA key must be an EC key")
    key = ec.generate_private_key(ec.SECP256R1())
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder()
            .subject_name(_name(f"{vault_name} — report signing", vault_name))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(FOREVER)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(ca=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM), _key_pem(key)


def create_authority(vault_name: str, now: dt.datetime | None = None) -> Authority:
    """A new self-signed P-256 CA for the vault and a signing certificate under it."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=1)
    name = _name(f"{vault_name} — confterm report CA", vault_name)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(FOREVER)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    ca_pem = cert.public_bytes(serialization.Encoding.PEM)
    ca_key = _key_pem(key)
    signing_cert, signing_key = issue_signing_certificate(ca_pem, ca_key, vault_name, now)
    return Authority(ca_pem, ca_key, signing_cert, signing_key)


def pem_to_der(pem: bytes) -> bytes:
    """DER of a PEM certificate (for tools that want DER, e.g. a file handed to an auditor)."""
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def certificate_fingerprint(pem: bytes) -> str:
    """SHA-256 of the certificate, hex in groups of four (to read out over the phone)."""
    digest = x509.load_pem_x509_certificate(pem).fingerprint(hashes.SHA256()).hex().upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))
