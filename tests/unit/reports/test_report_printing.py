"""Printing through a private CUPS scheduler on loopback with a file-capturing queue.

The fixture starts its own cupsd (own config, spool and port, never the system's), adds
a queue whose backend writes each job to a file, and stops the daemon afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from report_tools import need

from confterm.reports import printing
from confterm.reports.engine import ProducedReport

CUPSD = shutil.which("cupsd") or "/usr/sbin/cupsd"
LPADMIN = shutil.which("lpadmin") or "/usr/sbin/lpadmin"  # /usr/sbin may be off PATH
BACKEND = """#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct capture "Unknown" "confterm test capture"'; exit 0; fi
path="${DEVICE_URI#capture:}"
echo "$4" > "$path.copies" 2>/dev/null
if [ $# -ge 6 ]; then cat "$6" > "$path" || exit 1; else cat > "$path" || exit 1; fi
exit 0
"""


@dataclass
class Cups:
    server: str
    root: Path

    def admin(self, *args: str) -> None:
        subprocess.run([LPADMIN, "-h", self.server, *args], check=True,
                       capture_output=True, env=dict(os.environ, LC_ALL="C"))

    def add_queue(self, name: str, target: Path) -> None:
        self.admin("-p", name, "-E", "-v", f"capture:{target}", "-m", "raw")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _configure(root: Path, port: int) -> None:
    for sub in ("spool", "cache", "state", "log", "tmp", "out", "bin/backend"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("tmp", "out"):
        (root / sub).chmod(0o1777)
    for sub in ("filter", "daemon", "notifier", "monitor", "cgi-bin", "driver"):
        if Path(f"/usr/lib/cups/{sub}").exists():
            (root / "bin" / sub).symlink_to(f"/usr/lib/cups/{sub}")
    backend = root / "bin/backend/capture"
    backend.write_text(BACKEND)
    backend.chmod(0o700)  # root-owned 0700: CUPS runs it as root, so it can write anywhere
    (root / "cupsd.conf").write_text(
        f"Listen 127.0.0.1:{port}\nLogLevel warn\nWebInterface No\nBrowsing No\n"
        "DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n    Allow all\n"
        "  </Limit>\n</Policy>\n")
    (root / "cups-files.conf").write_text("".join(f"{k} {v}\n" for k, v in {
        "ServerRoot": root, "ServerBin": root / "bin", "RequestRoot": root / "spool",
        "CacheDir": root / "cache", "StateDir": root / "state", "TempDir": root / "tmp",
        "ErrorLog": root / "log/error_log", "AccessLog": root / "log/access_log",
        "PageLog": root / "log/page_log", "Printcap": root / "printcap",
        "FileDevice": "No"}.items()))


@pytest.fixture
def cups(tmp_path: Path) -> Iterator[Cups]:
    need(CUPSD, "lp", "lpstat", LPADMIN)
    if os.geteuid() != 0:
        pytest.skip("a private cupsd with a root backend needs root")
    root = tmp_path / "cups"
    port = _free_port()
    _configure(root, port)
    proc = subprocess.Popen([CUPSD, "-f", "-c", str(root / "cupsd.conf"),
                             "-s", str(root / "cups-files.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while not printing.scheduler_running(server):
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"private cupsd did not start: {(root / 'log/error_log')}")
            time.sleep(0.1)
        yield Cups(server, root)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_printed_bytes_equal_the_pdf_and_copies_are_passed(cups: Cups,
                                                           produced: ProducedReport) -> None:
    out = cups.root / "out/job.pdf"
    cups.add_queue("archive_printer", out)
    cups.admin("-d", "archive_printer")
    printers = printing.list_printers(cups.server)
    assert [(p.name, p.enabled, p.accepting, p.is_default) for p in printers] == [
        ("archive_printer", True, True, True)]
    job = printing.print_pdf(produced.pdf, None, copies=2, title="DR-2025-0007",
                             server=cups.server)
    assert job.startswith("archive_printer-")
    printing.wait_for_job(job, server=cups.server)
    assert out.read_bytes() == produced.pdf
    assert Path(f"{out}.copies").read_text().strip() == "2"


def test_no_printers(cups: Cups) -> None:
    with pytest.raises(printing.NoPrinters) as err:
        printing.print_pdf(b"%PDF-", "anything", server=cups.server)
    assert "no printer" in str(err.value)


def test_no_such_printer(cups: Cups) -> None:
    cups.add_queue("archive_printer", cups.root / "out/job.pdf")
    with pytest.raises(printing.NoSuchPrinter) as err:
        printing.print_pdf(b"%PDF-", "front_desk", server=cups.server)
    assert "front_desk" in str(err.value) and err.value.key == "reports.print.no_such_printer"


@pytest.mark.parametrize("policy", ["retry-job", "stop-printer"])
def test_a_failing_job_is_reported_not_waited_for_forever(cups: Cups, produced: ProducedReport,
                                                          policy: str) -> None:
    cups.add_queue("broken", cups.root / "no/such/dir/job.pdf")
    cups.admin("-p", "broken", "-o", f"printer-error-policy={policy}")
    job = printing.print_pdf(produced.pdf, "broken", server=cups.server)
    started = time.monotonic()
    with pytest.raises(printing.PrintJobFailed) as err:
        printing.wait_for_job(job, timeout=20, server=cups.server)
    assert time.monotonic() - started < 15, "the failure was seen, not a time-out"
    assert "broken" in str(err.value) and err.value.key == "reports.print.job_failed"


def test_scheduler_down_is_reported_even_though_lpstat_exits_zero() -> None:
    need("lpstat", "lp")
    port = _free_port()  # nothing listens there
    with pytest.raises(printing.SchedulerDown) as err:
        printing.print_pdf(b"%PDF-", "any", server=f"127.0.0.1:{port}")
    assert "not running" in str(err.value)


def test_missing_cups_tools_are_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no lp, no lpstat
    with pytest.raises(printing.CupsMissing) as err:
        printing.list_printers()
    assert "lpstat" in str(err.value) and "cups-client" in str(err.value)


def test_errors_read_well_in_chinese() -> None:
    assert "打印服务未运行" in printing.SchedulerDown().message("zh_CN")
    assert "前台" in printing.NoSuchPrinter("前台").message("zh_CN")
