"""Demo data for access: requests in every state, loans overdue and returned, a pending change.

Runs after the catalogue's seeder (``DEMO_SEEDERS``) through the normal, audited services,
as the demo administrator-custodian 李建国 with the demo approver 张伟 stepping up. Past
events (a loan made weeks ago) are made by turning the session's clock back for the call,
so the overdue loan is overdue on whatever day the demo is opened. Records are taken from
those far from disposal, so the destruction demo's eligible records stay eligible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from confterm.vault.access import changes, decisions, fulfil, guard, requests
from confterm.vault.access.model import RequestDraft, local_day
from confterm.vault.demo import present
from confterm.vault.session import Ctx, VaultSession

APPROVER: tuple[str, str | None] = ("张伟", None)  # name, passphrase (None: the demo's)


def _candidates(ctx: Ctx, limit: int = 12) -> list[tuple[int, int]]:
    return [(int(r[0]), int(r[1])) for r in ctx.conn.execute(
        "SELECT id, version FROM records WHERE state = 'active' AND hold_count = 0"
        " AND unresolved = 0 ORDER BY retention_end DESC, personal_info DESC, id LIMIT ?",
        (limit,))]


@contextmanager
def _days_ago(session: VaultSession, days: int) -> Iterator[None]:
    real = session.clock
    moment = real() - timedelta(days=days)
    session.clock = lambda: moment
    try:
        yield
    finally:
        session.clock = real


def _draft(kind: str, ids: list[int], requester: str, org: str, id_no: str, relation: str,
           purpose: str, basis: str, days: int, today: Any) -> RequestDraft:
    return RequestDraft(kind, requester, org, "resident_id", id_no, relation, purpose, basis,
                        today, today + timedelta(days=days), tuple(ids))


def seed(session: VaultSession) -> None:
    found = session.call(_candidates)
    if len(found) < 9:
        return  # no catalogue demo data to speak of
    ids = [i for i, _ in found]
    with present(session, APPROVER[0], "approver", APPROVER[1]) as approver:
        _requests(session, ids, approver)
    record_id, version = found[8]
    level = session.call(lambda ctx: ctx.conn.execute(
        "SELECT level FROM records WHERE id = ?", (record_id,)).fetchone()[0])
    higher = "secret" if level != "secret" else "confidential"
    reason = "卷内夹有股东身份证复印件，建议提高密级" if higher == "secret" else \
        "经复核不含敏感个人信息，建议调整密级"
    session.call(changes.edit_record, record_id, version, {"level": higher}, reason)


def _requests(session: VaultSession, ids: list[int], approver: Any) -> None:
    call: Callable[..., Any] = session.call
    decide = decisions.decide

    def today() -> Any:
        return local_day(session.clock())

    # An overdue loan: lent 40 days ago, due 10 days ago.
    with _days_ago(session, 40):
        loan_req = call(requests.register, _draft(
            "loan", ids[0:2], "周建华", "周建华税务师事务所", "310104198506124327",
            "liquidation_group", "清算组核对往来账款，需借出原件", "《会计档案管理办法》第十三条",
            35, today()))
        call(decide, loan_req.id, "approve", approver, conditions="逾期须书面说明")
        call(fulfil.lend, loan_req.id, ids[0], today() + timedelta(days=30), 2)
    # A returned loan: lent 20 days ago, back 5 days ago.
    with _days_ago(session, 20):
        back_req = call(requests.register, _draft(
            "loan", ids[2:3], "国家税务总局某区税务局", "第二税务所", "440301199003011238",
            "tax_authority", "注销后税务检查调阅凭证", "《税收征收管理法》第五十四条", 30, today()))
        call(decide, back_req.id, "approve", approver)
        loan = call(fulfil.lend, back_req.id, ids[2], today() + timedelta(days=14), 1)
    with _days_ago(session, 5):
        call(fulfil.return_loan, loan.id, 1)
    # An approved consultation, opened and closed, with personal information revealed.
    with _days_ago(session, 3):
        seen = call(requests.register, _draft(
            "consultation", ids[3:5], "刘芳", "原股东", "11010519491231002X", "shareholder",
            "核对2020年股东借款往来", "《会计档案管理办法》第十三条", 14, today()))
        call(decide, seen.id, "approve", approver)
        call(fulfil.open_consultation, seen.id)
        call(guard.require_covering_request, ids[3], "reveal", seen.id, "核对股东身份")
        call(fulfil.close_consultation, seen.id)
    # A denied copy request.
    denied = call(requests.register, _draft(
        "copy", ids[5:6], "赵强", "某咨询公司", "510107198811230042", "other",
        "了解竞争对手经营情况", "无", 7, today()))
    call(decide, denied.id, "deny", approver, reason="用途不属于法定利用范围")
    # A partly approved copy request, copies made.
    part = call(requests.register, _draft(
        "copy", ids[6:8], "陈律师", "某律师事务所", "320102197809152813", "court",
        "民事诉讼取证（案号见附件）", "《民事诉讼法》第六十七条", 10, today()))
    call(decide, part.id, "partial", approver, granted_ids=[ids[6]],
         conditions="仅复制与诉讼有关的第1册；复印件加盖“与原件核对无误”章")
    call(fulfil.record_copies, part.id, ids[6], 2)
    # Still pending.
    call(requests.register, _draft(
        "export", ids[3:4], "王会计", "本所", "110108196503021516", "staff",
        "为原客户出具历史纳税情况说明", "委托协议第七条", 5, today()))

