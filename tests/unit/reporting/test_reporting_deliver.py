"""Every save and print is audited with its purpose; each way it can fail is one clear
sentence; characters outside the font are named before anything is printed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_report_printing import Cups, cups  # noqa: F401  (the private cupsd fixture)

from confterm.errors import InputError
from confterm.reports import printing
from confterm.vault.catalogue import clients, records
from confterm.vault.catalogue.clients import ClientInput
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.reporting import deliver, kinds, run
from confterm.vault.session import VaultSession
from tests.unit.reporting.reporting_tools import cli, generate, open_as

PURPOSE = "移交税务稽查"


def _events(session: VaultSession, action: str) -> list[dict[str, object]]:
    return [json.loads(r[0]) for r in session.call(lambda ctx: ctx.conn.execute(
        "SELECT details FROM audit_events WHERE action = ? ORDER BY seq", (action,)
    ).fetchall())]


def test_issue_and_save_are_audited_with_the_purpose(demo: VaultSession,
                                                     tmp_path: Path) -> None:
    made = generate(demo, "access-register", "zh_CN")
    issue = _events(demo, "report.issue")[-1]
    assert issue["short_code"] == made.issued.short_code and issue["purpose"] == "单元测试"
    target = deliver.save(demo, made.issued, made.produced.pdf, tmp_path / "ar.pdf", PURPOSE)
    assert target.read_bytes() == made.produced.pdf
    assert oct(target.stat().st_mode & 0o777) == "0o600"  # client data: owner only
    saved = _events(demo, "report.save")[-1]
    assert saved == {"short_code": made.issued.short_code, "target": str(target),
                     "purpose": PURPOSE}


@pytest.mark.parametrize("case", ["no_folder", "is_folder", "read_only"])
def test_unwritable_paths_are_refused_before_any_work(
        monkeypatch: pytest.MonkeyPatch, demo_vault: Path, tmp_path: Path, case: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    target = {"no_folder": tmp_path / "missing" / "r.pdf", "is_folder": tmp_path,
              "read_only": tmp_path / "ro" / "r.pdf"}[case]
    if case == "read_only":
        target.parent.mkdir()
        target.parent.chmod(0o500)
        if os.access(target.parent, os.W_OK):  # root ignores permissions: use /proc
            target = Path("/proc/version/r.pdf")
    code = cli(monkeypatch, demo_vault, "report", "inventory", "--out", str(target),
               "--purpose", PURPOSE, stdin="")
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and str(target.parent) in err, err
    session = open_as(demo_vault)
    with session:
        assert _events(session, "report.issue") == []  # refused before unlocking


def test_a_character_outside_the_font_is_named_and_needs_consent(
        monkeypatch: pytest.MonkeyPatch, demo_vault: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    session = open_as(demo_vault)
    with session:
        cid = session.call(clients.create, ClientInput("龑䶮𠀾商贸有限公司", "91350100M000100Y43"))
        session.call(records.create, RecordInput(archive_no="RARE-001", title="记账凭证",
                                                 client_id=cid, category="voucher",
                                                 fiscal_year=2001))
    out = tmp_path / "inv.pdf"
    code = cli(monkeypatch, demo_vault, "report", "inventory", "--out", str(out),
               "--purpose", PURPOSE, "--client", "商贸")
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "𠀾" in err and "U+2003E" in err and "龑䶮𠀾商贸有限公司" in err  # which, and where
    assert "--accept-missing-glyphs" in err
    code = cli(monkeypatch, demo_vault, "report", "inventory", "--out", str(out),
               "--purpose", PURPOSE, "--client", "商贸", "--accept-missing-glyphs")
    assert code == 0 and out.exists()
    assert "𠀾" in capsys.readouterr().err  # still warned
    session = open_as(demo_vault)
    with session:
        assert "𠀾" in str(_events(session, "report.issue")[-1]["missing_glyphs"])


def test_printing_to_cups_is_audited(cups: Cups, demo: VaultSession,  # noqa: F811
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = cups.root / "out/job.pdf"
    cups.add_queue("archive_printer", out)
    cups.admin("-d", "archive_printer")
    monkeypatch.setenv("CUPS_SERVER", cups.server)
    made = generate(demo, "destruction-register", "zh_CN")
    printed = deliver.print_report(demo, made.issued, made.produced.pdf, None, 2, PURPOSE,
                                   settle=20)
    assert printed.printer == "archive_printer" and not printed.queued
    assert out.read_bytes() == made.produced.pdf
    event = _events(demo, "report.print")[-1]
    assert event["purpose"] == PURPOSE and event["copies"] == 2
    assert event["job"] == printed.job_id


@pytest.mark.parametrize("state", ["offline", "no_such_printer", "no_printers"])
def test_each_printing_failure_is_clear_and_audited(cups: Cups,  # noqa: F811
                                                    demo: VaultSession, state: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", cups.server)
    printer = "front_desk"
    if state == "offline":  # a queue whose device fails: CUPS stops the printer
        printer = "broken"
        cups.add_queue(printer, cups.root / "no/such/dir/job.pdf")
        cups.admin("-p", printer, "-o", "printer-error-policy=stop-printer")
    elif state == "no_such_printer":
        cups.add_queue("archive_printer", cups.root / "out/job.pdf")
    made = generate(demo, "appraisal", "en")
    expected = {"offline": printing.PrintJobFailed, "no_such_printer": printing.NoSuchPrinter,
                "no_printers": printing.NoPrinters}[state]
    with pytest.raises(expected) as err:
        deliver.print_report(demo, made.issued, made.produced.pdf, printer, 1, PURPOSE,
                             settle=20)
    message = err.value.message()
    assert "\n" not in message and (printer in message or state == "no_printers")
    failed = _events(demo, "report.print_failed")[-1]
    assert failed["purpose"] == PURPOSE and failed["detail"]


def test_scheduler_down_is_audited(demo: VaultSession, monkeypatch: pytest.MonkeyPatch) -> None:
    from report_tools import need

    need("lp", "lpstat")
    monkeypatch.setenv("CUPS_SERVER", "127.0.0.1:9")  # nothing listens on discard
    made = generate(demo, "appraisal", "en")
    with pytest.raises(printing.SchedulerDown):
        deliver.print_report(demo, made.issued, made.produced.pdf, None, 1, PURPOSE)
    assert _events(demo, "report.print_failed")


def test_purpose_and_copies_are_checked(demo: VaultSession) -> None:
    with pytest.raises(InputError, match="what the report is for"):
        run.generate(demo, kinds.ReportOptions("appraisal", "en", "   "))
    made = generate(demo, "appraisal", "en")
    with pytest.raises(InputError, match="copies"):
        deliver.print_report(demo, made.issued, made.produced.pdf, None, 0, PURPOSE)


def test_cli_print_with_the_scheduler_down_is_one_sentence_and_audited(
        monkeypatch: pytest.MonkeyPatch, demo_vault: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from report_tools import need

    need("lp", "lpstat")
    monkeypatch.setenv("CUPS_SERVER", "127.0.0.1:9")
    code = cli(monkeypatch, demo_vault, "report", "appraisal", "--print", "--copies", "2",
               "--purpose", PURPOSE)
    err = capsys.readouterr().err
    assert code == 2 and "not running" in err and "Traceback" not in err
    session = open_as(demo_vault)
    with session:
        failed = _events(session, "report.print_failed")
        assert failed and failed[-1]["purpose"] == PURPOSE and failed[-1]["copies"] == 2
