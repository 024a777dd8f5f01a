"""Producing a report in three steps, so the slow part never holds the database thread.

1. ``prepare`` (database thread): check the role and purpose, build the report (this
   takes the audit checkpoint printed on it), sign its manifest as the unlocked person,
   have co-signers present now sign, load the PDF-signing key, list missing glyphs.
2. ``render`` (any thread, CPU only): lay out, embed the manifest, sign the PDF. The
   signing key is wiped when it returns, whatever happens.
3. ``record`` (database thread): store the issued report and audit it, with its purpose,
   in one transaction. Only then is the PDF handed to a printer or written to a file
   (``deliver``), so every paper in the world has a row a short code can find.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from confterm.errors import InputError
from confterm.reports.engine import ProducedReport, SigningMaterial, produce_report
from confterm.reports.manifest import SIGNING_CONTEXT, canonical, digest_of, manifest_of
from confterm.reports.model import Person, Report, SignatureBlock, Table
from confterm.vault.reporting import kinds, pki_store
from confterm.vault.reporting.common import generator_signature, utc_stamp
from confterm.vault.reporting.glyphs import Missing, where_missing
from confterm.vault.reporting.recovery import WITHHELD
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx

MAX_PURPOSE = 200


class CoSigner(Protocol):
    """What a co-signer brings (a ``confterm.vault.presence.Presence``)."""

    @property
    def name(self) -> str: ...

    @property
    def public_key(self) -> bytes: ...

    def sign(self, message: bytes) -> bytes: ...


@dataclass
class Prepared:
    report: Report
    signatures: dict[bytes, bytes]
    material: SigningMaterial
    missing: list[Missing] = field(default_factory=list)
    withheld: list[tuple[str, str]] = field(default_factory=list)  # (name, value)
    on_delivery: list[kinds.Delivered] = field(default_factory=list)  # see ReportOptions
    before_delivery: list[kinds.Precheck] = field(default_factory=list)  # see ReportOptions

    @property
    def rows(self) -> int:
        return sum(len(b.rows) for b in self.report.blocks if isinstance(b, Table))

    def discard(self) -> None:
        """Wipe the signing key (call when the report will not be rendered)."""
        wipe(self.material.signing_key)


def check_purpose(purpose: str) -> str:
    clean = " ".join(purpose.split())
    if not clean:
        raise InputError("reporting.purpose_required")
    if len(clean) > MAX_PURPOSE:
        raise InputError("reporting.purpose_too_long", maximum=MAX_PURPOSE)
    return clean


def prepare(ctx: Ctx, options: kinds.ReportOptions,
            cosigners: Sequence[tuple[CoSigner, str, str]] = ()) -> Prepared:
    """Build and sign the manifest. ``cosigners``: (presence, role text, opinion)."""
    kind = kinds.get(options.kind)
    kinds.require(ctx, kind)
    options.purpose = check_purpose(options.purpose)
    report = kind.build(ctx, options)
    stamp = report.generated_at
    for signer, role, opinion in cosigners:
        report.signatures.append(SignatureBlock(Person(signer.name, role, signer.public_key),
                                                opinion, stamp))
    signatures = generator_signature(ctx, report)
    if cosigners:
        digest = digest_of(manifest_of(report))
        for signer, _role, _opinion in cosigners:
            signatures[signer.public_key] = signer.sign(SIGNING_CONTEXT + digest)
    material = pki_store.signing_material(ctx)
    withheld = [("recovery_key", options.recovery_key)] if options.recovery_key else []
    return Prepared(report, signatures, material, where_missing(report), withheld,
                    list(options.on_delivery), list(options.before_delivery))


def render(prepared: Prepared) -> ProducedReport:
    """Lay out and sign (CPU only; run it off the UI and database threads)."""
    try:
        return produce_report(prepared.report, prepared.material,
                              signatures=prepared.signatures)
    finally:
        wipe(prepared.material.signing_key)


def page_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


@dataclass(frozen=True)
class Issued:
    id: int
    report_id: str
    short_code: str
    pages: int
    rows: int
    audit_seq: int
    on_delivery: tuple[kinds.Delivered, ...] = ()  # see ReportOptions
    before_delivery: tuple[kinds.Precheck, ...] = ()  # see ReportOptions


def _stored_manifest(prepared: Prepared, produced: ProducedReport) -> str:
    text = canonical(produced.manifest.manifest).decode("utf-8")
    for _name, value in prepared.withheld:
        text = text.replace(json.dumps(value, ensure_ascii=False)[1:-1], WITHHELD)
    return text


def record(ctx: Ctx, prepared: Prepared, produced: ProducedReport, purpose: str,
           pages: int) -> Issued:
    """Store the issued report and its audit event in one transaction."""
    import hashlib

    from confterm.reports.codes import parse_short_code

    report = prepared.report
    sigs = [{"public_key": k.hex(), "signature": s.hex()}
            for k, s in sorted(produced.manifest.signatures.items())]
    missing = "".join(m.char for m in prepared.missing)
    with ctx.transaction():
        seq = ctx.audit("report.issue", "report", report.report_id, {
            "kind": report.kind, "lang": report.lang, "short_code": produced.short_code,
            "digest": produced.manifest.digest.hex(), "checkpoint": report.checkpoint,
            "purpose": purpose, "pages": pages, "rows": prepared.rows,
            **({"missing_glyphs": missing} if missing else {})})
        cur = ctx.conn.execute(
            "INSERT INTO issued_reports(report_id, kind, lang, title, digest, short_code,"
            " code_key, manifest, withheld, signatures, checkpoint, generated_by,"
            " generated_at, purpose, pages, row_count, pdf_sha256, missing_glyphs, audit_seq)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (report.report_id, report.kind, report.lang, report.title,
             produced.manifest.digest, produced.short_code,
             parse_short_code(produced.short_code), _stored_manifest(prepared, produced),
             json.dumps([n for n, _v in prepared.withheld]), json.dumps(sigs),
             report.checkpoint, report.generated_by.name, report.generated_at, purpose, pages,
             prepared.rows, hashlib.sha256(produced.pdf).digest(), missing, seq))
        issued_id = int(cur.lastrowid or 0)
    return Issued(issued_id, report.report_id, produced.short_code, pages, prepared.rows, seq,
                  tuple(prepared.on_delivery), tuple(prepared.before_delivery))


def check_delivery(ctx: Ctx, issued: Issued) -> None:
    """Run the report's ``before_delivery`` checks (outside a transaction: a refusal they
    audit is committed although nothing is delivered)."""
    for check in issued.before_delivery:
        check(ctx)


def record_delivery(ctx: Ctx, issued_id: int, kind: str, target: str, purpose: str,
                    copies: int | None = None, job_id: str | None = None,
                    detail: str = "", on_delivery: Sequence[kinds.Delivered] = ()) -> int:
    """One save or print (or failed print) of an issued report, audited with its purpose;
    a save or a print also runs the report's ``on_delivery`` writes, in one transaction."""
    purpose = check_purpose(purpose)
    row = ctx.conn.execute("SELECT report_id, short_code FROM issued_reports WHERE id = ?",
                           (issued_id,)).fetchone()
    if row is None:
        raise InputError("reporting.unknown_issued", id=issued_id)
    details: dict[str, object] = {"short_code": row[1], "target": target, "purpose": purpose}
    if copies is not None:
        details["copies"] = copies
    if job_id:
        details["job"] = job_id
    if detail:
        details["detail"] = detail[:200]
    with ctx.transaction():
        if kind in ("save", "print"):
            for write in on_delivery:
                write(ctx, kind, target)
        seq = ctx.audit(f"report.{kind}", "report", row[0], details)
        ctx.conn.execute(
            "INSERT INTO report_deliveries(issued_id, kind, target, copies, job_id, detail,"
            " purpose, at, actor, audit_seq) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (issued_id, kind, target, copies, job_id, detail[:200], purpose,
             utc_stamp(ctx), ctx.actor.name, seq))
    return seq


def missing_summary(missing: list[Missing]) -> str:
    return " ".join(m.char for m in missing)

