"""The vault's PDF-signing authority, created on first use and kept in the encrypted DB.

PAdES needs an X.509 certificate; an offline firm has no public CA, so each vault makes
its own (``confterm.reports.pki``) the first time a report is produced. The private keys
are stored sealed with AES-256-GCM under a key derived from the data key: the database is
already encrypted, but a sealed key never appears in a SQL dump, an export or a log by
accident. Loaded keys are bytearrays the caller wipes (``SigningMaterial.signing_key``).
"""

from __future__ import annotations

from confterm.errors import DamageError
from confterm.reports import pki
from confterm.reports.engine import SigningMaterial
from confterm.vault import keys
from confterm.vault.reporting.common import utc_stamp, vault_name
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx

PURPOSE = b"report-pki"


def _seal_key(ctx: Ctx) -> bytearray:
    dek = ctx.session.data_key_copy()
    try:
        return keys.subkey(dek, PURPOSE)
    finally:
        wipe(dek)


def _aad(ctx: Ctx, what: str) -> bytes:
    return f"{ctx.session.vault_id}|report-pki|{what}".encode()


def _create(ctx: Ctx) -> None:
    """Make the CA and signing certificate; store them with an audit event."""
    authority = pki.create_authority(vault_name(ctx.conn) or ctx.session.vault_id)
    seal = _seal_key(ctx)
    try:
        ca_key = keys.seal(seal, authority.ca_key, _aad(ctx, "ca"))
        signing_key = keys.seal(seal, authority.signing_key, _aad(ctx, "signing"))
    finally:
        wipe(seal)
        wipe(authority.ca_key)
        wipe(authority.signing_key)
    with ctx.transaction():
        ctx.conn.execute(
            "INSERT INTO report_pki(id, ca_cert, ca_key, signing_cert, signing_key, created_at,"
            " created_by) VALUES (1, ?, ?, ?, ?, ?, ?)",
            (authority.ca_cert, ca_key, authority.signing_cert, signing_key,
             utc_stamp(ctx), ctx.actor.name))
        ctx.audit("report.pki_create", "report_pki", 1,
                  {"ca_fingerprint": pki.certificate_fingerprint(authority.ca_cert)})


def ensure(ctx: Ctx) -> None:
    if ctx.conn.execute("SELECT 1 FROM report_pki WHERE id = 1").fetchone() is None:
        _create(ctx)


def ca_certificate(ctx: Ctx) -> bytes:
    """The vault CA certificate (PEM): what a verifier trusts. Created if absent."""
    ensure(ctx)
    return bytes(ctx.conn.execute("SELECT ca_cert FROM report_pki WHERE id = 1").fetchone()[0])


def ca_certificate_if_any(ctx: Ctx) -> bytes | None:
    """The CA certificate without creating one (verification must not write)."""
    row = ctx.conn.execute("SELECT ca_cert FROM report_pki WHERE id = 1").fetchone()
    return bytes(row[0]) if row else None


def signing_material(ctx: Ctx) -> SigningMaterial:
    """Certificate, CA and the unsealed signing key; the caller wipes ``signing_key``."""
    ensure(ctx)
    ca_cert, signing_cert, sealed = ctx.conn.execute(
        "SELECT ca_cert, signing_cert, signing_key FROM report_pki WHERE id = 1").fetchone()
    seal = _seal_key(ctx)
    try:
        key = keys.unseal(seal, bytes(sealed), _aad(ctx, "signing"))
    except keys.WrongKey:
        raise DamageError("reporting.pki_unreadable") from None
    finally:
        wipe(seal)
    return SigningMaterial(bytes(signing_cert), key, bytes(ca_cert))
