"""Printing through CUPS's command-line tools, with errors a custodian can act on.

The CUPS tools are run with ``LC_ALL=C`` and their text is read, because several of them
exit 0 when the scheduler is down and translate their messages (调度器未运行) under a
Chinese locale. The PDF goes to ``lp`` on standard input, so no copy of a report with
personal data is left in a temporary file. Each failure is its own error class with its
own message: "install CUPS", "start the scheduler", "no such printer", "the job failed"
need different actions.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass

from confterm.errors import ConftermError


class PrintingError(ConftermError):
    """Printing is not possible or failed; the subclass says why."""


class CupsMissing(PrintingError):
    def __init__(self, tool: str) -> None:
        super().__init__("reports.print.tools_missing", tool=tool)


class SchedulerDown(PrintingError):
    def __init__(self) -> None:
        super().__init__("reports.print.scheduler_down")


class NoPrinters(PrintingError):
    def __init__(self) -> None:
        super().__init__("reports.print.no_printers")


class NoSuchPrinter(PrintingError):
    def __init__(self, printer: str) -> None:
        super().__init__("reports.print.no_such_printer", printer=printer)


class PrintJobFailed(PrintingError):
    def __init__(self, printer: str, detail: str) -> None:
        super().__init__("reports.print.job_failed", printer=printer, detail=detail)


@dataclass(frozen=True)
class Printer:
    name: str
    enabled: bool
    accepting: bool
    is_default: bool
    status: str  # the scheduler's own words (English, C locale)


def _run(args: list[str], server: str | None, data: bytes | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, LC_ALL="C", LANG="C", LANGUAGE="C")
    cmd = [args[0], *(["-h", server] if server else []), *args[1:]]
    try:
        return subprocess.run(cmd, input=data, capture_output=True, env=env, timeout=timeout,
                              check=False)
    except FileNotFoundError as exc:
        raise CupsMissing(args[0]) from exc
    except subprocess.TimeoutExpired as exc:
        raise SchedulerDown() from exc


def _text(proc: subprocess.CompletedProcess[bytes]) -> str:
    return (proc.stdout + proc.stderr).decode("utf-8", "replace")


def scheduler_running(server: str | None = None) -> bool:
    return "scheduler is running" in _text(_run(["lpstat", "-r"], server))


def list_printers(server: str | None = None) -> list[Printer]:
    """The queues the scheduler knows; SchedulerDown if it is not running."""
    if not scheduler_running(server):
        raise SchedulerDown()
    states = _text(_run(["lpstat", "-p"], server))
    accepting = _text(_run(["lpstat", "-a"], server))
    default_line = _text(_run(["lpstat", "-d"], server))
    match = re.search(r"system default destination: (\S+)", default_line)
    default = match.group(1) if match else None
    printers = []
    for m in re.finditer(r"^printer (\S+) (.*)$", states, re.MULTILINE):
        name, rest = m.group(1), m.group(2)
        acc = re.search(rf"^{re.escape(name)} (not )?accepting", accepting, re.MULTILINE)
        is_accepting = acc is not None and acc.group(1) is None
        printers.append(Printer(name, not rest.startswith("disabled"), is_accepting,
                                name == default, rest.strip()))
    return printers


def _choose(printers: list[Printer], printer: str | None) -> Printer:
    if not printers:
        raise NoPrinters()
    if printer is None:
        for p in printers:
            if p.is_default:
                return p
        if len(printers) == 1:
            return printers[0]
        raise NoSuchPrinter("-")
    for p in printers:
        if p.name == printer:
            return p
    raise NoSuchPrinter(printer)


def print_pdf(pdf: bytes, printer: str | None = None, copies: int = 1, title: str = "",
              server: str | None = None) -> str:
    """Send ``pdf`` to ``printer`` (default: the system default) and return the job id."""
    if not 1 <= copies <= 99:
        raise ValueError("copies must be between 1 and 99")
    target = _choose(list_printers(server), printer)
    if not target.accepting:
        raise PrintJobFailed(target.name, target.status or "not accepting jobs")
    args = ["lp", "-n", str(copies), "-d", target.name]
    if title:
        args += ["-t", title]
    proc = _run(args, server, data=pdf)
    out = _text(proc)
    match = re.search(r"request id is (\S+)", out)
    if proc.returncode == 0 and match:
        return match.group(1)
    if "does not exist" in out:
        raise NoSuchPrinter(target.name)
    if "scheduler" in out.lower() and "not" in out.lower():
        raise SchedulerDown()
    raise PrintJobFailed(target.name, out.strip()[:200] or f"lp exit {proc.returncode}")


# job-state-reasons (lpstat's "Alerts") meaning the job will not print without help.
FAILED_REASONS = frozenset({
    "printer-stopped", "resources-are-not-ready", "job-hold-until-specified",
    "aborted-by-system", "document-format-error", "document-unprintable-error",
    "job-data-insufficient", "compression-error", "document-access-error",
    "submission-interrupted", "job-canceled-at-device"})


def _job_alerts(listing: str, job_id: str) -> tuple[bool, set[str], str]:
    """(pending?, alerts, status text) of ``job_id`` in an ``lpstat -l -o`` listing."""
    blocks = re.split(r"\n(?=\S)", listing)
    for block in blocks:
        if block.split(None, 1)[:1] == [job_id]:
            alerts = re.search(r"Alerts:\s*(.*)", block)
            status = re.search(r"Status:\s*(.*)", block)
            return (True, set(alerts.group(1).split()) if alerts else set(),
                    status.group(1).strip() if status else "")
    return False, set(), ""


def wait_for_job(job_id: str, timeout: float = 30, server: str | None = None) -> None:
    """Wait until the job has left the queue; PrintJobFailed if it is stuck on an error.

    CUPS keeps a failed job pending (retry-job or stop-printer policy) and says why in its
    state reasons; a stopped queue is reported too. A queue set to abort-job drops a
    failed job, which lpstat cannot tell from a printed one.
    """
    printer = job_id.rsplit("-", 1)[0]
    deadline = time.monotonic() + timeout
    while True:
        listing = _text(_run(["lpstat", "-l", "-W", "not-completed", "-o", printer], server))
        pending, alerts, status = _job_alerts(listing, job_id)
        if not pending:
            return
        stuck = alerts & FAILED_REASONS
        if stuck:
            raise PrintJobFailed(printer, status or " ".join(sorted(stuck)))
        state = _text(_run(["lpstat", "-p", printer], server))
        if re.search(rf"^printer {re.escape(printer)} disabled", state, re.MULTILINE):
            raise PrintJobFailed(printer, state.strip().splitlines()[-1][:200])
        if time.monotonic() > deadline:
            raise PrintJobFailed(printer, "timed out waiting for the job")
        time.sleep(0.2)
