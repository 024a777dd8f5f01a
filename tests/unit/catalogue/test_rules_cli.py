"""``confterm rules|levels|review-days`` as an administrator's script uses them.

Run in-process through ``confterm.cli.main`` (passphrases on standard input, as a script
gives them) against a fast-KDF vault holding one 2023 voucher, so each test can check what
the administrator relies on: the record's retention end moves, the audit trail says who
changed what, and a refusal is one sentence with exit code 2 that changes nothing.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from confterm.cli import main
from confterm.vault import audit_query, lifecycle
from confterm.vault.audit_query import AuditFilter
from confterm.vault.catalogue import classify, clients, records, rules
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import VaultSession
from tests.conftest import ADMIN, ADMIN_PASS, enrol

CUSTODIAN, CUSTODIAN_PASS = "王秀英", "custodian passphrase for rules"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def rv(vault: Path) -> Path:
    """The vault with a custodian and one voucher of fiscal 2023 (kept until 2054-01-01)."""
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as s:
        enrol(s, CUSTODIAN, "custodian", CUSTODIAN_PASS)
        client = s.call(clients.create, clients.ClientInput(
            "厦门鹭岛商贸有限公司", "91350100M000100Y43"))
        s.call(records.create, RecordInput("KJ-2023-0001", "2023年记账凭证", client,
                                           "voucher", 2023))
    return vault


@pytest.fixture
def cli(rv: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    monkeypatch.setenv("CONFTERM_LANG", "en")

    def run(*argv: str, who: str = ADMIN, passphrase: str = ADMIN_PASS) -> Run:
        monkeypatch.setattr(sys, "stdin", io.StringIO(passphrase + "\n"))
        capsys.readouterr()
        code = main([*argv, "--vault", str(rv), "--as", who])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def peek(vault: Path, fn: Callable[[VaultSession], object]) -> object:
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as s:
        return fn(s)


def retention_end(vault: Path) -> str:
    return str(peek(vault, lambda s: s.call(lambda ctx: ctx.conn.execute(
        "SELECT retention_end FROM records WHERE archive_no = 'KJ-2023-0001'").fetchone()[0])))


def events(vault: Path, action: str) -> list[audit_query.AuditRow]:
    return peek(vault, lambda s: s.call(lambda ctx: audit_query.page(  # type: ignore[return-value]
        ctx.conn, AuditFilter(action=action), None, 10)))


def rule_version(vault: Path, category: str) -> int:
    listed = peek(vault, lambda s: s.call(lambda ctx: rules.list_rules(ctx.conn)))
    return next(v for r, v in listed if r.category == category)  # type: ignore[attr-defined]


def refused(run: Run) -> str:
    """A refusal: exit 2, one sentence on stderr, no traceback; returns the sentence."""
    assert run.code == 2, (run.code, run.out, run.err)
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in run.err, run.err
    return lines[0]


def test_voucher_rule_to_40_years_moves_the_retention_end_and_is_audited(
        cli: Callable[..., Run], rv: Path) -> None:
    assert retention_end(rv) == "2054-01-01"
    result = cli("rules", "edit", "voucher", "--years", "40")
    assert result.code == 0, result.err
    assert "40 years" in result.out and "retention end moved: 1." in result.out
    assert retention_end(rv) == "2064-01-01"
    [event] = events(rv, "rule.update")
    details = json.loads(event.details)
    assert event.actor == ADMIN and event.object_id == "voucher"
    assert details["changes"]["years"] == {"before": 30, "after": 40}
    assert details["records_recomputed"] == 1
    listing = cli("rules", "list", who=CUSTODIAN, passphrase=CUSTODIAN_PASS)
    assert listing.code == 0
    voucher = next(line for line in listing.out.splitlines() if line.startswith("voucher\t"))
    assert "\t40 years\t" in voucher and "\t2\t" in voucher  # period and version


def test_permanent_keeps_the_record_forever_and_the_basis_can_change(
        cli: Callable[..., Run], rv: Path) -> None:
    result = cli("rules", "edit", "voucher", "--permanent", "--basis-en", "Firm decision 7",
                 "--firm-rule")
    assert result.code == 0, result.err
    assert "permanent" in result.out
    assert retention_end(rv) == "9999-12-31"
    listing = cli("rules", "list")
    voucher = next(line for line in listing.out.splitlines() if line.startswith("voucher\t"))
    assert voucher.endswith("\tFirm decision 7") and "\tyes\t" in voucher


@pytest.mark.parametrize("argv, words", [
    (("rules", "edit", "voucher", "--years", "400"), "1 to 200"),
    (("rules", "edit", "voucher", "--years", "thirty"), "1 to 200"),
    (("rules", "edit", "voucher"), "Nothing to change"),
    (("rules", "edit", "no_such", "--years", "5"), "Unknown record category"),
    (("rules", "edit", "voucher", "--counted-from", "scrapped", "--permanent"),
     "counted from scrapping"),
    (("rules", "edit", "voucher", "--years", "40", "--expect-version", "7"),
     "changed by someone else"),
    (("rules", "add", "voucher", "--years", "5", "--name-zh", "凭证", "--name-en", "V",
      "--basis-zh", "依据", "--basis-en", "basis"), "already exists"),
    (("rules", "add", "audit_report", "--years", "5"), "names and legal basis"),
    (("rules", "add", "Audit Report", "--years", "5"), "invalid"),
    (("rules", "add", "audit_report", "--name-zh", "审计报告"), "--years N or --permanent"),
    (("levels", "set", "secret", "--rank", "30"), "already has rank 30"),
    (("levels", "set", "top_secret", "--rank", "50"), "--rank, --zh and --en"),
    (("levels", "set", "secret", "--rank", "-3"), "whole number"),
    (("levels", "remove", "secret"), "built in"),
    (("review-days", "0"), "1 to 3650"),
])
def test_bad_input_is_one_sentence_and_changes_nothing(
        cli: Callable[..., Run], rv: Path, argv: tuple[str, ...], words: str) -> None:
    assert words in refused(cli(*argv))
    assert retention_end(rv) == "2054-01-01" and rule_version(rv, "voucher") == 1
    assert events(rv, "rule.") == [] and events(rv, "level.") == []


def test_a_custodian_may_read_but_not_change(cli: Callable[..., Run], rv: Path) -> None:
    as_custodian = {"who": CUSTODIAN, "passphrase": CUSTODIAN_PASS}
    for argv in (("rules", "edit", "voucher", "--years", "40"),
                 ("levels", "set", "secret", "--en", "Top"), ("review-days", "30")):
        assert "administrator" in refused(cli(*argv, **as_custodian)).lower()
    assert retention_end(rv) == "2054-01-01" and events(rv, "level.") == []
    assert cli("levels", "list", **as_custodian).code == 0


def test_a_new_category_is_listed_audited_and_used(cli: Callable[..., Run], rv: Path) -> None:
    result = cli("rules", "add", "audit_report", "--years", "20", "--name-zh", "审计报告",
                 "--name-en", "Audit reports", "--basis-zh", "本所规定", "--basis-en",
                 "Firm rule", "--firm-rule", "--aliases", "审计报告,审计意见书")
    assert result.code == 0, result.err
    assert "audit_report" in cli("rules", "list").out
    assert [e.object_id for e in events(rv, "rule.add")] == ["audit_report"]

    def catalogue(s: VaultSession) -> str:
        client = s.call(lambda ctx: ctx.conn.execute("SELECT id FROM clients").fetchone()[0])
        rid = s.call(records.create, RecordInput("SJ-2020-0001", "2020年审计报告", client,
                                                 "audit_report", 2020))
        return str(s.call(lambda ctx: records.raw(ctx.conn, rid)["retention_end"]))

    assert peek(rv, catalogue) == "2041-01-01"


def test_levels_add_rename_and_remove_only_unused(cli: Callable[..., Run], rv: Path) -> None:
    assert cli("levels", "set", "top_secret", "--rank", "50", "--zh", "绝密",
               "--en", "Top secret").code == 0
    assert cli("levels", "set", "top_secret", "--en", "Most secret").code == 0
    listing = cli("levels", "list").out
    assert "50\ttop_secret\t绝密\tMost secret\t-\t0" in listing
    assert "internal\t内部\tInternal\tyes\t1" in listing  # the voucher is internal

    def classify_one(s: VaultSession) -> None:
        client = s.call(lambda ctx: ctx.conn.execute("SELECT id FROM clients").fetchone()[0])
        s.call(records.create, RecordInput("KJ-2023-0002", "绝密凭证", client, "voucher",
                                           2023, level="top_secret"))

    peek(rv, classify_one)
    assert "still carried by 1 records" in refused(cli("levels", "remove", "top_secret"))
    assert cli("levels", "set", "spare", "--rank", "60", "--zh", "备用", "--en", "Spare"
               ).code == 0
    assert cli("levels", "remove", "spare").code == 0
    assert "spare" not in cli("levels", "list").out
    assert [(e.action, e.object_id) for e in events(rv, "level.")] == [
        ("level.remove", "spare"), ("level.add", "spare"), ("level.update", "top_secret"),
        ("level.add", "top_secret")]


def test_review_period_is_shown_set_and_audited(cli: Callable[..., Run], rv: Path) -> None:
    assert "365 days" in cli("review-days").out
    assert cli("review-days", "180").code == 0
    assert peek(rv, lambda s: s.call(lambda ctx: classify.review_days(ctx.conn))) == 180
    [event] = events(rv, "settings.change")
    assert json.loads(event.details) == {"old": 365, "new": 180}
