"""Demo data: one completed supervised destruction with its register, and records ready
for a new appraisal. Goes through the normal, audited services and real step-up
signatures (the demo people's published passphrases), so the demo shows exactly what a
firm's vault would hold.
"""

from __future__ import annotations

from confterm.vault import lifecycle, people
from confterm.vault.catalogue import clients, records
from confterm.vault.catalogue.clients import ClientInput
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.demo import DEMO_PEOPLE
from confterm.vault.destruction import appraisal, completion, config, register, sessions
from confterm.vault.presence import Presence
from confterm.vault.secrets import passphrase_bytes, wipe
from confterm.vault.session import VaultSession

APPROVER, CLERK, WITNESS, IT_WITNESS = "张伟", "王秀英", "陈静", "刘洋"
BASIS = "《会计档案管理办法》第十六条、第十七条；保管期限已满，经鉴定无保存价值"
_DONE = [("DEMO-XH-1990-PZ-{:03d}", "voucher", 1990, "1990 年记账凭证 第{}册")]
_READY = [("DEMO-XH-1991-PZ-{:03d}", "voucher", 1991, "1991 年记账凭证 第{}册"),
          ("DEMO-XH-1992-ZB-{:03d}", "ledger", 1992, "1992 年明细账 第{}册"),
          ("DEMO-XH-2012-NS-{:03d}", "tax_return", 2012, "2012 年纳税申报表 第{}册")]


def _presence(session: VaultSession, name: str) -> Presence:
    secret = next(p.passphrase for p in DEMO_PEOPLE if p.name == name)
    pw = passphrase_bytes(secret)
    try:
        seed = lifecycle.verify_person_secret(session, name, pw)
    finally:
        wipe(pw)
    person = session.call(lambda ctx: people.get(ctx.conn, name))
    assert person is not None
    return Presence(person, seed)


def _records(session: VaultSession, client_id: int, specs: list[tuple[str, str, int, str]],
             count: int) -> list[int]:
    out = []
    for pattern, category, year, title in specs:
        for n in range(1, count + 1):
            out.append(session.call(records.create, RecordInput(
                archive_no=pattern.format(n), title=title.format(n), client_id=client_id,
                category=category, fiscal_year=year, volume_no=f"{n:02d}", books=1)))
    return out


def seed(session: VaultSession) -> None:
    session.call(config.set_signatories, [("head_of_unit", APPROVER),
                                          ("archives_clerk", CLERK)])
    session.call(config.set_it_people, [IT_WITNESS])
    done_client = session.call(clients.create, ClientInput(
        "上海示例贸易有限公司（已注销）", "91310000MA1FL0XQ2A",
        legal_representative="周某某", liquidation_contact="吴某某 138****0000"))
    ready_client = session.call(clients.create, ClientInput(
        "杭州示例餐饮管理有限公司（已注销）", "91330100MA2H00LQ4B"))
    ids = _records(session, done_client, _DONE, 6)
    _records(session, ready_client, _READY, 4)
    aid = session.call(appraisal.create_appraisal, ids)
    session.call(appraisal.decide, aid, ids[:5], "destroy")
    session.call(appraisal.decide, aid, ids[5:], "extend", 10,
                 "涉及长期股权投资的原始凭证，延长保管")
    session.call(appraisal.issue_appraisal, aid,
                 "经鉴定小组鉴定：上述会计档案保管期限已满，除延长保管者外已无保存价值，同意销毁。")
    rid = session.call(register.create_register, aid, BASIS)
    with _presence(session, APPROVER) as head, _presence(session, CLERK) as clerk:
        session.call(register.sign_register, rid, "head_of_unit", head, "approve", "同意销毁")
        session.call(register.sign_register, rid, "archives_clerk", clerk, "approve",
                     "已核对清册，同意销毁")
    with _presence(session, WITNESS) as witness:
        sid = session.call(sessions.start_session, rid, "碎纸机粉碎（P-4）", "档案室 A 销毁间",
                           [witness])
        numbers = [f"DEMO-XH-1990-PZ-{n:03d}" for n in range(1, 6)]
        for number in numbers[:4]:
            session.call(sessions.check_off, sid, number)
        session.call(sessions.check_off, sid, "DEMO-UNKNOWN-999")  # a stray scan, flagged
        session.call(sessions.exclude_item, sid, ids[4], "装订散页待复核，本次不销毁")
        session.call(completion.complete_session, sid, [witness])
