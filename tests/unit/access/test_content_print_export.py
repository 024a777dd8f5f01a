"""Printing (the record content sheet) and exporting a record's content happen only under an
approved, unexpired request of a fitting kind that grants every record; each act is in the
access register against the request, and every refusal is audited with nothing produced."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from confterm.cli import main
from confterm.errors import ConftermError, InputError, PermissionDenied
from confterm.reports import printing
from confterm.reports.model import Table
from confterm.vault.access import content_export, decisions, register, requests
from confterm.vault.access.changes import edit_record
from confterm.vault.reporting import deliver, kinds, run
from confterm.vault.session import VaultSession
from tests.unit.access.conftest import APPROVER, CUSTODIAN, CUSTODIAN_PASS, draft, step_up

NOTE = "股东借款明细夹于第3页"
REPRESENTATIVE = "王大明"  # the clients' legal representative, masked everywhere else


def _approved(s: VaultSession, ids: list[int], kind: str, **decide: object) -> int:
    req = s.call(requests.register, draft(ids, kind=kind))
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, req.id, decide.pop("outcome", "approve"), p, **decide)
    return req.id


def _annotate(s: VaultSession, record_id: int) -> None:
    version = s.call(lambda ctx: ctx.conn.execute(
        "SELECT version FROM records WHERE id = ?", (record_id,)).fetchone()[0])
    s.call(edit_record, record_id, version, {"notes": NOTE}, "补记备注")


def _count(s: VaultSession, action: str) -> int:
    return int(s.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM audit_events WHERE action = ?", (action,)).fetchone()[0]))


def _issued(s: VaultSession) -> int:
    return int(s.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM issued_reports WHERE kind = 'record-content'").fetchone()[0]))


def _sheet(s: VaultSession, request: int | str, records: str | None = None,
           lang: str = "en") -> run.Generated:
    """The content sheet made and issued, not yet saved or printed."""
    return run.generate(s, kinds.ReportOptions("record-content", lang, "律师取证",
                                               request=str(request), records=records))


def _print(s: VaultSession, request: int | str, records: str | None = None,
           lang: str = "en") -> run.Generated:
    """The sheet made and saved as a PDF (what the register's print act stands for)."""
    made = _sheet(s, request, records, lang)
    folder = Path(tempfile.mkdtemp(prefix="sheet-"))
    deliver.save(s, made.issued, made.produced.pdf, folder / "sheet.pdf", "律师取证")
    return made


def _export(s: VaultSession, request: int, out: Path) -> content_export.Exported:
    return s.call(content_export.export_request, request, out, "zh_CN")


def _acts(s: VaultSession, request: int) -> list[tuple[str, str]]:
    flt = register.RegisterFilter()
    return sorted((e.act, e.archive_no) for e in s.call(register.list_events, flt, None, 500)
                  if e.request_id == request and e.act in ("print", "export"))


def _refused_everything(s: VaultSession, request: int, out: Path, match: str,
                        export_match: str | None = None) -> None:
    """Print and export both refused with one sentence; both refusals audited; nothing
    issued, no file (not even a temporary one), no act in the register."""
    with pytest.raises(PermissionDenied, match=match):
        _print(s, request)
    with pytest.raises(PermissionDenied, match=export_match or match):
        _export(s, request, out)
    assert _count(s, "access.print_refused") == 1
    assert _count(s, "access.export_refused") == 1
    assert _issued(s) == 0 and _acts(s, request) == []
    assert list(out.parent.iterdir()) == []


def test_refused_without_a_covering_request(world, open_as, tmp_path: Path) -> None:
    s = open_as(CUSTODIAN)
    pending = s.call(requests.register, draft(world.records[:2], kind="export"))
    out = tmp_path / "files" / "content.csv"
    out.parent.mkdir()
    _refused_everything(s, pending.id, out, "has not been decided")


def test_refused_under_a_consultation_request(world, open_as, tmp_path: Path) -> None:
    s = open_as(CUSTODIAN)
    consult = _approved(s, world.records[:2], "consultation")
    out = tmp_path / "files" / "content.xlsx"
    out.parent.mkdir()
    _refused_everything(s, consult, out, "not a copy or export request",
                        "not an export request")


def test_refused_after_the_request_expires(world, open_as, tmp_path: Path) -> None:
    s = open_as(CUSTODIAN)
    export = _approved(s, world.records[:2], "export", expires_on="2026-03-12")
    world.now.advance(days=3)  # 2026-03-13, the day after the last day of use
    out = tmp_path / "files" / "content.csv"
    out.parent.mkdir()
    _refused_everything(s, export, out, "expired on 2026-03-12")


def test_one_record_not_granted_and_nothing_is_printed(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:3], "export", outcome="partial",
                    granted_ids=world.records[:1], conditions="仅第1册")
    with pytest.raises(PermissionDenied, match="does not grant record HX-2020-PZ-002"):
        _print(s, rid, f"{world.archive_nos[0]}, {world.archive_nos[1]}")
    assert _issued(s) == 0 and _acts(s, rid) == []  # the granted one was not logged either
    made = _print(s, rid)  # without --records: the granted record only
    assert _acts(s, rid) == [("print", world.archive_nos[0])]
    assert made.prepared.report.metadata[-1][1] == "仅第1册"


def test_a_copy_request_prints_but_does_not_export(world, open_as, tmp_path: Path) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:1], "copy")
    _print(s, rid)
    with pytest.raises(PermissionDenied, match="not an export request"):
        _export(s, rid, tmp_path / "content.csv")
    assert not (tmp_path / "content.csv").exists()
    assert _acts(s, rid) == [("print", world.archive_nos[0])]


def test_print_under_an_export_request(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    _annotate(s, world.records[0])
    rid = _approved(s, world.records[:2], "export")
    made = _print(s, rid)
    report = made.prepared.report
    cells = [c for b in report.blocks if isinstance(b, Table) for r in b.rows for c in r]
    assert REPRESENTATIVE in cells and NOTE in cells and world.archive_nos[1] in cells
    assert "刘芳 / 原股东" in dict(report.metadata).values()
    assert _acts(s, rid) == [("print", n) for n in world.archive_nos[:2]]
    notes = {e.note for e in s.call(register.list_events, None, None, 50) if e.act == "print"}
    assert len(notes) == 1
    assert notes.pop().startswith(f"saved record content sheet {report.report_id} as the PDF")
    if shutil.which("pdftotext") is None and not os.environ.get("CONFTERM_REQUIRE_TOOLS"):
        pytest.skip("pdftotext (poppler) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=made.produced.pdf,
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert REPRESENTATIVE in text and NOTE in text and "2026-03" in text


def test_export_under_an_export_request(world, open_as, tmp_path: Path) -> None:
    s = open_as(CUSTODIAN)
    _annotate(s, world.records[0])
    rid = _approved(s, world.records[:2], "export")
    done = _export(s, rid, tmp_path / "content.csv")
    with done.path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    head, first = table[0], dict(zip(table[0], table[1], strict=True))
    assert "法定代表人（个人信息）" in head and len(table) == 3
    assert first["法定代表人（个人信息）"] == REPRESENTATIVE and first["备注"] == NOTE
    assert first["标签"] == "" and done.path.stat().st_mode & 0o777 == 0o600  # owner only
    assert _acts(s, rid) == [("export", n) for n in world.archive_nos[:2]]
    events = s.call(lambda ctx: [json.loads(r[0]) for r in ctx.conn.execute(
        "SELECT details FROM audit_events WHERE action = 'access.content_export'")])
    assert len(events) == 1
    assert events[0]["sha256"] == hashlib.sha256(done.path.read_bytes()).hexdigest()
    assert (events[0]["request"], events[0]["person"], events[0]["records"]) == \
        (rid, CUSTODIAN, 2)
    xlsx = s.call(content_export.export_request, rid, tmp_path / "content.xlsx", "en")
    rows = list(load_workbook(xlsx.path, read_only=True).active.iter_rows(values_only=True))
    assert rows[1][rows[0].index("Legal representative (personal information)")] == \
        REPRESENTATIVE
    assert _count(s, "access.export") == 4


def test_export_refuses_an_existing_file_or_a_bad_name(world, open_as, tmp_path) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:1], "export")
    kept = tmp_path / "kept.csv"
    kept.write_text("someone else's file")
    for target, match in ((kept, "already exists"), (tmp_path / "x.pdf", "extension"),
                          (tmp_path / "no" / "x.csv", "does not exist")):
        with pytest.raises(InputError, match=match):
            _export(s, rid, target)
    assert kept.read_text() == "someone else's file" and _acts(s, rid) == []


def test_only_a_custodian_exports(world, open_as, tmp_path: Path) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:1], "export")
    auditor = open_as("赵敏")
    with pytest.raises(ConftermError):
        auditor.call(content_export.export_request, rid, tmp_path / "a.csv", "en")
    with pytest.raises(ConftermError):
        _print(auditor, rid)
    assert not (tmp_path / "a.csv").exists()


def _cli(monkeypatch: pytest.MonkeyPatch, vault: Path, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(CUSTODIAN_PASS + "\n"))
    command, *rest = args
    return main(["--lang", "en", command, *rest[:1], "--vault", str(vault), "--as", CUSTODIAN,
                 *rest[1:]])


def test_command_line(world, open_as, tmp_path: Path, monkeypatch, capsys) -> None:
    s = open_as(CUSTODIAN)
    far = "2099-12-31"  # the command line runs on the real clock, not the world's
    consult = _approved(s, world.records[:1], "consultation", expires_on=far)
    export = _approved(s, world.records[:2], "export", expires_on=far)
    s.close()
    out = tmp_path / "c.xlsx"
    assert _cli(monkeypatch, world.path, "access", "export", str(consult), "--out",
                str(out)) == 2
    assert "not an export request" in capsys.readouterr().err and not out.exists()
    assert _cli(monkeypatch, world.path, "access", "export", str(export), "--out",
                str(out)) == 0
    assert "Exported the content of 2 record(s)" in capsys.readouterr().out and out.exists()
    pdf = tmp_path / "c.pdf"
    assert _cli(monkeypatch, world.path, "report", "record-content", "--purpose", "取证",
                "--out", str(pdf)) == 2
    assert "--request" in capsys.readouterr().err  # refused before unlocking
    assert _cli(monkeypatch, world.path, "report", "record-content", "--purpose", "取证",
                "--request", str(export), "--out", str(pdf)) == 0 and pdf.exists()


def test_the_register_shows_a_print_only_for_a_sheet_saved_or_printed(
        world, open_as, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A sheet that fails to render, is made but never saved, or fails to print leaves no
    act; a sheet printed or saved leaves one per record, saying which."""
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:2], "copy")

    def broken(prepared: object) -> object:
        raise RuntimeError("the layout engine failed")

    with monkeypatch.context() as patch:
        patch.setattr(run.produce, "render", broken)
        with pytest.raises(RuntimeError):
            _sheet(s, rid)
    assert _acts(s, rid) == [] and _issued(s) == 0
    made = _sheet(s, rid)
    assert _acts(s, rid) == [] and _issued(s) == 1  # made, never saved: nothing left

    def no_printer(*args: object, **kwargs: object) -> str:
        raise printing.PrintJobFailed("desk", "the printer is out of paper")

    monkeypatch.setattr(deliver.printing, "print_pdf", no_printer)
    with pytest.raises(printing.PrintingError):
        deliver.print_report(s, made.issued, made.produced.pdf, "desk", 1, "律师取证")
    assert _acts(s, rid) == [] and _count(s, "report.print_failed") == 1
    monkeypatch.setattr(deliver.printing, "print_pdf", lambda *a, **k: "desk-7")
    monkeypatch.setattr(deliver.printing, "wait_for_job", lambda *a, **k: None)
    deliver.print_report(s, made.issued, made.produced.pdf, "desk", 1, "律师取证")
    assert _acts(s, rid) == [("print", n) for n in world.archive_nos[:2]]
    notes = {e.note for e in s.call(register.list_events, None, None, 50) if e.act == "print"}
    assert notes == {f"printed record content sheet {made.issued.report_id} (printer desk)"}


def test_a_job_the_printer_took_counts_even_if_it_fails_later_and_an_unrecorded_save_is_removed(
        world, open_as, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:1], "copy")
    made = _sheet(s, rid)
    monkeypatch.setattr(deliver.printing, "print_pdf", lambda *a, **k: "desk-8")

    def jammed(*args: object, **kwargs: object) -> None:
        raise printing.PrintJobFailed("desk", "paper jam")

    monkeypatch.setattr(deliver.printing, "wait_for_job", jammed)
    with pytest.raises(printing.PrintingError):
        deliver.print_report(s, made.issued, made.produced.pdf, "desk", 1, "律师取证")
    # pages may have come out before the jam: the act stands, and the failure beside it
    assert _acts(s, rid) == [("print", world.archive_nos[0])]
    assert _count(s, "report.print") == 1 and _count(s, "report.print_failed") == 1

    call = s.call

    def refused(fn: Any, *args: object, **kwargs: object) -> object:
        if fn is deliver.produce.record_delivery:  # the file is written, then this fails
            raise InputError("vault.locked")
        return call(fn, *args, **kwargs)

    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr(s, "call", refused)
    with pytest.raises(InputError):
        deliver.save(s, made.issued, made.produced.pdf, target, "律师取证")
    assert not target.exists()


def test_a_sheet_whose_grant_ended_after_it_was_made_is_neither_saved_nor_printed(
        world, open_as, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The guard is asked again at each save or print: between making the sheet and
    handing it over, the request expired (or was closed, or a record put on hold)."""
    s = open_as(CUSTODIAN)
    rid = _approved(s, world.records[:2], "copy", expires_on="2026-03-12")
    made = _sheet(s, rid)
    world.now.advance(days=3)  # 2026-03-13, the day after the last day of use
    refusals = _count(s, "access.print_refused")
    target = tmp_path / "sheet.pdf"
    with pytest.raises(ConftermError) as info:
        deliver.save(s, made.issued, made.produced.pdf, target, "律师取证")
    assert "expired on 2026-03-12" in info.value.message("en")
    assert not target.exists()
    sent: list[object] = []
    monkeypatch.setattr(deliver.printing, "print_pdf", lambda *a, **k: sent.append(a))
    with pytest.raises(ConftermError):
        deliver.print_report(s, made.issued, made.produced.pdf, "desk", 1, "律师取证")
    assert sent == []
    assert _acts(s, rid) == [] and _count(s, "report.save") == 0
    assert _count(s, "report.print") == 0
    assert _count(s, "access.print_refused") == refusals + 2  # each refusal is audited
