"""What ``confterm report`` and ``confterm verify`` print: facts on stdout, problems on
stderr, one line each, in the person's language."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from confterm.errors import EXIT_OK, EXIT_VERIFY_FAILED, InputError
from confterm.i18n import t
from confterm.reports import pki
from confterm.vault.reporting import deliver, pki_store, run, verify_file
from confterm.vault.reporting.issued import StoredCheck

from .context import unlock

MAX_PDF = 512 * 1024 * 1024


def read_pdf(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_PDF:
            raise InputError("reporting.cli.file_too_large", path=str(path))
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("reporting.cli.no_such_file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("reporting.save_is_folder", path=str(path)) from None
    except OSError as exc:
        raise InputError("reporting.cli.file_unreadable", path=str(path),
                         reason=exc.strerror or type(exc).__name__) from None
    return data


def read_ca(path: Path) -> bytes:
    data = read_pdf(path)
    try:
        pki.certificate_fingerprint(data)
    except ValueError:
        raise InputError("reporting.cli.bad_ca", path=str(path)) from None
    return data


def write_ca(args: argparse.Namespace) -> int:
    """``confterm report ca-certificate --out FILE``: the certificate auditors trust."""
    target = deliver.check_writable(Path(args.out)) if args.out else None
    with unlock(args) as session:
        pem = session.call(pki_store.ca_certificate)
    if target is None:
        sys.stdout.write(pem.decode("ascii"))
    else:
        target.write_bytes(pem)
        print(t("reporting.cli.ca_written", path=str(target),
                fingerprint=pki.certificate_fingerprint(pem)))
    return EXIT_OK


def issued_summary(made: run.Generated) -> None:
    report = made.prepared.report
    print(t("reporting.cli.issued", report_id=report.report_id, title=report.title,
            pages=made.issued.pages, rows=made.issued.rows))
    print(t("reporting.cli.short_code", code=made.issued.short_code))
    print(t("reporting.cli.checkpoint", code=report.checkpoint))


def _signer_line(name: str, role: str, fingerprint: str | None, ok: bool | None) -> str:
    if fingerprint is None:
        return t("reporting.cli.signer_by_hand", name=name or "—", role=role)
    return t("reporting.cli.signer", name=name or "—", role=role, fingerprint=fingerprint,
             mark="✓" if ok else "✗")


def verdict(v: verify_file.FileVerdict, file: str) -> bool:
    r = v.result
    if r.report_id:
        print(t("reporting.cli.report_line", report_id=r.report_id, title=r.title,
                vault=r.vault, at=r.generated_at))
        if r.vault_signer:
            print(t("reporting.cli.vault_signer", signer=r.vault_signer))
        for s in r.signers:
            print(_signer_line(s.name, s.role, s.fingerprint, s.signature_ok))
        print(t("reporting.cli.short_code", code=r.short_code))
    if v.checkpoint_checked and v.checkpoint_ok:
        print(t("reporting.cli.checkpoint_ok", code=r.checkpoint))
    if v.issued is not None:
        print(t("reporting.cli.recorded", at=v.issued.generated_at, by=v.issued.generated_by,
                purpose=v.issued.purpose))
    for note in v.notes:
        print(note.message())
    if v.valid:
        print(t("reporting.cli.verified", file=file))
        return True
    for problem in [*r.problems, *v.problems]:
        print(t("reporting.cli.problem", file=file, reason=problem.message()), file=sys.stderr)
    return False


def stored(found: StoredCheck) -> int:
    print(t("reporting.cli.found", report_id=found.report_id, title=found.title,
            at=found.generated_at, by=found.generated_by, purpose=found.purpose))
    for s in found.signers:
        print(_signer_line(s.name, s.role, s.fingerprint, s.ok))
    for d in found.deliveries:
        print(t(f"reporting.cli.delivery_{d.kind}", target=d.target, at=d.at[:19], by=d.actor,
                purpose=d.purpose, copies=d.copies or 1))
    if found.withheld:
        print(t("reporting.cli.withheld"))
    if found.checkpoint_ok:
        print(t("reporting.cli.checkpoint_ok", code=found.checkpoint))
    problems = [p.message() for p in found.problems]
    if not found.checkpoint_ok:
        problems.append(t(found.checkpoint_reason or "audit.truncated",
                          seq=found.checkpoint.split("-")[1] if "-" in found.checkpoint
                          else "?"))
    if not problems:
        print(t("reporting.cli.code_verified", code=found.short_code))
        return EXIT_OK
    for text in problems:
        print(t("reporting.cli.problem", file=found.short_code, reason=text), file=sys.stderr)
    return EXIT_VERIFY_FAILED
