"""``confterm verify``: exit 0 for a fresh report; 1 after any change to the file, or once
the audit log no longer reaches the checkpoint printed on it; a short code finds its
report, and a one-character typo is refused before anything is looked up."""

from __future__ import annotations

from pathlib import Path

import pytest

from confterm.reports import codes, pki
from confterm.vault.reporting import issued
from tests.unit.reporting.reporting_tools import cli, open_as

PURPOSE = "年度审计抽查"
CLIENT = "上海示例贸易"  # one client of the demo: a small inventory


def _report(monkeypatch: pytest.MonkeyPatch, vault: Path, out: Path,
            kind: str = "inventory") -> tuple[str, str]:
    """Produce a report into ``out``; (short code, checkpoint code) from the vault."""
    assert cli(monkeypatch, vault, "report", kind, "--out", str(out), "--purpose",
               PURPOSE, "--client", CLIENT) == 0
    session = open_as(vault)
    with session:
        short, checkpoint = session.call(lambda ctx: ctx.conn.execute(
            "SELECT short_code, checkpoint FROM issued_reports ORDER BY id DESC LIMIT 1"
        ).fetchone())
    return str(short), str(checkpoint)


def test_fresh_report_verifies_and_names_its_signer(monkeypatch: pytest.MonkeyPatch,
                                                   demo_vault: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "inv.pdf"
    _report(monkeypatch, demo_vault, out)
    capsys.readouterr()
    assert cli(monkeypatch, demo_vault, "verify", str(out)) == 0
    text = capsys.readouterr().out
    assert "李建国" in text and "verified" in text and "still extends" in text
    assert PURPOSE in text  # the vault's own record of issuing it


@pytest.mark.parametrize("change", ["one_byte", "appended_page", "truncated"])
def test_any_change_to_the_file_fails(monkeypatch: pytest.MonkeyPatch, demo_vault: Path,
                                      tmp_path: Path, change: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "inv.pdf"
    _report(monkeypatch, demo_vault, out)
    data = bytearray(out.read_bytes())
    if change == "one_byte":
        at = data.find(b"/Subject")
        data[at + 12] ^= 0x01
    elif change == "appended_page":
        data += b"\n1 0 obj\n<< /Type /Page >>\nendobj\n%%EOF\n"
    else:
        data = data[: len(data) // 2]
    out.write_bytes(bytes(data))
    capsys.readouterr()
    assert cli(monkeypatch, demo_vault, "verify", str(out)) == 1
    err = capsys.readouterr().err
    assert "NOT verified" in err
    assert "verified." not in capsys.readouterr().out


def test_a_truncated_audit_log_fails_the_printed_checkpoint(
        monkeypatch: pytest.MonkeyPatch, demo_vault: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "inv.pdf"
    short, checkpoint = _report(monkeypatch, demo_vault, out)
    count = int(checkpoint.split("-")[1])
    session = open_as(demo_vault)
    with session:  # an attacker with the key cuts the log back below the checkpoint
        session.call(lambda ctx: ctx.conn.execute("DELETE FROM audit_events WHERE seq >= ?",
                                                  (count,)))
    capsys.readouterr()
    assert cli(monkeypatch, demo_vault, "verify", str(out)) == 1
    assert "truncated" in capsys.readouterr().err
    assert cli(monkeypatch, demo_vault, "verify", "--code", short) == 1
    assert "truncated" in capsys.readouterr().err


def test_without_the_vault_the_ca_file_verifies_and_says_what_it_could_not_check(
        monkeypatch: pytest.MonkeyPatch, demo_vault: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    out, ca = tmp_path / "inv.pdf", tmp_path / "ca.pem"
    _report(monkeypatch, demo_vault, out)
    assert cli(monkeypatch, demo_vault, "report", "ca-certificate", "--out", str(ca)) == 0
    capsys.readouterr()
    assert cli(monkeypatch, demo_vault, "verify", str(out), "--ca", str(ca), stdin="") == 0
    assert "not checked" in capsys.readouterr().out
    stranger = tmp_path / "other-ca.pem"
    stranger.write_bytes(pki.create_authority("别的档案库").ca_cert)
    assert cli(monkeypatch, demo_vault, "verify", str(out), "--ca", str(stranger),
               stdin="") == 1
    assert "untrusted" in capsys.readouterr().err


def test_short_code_lookup_and_typos(monkeypatch: pytest.MonkeyPatch, demo_vault: Path,
                                    tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    short, _ = _report(monkeypatch, demo_vault, tmp_path / "inv.pdf")
    capsys.readouterr()
    assert cli(monkeypatch, demo_vault, "verify", "--code", short.lower()) == 0
    found = capsys.readouterr().out
    assert PURPOSE in found and "saved" in found
    body = short.replace("-", "")[1:-1]
    for i in range(len(body)):  # every single-character typo is refused, before unlocking
        wrong = codes.CROCKFORD[(codes.CROCKFORD.index(body[i]) + 7) % 32]
        typed = body[:i] + wrong + body[i + 1:] + short[-1]
        assert cli(monkeypatch, demo_vault, "verify", "--code", typed, stdin="") == 2
        assert "mistyped" in capsys.readouterr().err
    session = open_as(demo_vault)
    with session:
        check = session.call(issued.lookup, short)
        assert check.valid and check.report_id.startswith("INV-")
        other = codes.short_code(bytes(32))
        with pytest.raises(Exception, match="issued no report"):
            session.call(issued.lookup, other)


def test_a_scanned_qr_code_finds_the_report_and_its_signature_is_checked(
        demo_vault: Path) -> None:
    from tests.unit.reporting.reporting_tools import generate

    session = open_as(demo_vault)
    with session:
        made = generate(session, "appraisal")
        found = session.call(issued.lookup, made.produced.qr_payload)
        assert found.valid and found.short_code == made.issued.short_code
        qr = codes.QrPayload.decode(made.produced.qr_payload)
        forged = codes.QrPayload(qr.report_id, qr.digest, bytes(64)).encode()
        found = session.call(issued.lookup, forged)
        assert not found.valid
        assert any(p.key == "reports.verify.qr_signature_invalid" for p in found.problems)
