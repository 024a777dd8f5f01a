"""Handing an issued report over: to a file or to a CUPS printer, audited with its purpose.

Both run off the database thread (they wait on the disk or on the print scheduler) and
record the outcome through ``session.call``. A failed print is recorded too: an auditor
must be able to see that a register was sent to a printer, even if no paper came out.
Files are written atomically with owner-only permissions: a report holds client data.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from confterm.errors import InputError
from confterm.reports import printing
from confterm.vault.atomic import write_atomic
from confterm.vault.reporting import produce
from confterm.vault.session import VaultSession

TIMED_OUT = "timed out waiting for the job"
SETTLE_SECONDS = 8.0


def check_writable(path: Path) -> Path:
    """Refuse, before any work, a path a report cannot be saved to (one sentence why)."""
    path = path.expanduser()
    if path.is_dir():
        raise InputError("reporting.save_is_folder", path=str(path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError("reporting.save_no_folder", path=str(path), folder=str(parent))
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and
                                                    not os.access(path, os.W_OK)):
        raise InputError("reporting.save_denied", path=str(path))
    return path


def _save_error(path: Path, exc: OSError) -> InputError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return InputError("reporting.save_full", path=str(path))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return InputError("reporting.save_denied", path=str(path))
    if exc.errno == errno.ENOENT:
        return InputError("reporting.save_no_folder", path=str(path), folder=str(path.parent))
    if exc.errno == errno.EISDIR:
        return InputError("reporting.save_is_folder", path=str(path))
    return InputError("reporting.save_failed", path=str(path),
                      reason=exc.strerror or type(exc).__name__)


def save(session: VaultSession, issued: produce.Issued, pdf: bytes, path: Path,
         purpose: str) -> Path:
    """Write ``pdf`` to ``path`` (atomically, mode 0600) and audit the save, once the
    report's delivery checks pass again (``ReportOptions.before_delivery``). If the save
    cannot be recorded (the vault locked meanwhile, a full disk), the file is removed: a
    sheet never stays on disk without its audit event and access acts."""
    target = check_writable(path).absolute()
    session.call(produce.check_delivery, issued)
    try:
        write_atomic(target, pdf, mode=0o600)
    except OSError as exc:
        raise _save_error(target, exc) from exc
    try:
        session.call(produce.record_delivery, issued.id, "save", str(target), purpose,
                     on_delivery=issued.on_delivery)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


@dataclass(frozen=True)
class Printed:
    printer: str
    job_id: str
    copies: int
    queued: bool  # still waiting in the queue (no error seen) when we stopped watching


def _printer_of(job_id: str) -> str:
    return job_id.rsplit("-", 1)[0]


def print_report(session: VaultSession, issued: produce.Issued, pdf: bytes,
                 printer: str | None, copies: int, purpose: str,
                 server: str | None = None, settle: float = SETTLE_SECONDS) -> Printed:
    """Send to CUPS, once the report's delivery checks pass again, and watch the job for
    ``settle`` seconds for an error.

    Success is audited as ``report.print``; any PrintingError is audited as
    ``report.print_failed`` with its reason, then raised for the caller to show.
    """
    if not 1 <= copies <= 99:
        raise InputError("reporting.bad_copies", copies=copies)
    session.call(produce.check_delivery, issued)
    try:
        job = printing.print_pdf(pdf, printer, copies, title=issued.report_id, server=server)
    except printing.PrintingError as exc:  # nothing reached the printer
        session.call(produce.record_delivery, issued.id, "print_failed", printer or "-",
                     purpose, copies, None, exc.message("en"))
        raise
    # The job is in the printer's queue: paper may come out from now on, so the print and
    # its access acts are recorded before watching it (a lock meanwhile cannot lose them).
    name = _printer_of(job)
    session.call(produce.record_delivery, issued.id, "print", name, purpose, copies, job,
                 "", on_delivery=issued.on_delivery)
    queued = False
    try:
        printing.wait_for_job(job, timeout=settle, server=server)
    except printing.PrintJobFailed as exc:
        if exc.params.get("detail") != TIMED_OUT:
            session.call(produce.record_delivery, issued.id, "print_failed", name, purpose,
                         copies, job, exc.message("en"))
            raise
        queued = True
    return Printed(name, job, copies, queued)
