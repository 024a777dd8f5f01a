"""The recovery sheet: at creation (``init --recovery-sheet``) and later only with the
recovery key typed in and proven against the recovery slot; the vault never keeps it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from report_tools import need, run, squash

from confterm.cli import main
from confterm.errors import AuthError, DamageError, InputError, PermissionDenied
from confterm.vault import keyslots
from confterm.vault.reporting import issued, kinds, pki_store, recovery
from confterm.vault.reporting import run as reporting_run
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import VaultSession
from tests.conftest import ADMIN, ADMIN_PASS, enrol


def _sheet(session: VaultSession, key: str) -> reporting_run.Generated:
    canonical = recovery.check_recovery_key(session, passphrase_bytes(key))
    options = kinds.ReportOptions("recovery-sheet", "zh_CN", "补打恢复密钥单",
                                  recovery_key=canonical.decode())
    return reporting_run.generate(session, options)


def test_sheet_later_needs_the_right_key(session: VaultSession, vault: Path) -> None:
    key = (vault.parent / "vault.recovery").read_text()
    made = _sheet(session, key.lower().replace("-", ""))  # typed loosely
    text = made.prepared.report.blocks[0].heading  # type: ignore[union-attr]
    assert key in text
    stored = session.call(lambda ctx: "".join(str(v) for row in ctx.conn.execute(
        "SELECT manifest FROM issued_reports UNION ALL SELECT details FROM audit_events")
        for v in row))
    assert key not in stored and key.replace("-", "") not in stored  # never kept
    check = session.call(issued.lookup, made.issued.short_code)
    assert check.verifies and check.digest_ok is None and check.withheld == ["recovery_key"]
    wrong = key[:-6] + ("0" if key[-6] != "0" else "1") + key[-5:]
    with pytest.raises(InputError):  # a typo: the check character catches it
        recovery.check_recovery_key(session, passphrase_bytes(wrong))
    other = "0000-0000-0000-0000-0000-0000-000"
    with pytest.raises((AuthError, InputError)):
        recovery.check_recovery_key(session, passphrase_bytes(other))


def test_wrong_but_well_formed_key_is_refused(session: VaultSession) -> None:
    from confterm.vault import keys

    fresh = keys.new_recovery_key()  # valid check character, not this vault's key
    with pytest.raises(AuthError, match="Wrong recovery key"):
        recovery.check_recovery_key(session, fresh)


def test_no_recovery_slot_says_why(session: VaultSession,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    real = keyslots.load

    def without(path: Path) -> keyslots.LoadedSlots:
        loaded = real(path)
        loaded.file.slots = [s for s in loaded.file.slots if s.kind != "recovery"]
        return loaded

    monkeypatch.setattr(keyslots, "load", without)
    with pytest.raises(DamageError, match="no recovery slot"):
        recovery.check_recovery_key(session, passphrase_bytes("0" * 27))


def test_only_an_administrator(session: VaultSession, vault: Path) -> None:
    from confterm.vault import lifecycle

    enrol(session, "王秀英", "custodian", "custodian passphrase one")
    session.close()
    other = lifecycle.open_vault(vault, "王秀英", passphrase_bytes("custodian passphrase one"))
    with other:
        with pytest.raises(PermissionDenied):
            recovery.check_recovery_key(other, passphrase_bytes("0" * 27))
        options = kinds.ReportOptions("recovery-sheet", "en", "x", recovery_key="K")
        with pytest.raises(PermissionDenied):
            reporting_run.generate(other, options)


def test_init_writes_a_signed_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    need("pdftotext")
    sheet = tmp_path / "sheet.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{ADMIN_PASS}\n{ADMIN_PASS}\n"))
    code = main(["--lang", "zh_CN", "init", "--vault", str(tmp_path / "v"), "--name", ADMIN,
                 "--vault-name", "测试档案库", "--fast-kdf", "--recovery-sheet", str(sheet)])
    assert code == 0
    shown = capsys.readouterr().out
    key = next(line.strip() for line in shown.splitlines() if line.startswith("    "))
    text = squash(run("pdftotext", "-layout", str(sheet), "-"))
    assert key in text and "档案库恢复密钥单" in text and "档案库指纹" in text
    from confterm.reports.verify import verify_pdf
    from confterm.vault import lifecycle

    session = lifecycle.open_vault(tmp_path / "v", ADMIN, passphrase_bytes(ADMIN_PASS))
    with session:
        assert verify_pdf(sheet.read_bytes(), session.call(pki_store.ca_certificate)).valid
        assert session.call(lambda ctx: ctx.conn.execute(
            "SELECT count(*) FROM audit_events WHERE action = 'report.save'").fetchone()[0]) == 1


def test_init_with_an_unwritable_sheet_creates_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{ADMIN_PASS}\n{ADMIN_PASS}\n"))
    code = main(["--lang", "en", "init", "--vault", str(tmp_path / "v"), "--name", ADMIN,
                 "--fast-kdf", "--recovery-sheet", str(tmp_path / "no" / "sheet.pdf")])
    assert code == 2 and not (tmp_path / "v").exists()
    assert "does not exist" in capsys.readouterr().err
