"""Finding an issued report by its short code (typed) or QR payload (scanned), and
checking it again: does the stored manifest still match its digest and signatures, and
does the audit log still extend the checkpoint printed on the paper?

A typed code with a wrong check character is refused before any lookup, so a typo can
never find (and "confirm") a different report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from confterm.errors import InputError
from confterm.reports import codes
from confterm.reports.manifest import digest_of, fingerprint, signature_valid
from confterm.reports.verify import Problem
from confterm.vault import audit
from confterm.vault.session import Ctx

_COLUMNS = ("id, report_id, kind, lang, title, digest, short_code, manifest, withheld,"
            " signatures, checkpoint, generated_by, generated_at, purpose, pages, row_count,"
            " missing_glyphs")


@dataclass(frozen=True)
class Delivery:
    kind: str
    target: str
    copies: int | None
    job_id: str | None
    purpose: str
    at: str
    actor: str


@dataclass(frozen=True)
class SignerCheck:
    name: str
    role: str
    fingerprint: str | None
    ok: bool | None  # None: signs by hand only


@dataclass
class StoredCheck:
    """An issued report as the vault recorded it, and what checking it again found."""

    id: int
    report_id: str
    kind: str
    lang: str
    title: str
    short_code: str
    checkpoint: str
    generated_by: str
    generated_at: str
    purpose: str
    pages: int
    rows: int
    missing_glyphs: str
    withheld: list[str]
    digest_ok: bool | None = None  # None: content partly withheld, digest not recomputable
    checkpoint_ok: bool = False
    checkpoint_reason: str | None = None
    signers: list[SignerCheck] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def verifies(self) -> bool:
        return self.digest_ok is not False and not self.problems

    @property
    def valid(self) -> bool:
        return self.verifies and self.checkpoint_ok


def _row_by_code(ctx: Ctx, code: str) -> tuple[tuple[Any, ...], codes.QrPayload | None]:
    text = code.strip()
    qr = None
    if text.upper().startswith(codes.QR_PREFIX + ":"):
        qr = codes.QrPayload.decode(text)
        row = ctx.conn.execute(f"SELECT {_COLUMNS} FROM issued_reports WHERE digest = ?",
                               (qr.digest,)).fetchone()
    else:
        key = codes.parse_short_code(text)  # InputError on a typo: never looked up
        row = ctx.conn.execute(f"SELECT {_COLUMNS} FROM issued_reports WHERE code_key = ?"
                               " ORDER BY id DESC", (key,)).fetchone()
    if row is None:
        raise InputError("reporting.code_unknown", code=text[:60])
    return tuple(row), qr


def lookup(ctx: Ctx, code: str) -> StoredCheck:
    """The issued report a short code or QR payload names, checked again now. A scanned
    QR code's own signature must be the generator's signature over the stored digest."""
    row, qr = _row_by_code(ctx, code)
    result = check_row(ctx, row)
    if qr is not None:
        manifest = json.loads(str(row[7]))
        key_hex = (manifest.get("generated_by") or {}).get("public_key")
        good = isinstance(key_hex, str) and \
            signature_valid(bytes.fromhex(key_hex), qr.digest, qr.signature)
        if not good or qr.report_id != result.report_id:
            result.problems.append(Problem("reports.verify.qr_signature_invalid",
                                           {"report_id": qr.report_id}))
    return result


def by_digest(ctx: Ctx, digest: bytes) -> StoredCheck | None:
    row = ctx.conn.execute(f"SELECT {_COLUMNS} FROM issued_reports WHERE digest = ?",
                           (digest,)).fetchone()
    return check_row(ctx, tuple(row)) if row else None


def _signers(manifest: dict[str, Any], digest: bytes, sigs: dict[bytes, bytes],
             result: StoredCheck) -> None:
    people = [manifest.get("generated_by"), *list(manifest.get("signatures") or [])]
    for person in people:
        if not isinstance(person, dict):
            continue
        key_hex = person.get("public_key")
        key = bytes.fromhex(key_hex) if isinstance(key_hex, str) else None
        ok: bool | None = None
        if key is not None:
            sig = sigs.get(key)
            ok = sig is not None and signature_valid(key, digest, sig)
            if not ok:
                result.problems.append(Problem("reports.verify.signature_invalid",
                                               {"name": person.get("name", "?")}))
        result.signers.append(SignerCheck(str(person.get("name", "")),
                                          str(person.get("role", "")),
                                          fingerprint(key) if key else None, ok))


def check_row(ctx: Ctx, row: tuple[Any, ...]) -> StoredCheck:
    (ident, report_id, kind, lang, title, digest, short, manifest_text, withheld, sigs_text,
     checkpoint, by, at, purpose, pages, rows, missing) = row
    result = StoredCheck(int(ident), str(report_id), str(kind), str(lang), str(title),
                         str(short), str(checkpoint), str(by), str(at), str(purpose),
                         int(pages), int(rows), str(missing), list(json.loads(str(withheld))))
    stored = bytes(digest)
    try:
        manifest = json.loads(str(manifest_text))
        sigs = {bytes.fromhex(s["public_key"]): bytes.fromhex(s["signature"])
                for s in json.loads(str(sigs_text))}
    except (ValueError, KeyError, TypeError):
        result.problems.append(Problem("reports.manifest_unreadable"))
        return result
    if not result.withheld:
        result.digest_ok = digest_of(manifest) == stored
        if not result.digest_ok:
            result.problems.append(Problem("reports.verify.digest_mismatch"))
    if codes.short_code(stored) != result.short_code:
        result.problems.append(Problem("reports.verify.metadata_mismatch"))
    _signers(manifest, stored, sigs, result)
    try:
        check = audit.check_checkpoint(ctx.conn, result.checkpoint)
        result.checkpoint_ok, result.checkpoint_reason = check.ok, check.reason
    except InputError:
        result.checkpoint_reason = "audit.code_malformed"
    result.deliveries = [Delivery(*r) for r in ctx.conn.execute(
        "SELECT kind, target, copies, job_id, purpose, at, actor FROM report_deliveries"
        " WHERE issued_id = ? ORDER BY id", (result.id,))]
    return result


def recent(ctx: Ctx, limit: int = 50) -> list[tuple[str, str, str, str, str]]:
    """(short code, report id, kind, generated at, by) of the latest issued reports."""
    return [(r[0], r[1], r[2], r[3], r[4]) for r in ctx.conn.execute(
        "SELECT short_code, report_id, kind, generated_at, generated_by FROM issued_reports"
        " ORDER BY id DESC LIMIT ?", (limit,))]
