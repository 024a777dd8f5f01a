"""``confterm access overdue`` / ``list`` as a scheduled job sees them: exit 1 when a loan is
overdue on the given day, 0 otherwise; one clear sentence on bad input."""

from __future__ import annotations

import subprocess
import sys

from confterm.vault.access import decisions, fulfil, requests
from tests.unit.access.conftest import APPROVER, CUSTODIAN, CUSTODIAN_PASS, draft, step_up


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "confterm", "--lang", "en", *args],
                          input=f"{CUSTODIAN_PASS}\n", capture_output=True, text=True,
                          timeout=120, check=False)


def test_overdue_exit_code_follows_the_day(world, open_as) -> None:
    s = open_as(CUSTODIAN)
    req = s.call(requests.register, draft(world.records[:1], kind="loan"))
    with step_up(s, APPROVER) as p:
        s.call(decisions.decide, req.id, "approve", p, expires_on="2099-12-31")
    s.call(fulfil.lend, req.id, world.records[0], "2026-03-20", 2)
    s.close()
    common = ("--vault", str(world.path), "--as", CUSTODIAN)
    on_time = _run("access", "overdue", *common, "--date", "2026-03-20")
    assert on_time.returncode == 0 and "0 overdue" in on_time.stdout
    late = _run("access", "overdue", *common, "--date", "2026-03-21")
    assert late.returncode == 1 and "HX-2020-PZ-001" in late.stdout and "刘芳" in late.stdout
    listed = _run("access", "list", *common, "--status", "approved", "--requester", "刘")
    assert listed.returncode == 0 and listed.stdout.startswith(f"{req.id}\tLoan\tApproved")
    bad = _run("access", "overdue", *common, "--date", "2026-13-01")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "is not a date" in bad.stderr
