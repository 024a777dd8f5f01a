"""Demo catalogue: about 40 deregistered clients and 5,000 records, through audited services.

The records come from :mod:`confterm.vault.synthetic` (realistic books per client and
year), thinned to at most 140 per client (every k-th record) so that forty clients make
about 5,000 records. They enter the vault the way a custodian's would: locations created,
the file imported (one audited import), clients' deregistration details and personal
information filled in, then a few classifications, labels, an extension, unresolved
matters and three legal holds (a client, chosen records, a saved query). Tax papers from
2014 and earlier are past their 10 years, so the demo has records eligible for disposal on
any day it is opened.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from confterm.vault.access import change_batch, changes
from confterm.vault.catalogue import (
    clients,
    holds,
    importer,
    labels,
    locations,
    records,
)
from confterm.vault.catalogue.filters import Filters
from confterm.vault.demo import present
from confterm.vault.importing.export import write_csv
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.session import Ctx, VaultSession
from confterm.vault.synthetic import SyntheticClient, iter_catalogue

APPROVER = "张伟"  # the demo approver who accepts the seeded classifications

CLIENTS = 40
PER_CLIENT = 140
PER_BOX = 30
BOX_CAPACITY = 40
SECRET_CLIENTS = 2  # their boxes go into the safe


def _catalogue() -> tuple[list[SyntheticClient], list[CatalogueRow]]:
    made: list[SyntheticClient] = []
    rows: list[CatalogueRow] = []
    for client, client_rows in iter_catalogue(CLIENTS * 600, seed=2024):
        if len(made) == CLIENTS:
            break
        step = max(len(client_rows) // PER_CLIENT, 1)
        made.append(client)
        rows.extend(client_rows[::step][:PER_CLIENT])
    return made, _reboxed(rows)


def _reboxed(rows: list[CatalogueRow]) -> list[CatalogueRow]:
    """Row numbers 2.. and boxes of PER_BOX records, a client's records never sharing."""
    out: list[CatalogueRow] = []
    box, in_box, client = 0, PER_BOX, ""
    for i, r in enumerate(rows):
        if in_box >= PER_BOX or r.client_code != client:
            box, in_box, client = box + 1, 0, r.client_code
        in_box += 1
        out.append(r._replace(row=i + 2, location=f"BOX-{box:06d}"))
    return out


def _boxes(ctx: Ctx, barcodes: list[str], secret: set[str]) -> None:
    """档案室A/B with cabinets of 5 shelves × 4 boxes; the secret clients' boxes in a safe."""
    rooms = {name: locations.create(ctx, "room", name) for name in ("档案室A", "档案室B")}
    vault_room = locations.create(ctx, "room", "涉密档案室")
    safe = locations.create(ctx, "safe", "保险柜01", vault_room)
    safe_shelf = locations.create(ctx, "shelf", "第1层", safe)
    shelf = cabinet = 0
    ordinary = [b for b in barcodes if b not in secret]
    for n, code in enumerate(ordinary):
        if n % 20 == 0:
            room = rooms["档案室A" if n < len(ordinary) // 2 else "档案室B"]
            cabinet = locations.create(ctx, "cabinet", f"密集架{n // 20 + 1:02d}", room)
        if n % 4 == 0:
            shelf = locations.create(ctx, "shelf", f"第{n % 20 // 4 + 1}层", cabinet)
        locations.create(ctx, "box", f"盒{code[-4:]}", shelf, barcode=code,
                         capacity=BOX_CAPACITY)
    for code in sorted(secret):
        locations.create(ctx, "box", f"盒{code[-4:]}", safe_shelf, barcode=code,
                         capacity=BOX_CAPACITY)


def _client_ids(ctx: Ctx, made: list[SyntheticClient]) -> list[int]:
    out = []
    for c in made:
        found = clients.by_code(ctx.conn, c.credit_code)
        assert found is not None
        clients.update(ctx, found.id, found.version, {
            "deregistered_on": c.deregistered_on, "legal_representative": c.legal_representative,
            "liquidation_contact": c.liquidation_contact,
            "custody_agreement": f"BG-{c.deregistered_on.year}-{c.number:03d}",
            "notes": f"{c.city}，{c.founded}年成立，{c.deregistered_on.year}年注销"})
        out.append(found.id)
    return out


def _ids(ctx: Ctx, sql: str, *params: object) -> list[int]:
    return [int(r[0]) for r in ctx.conn.execute(sql, params)]


def _touches(session: VaultSession, client_ids: list[int]) -> None:
    """Classifications and an extension (proposed by the administrator-custodian, accepted
    by the demo approver, as change control requires), labels, unresolved matters and
    three holds."""
    call = session.call
    secret = call(_ids, "SELECT id FROM records WHERE client_id IN (?, ?)", *client_ids[:2])
    payroll = call(_ids, "SELECT id FROM records WHERE title LIKE '%个人所得税%' LIMIT 30")
    batches = [call(change_batch.classify, secret, "secret",
                    "涉及重大诉讼及个人收入信息，按机密管理"),
               call(change_batch.classify, payroll, "confidential", "含员工个人收入信息")]
    for rid in call(_ids, "SELECT id FROM records WHERE category = 'voucher'"
                          " AND unresolved = 0 ORDER BY id LIMIT 4 OFFSET 40"):
        call(_edit, rid, {"unresolved": True,
                          "unresolved_reason": "对应应收账款尚在追收，未了事项"},
             "清理往来款项时发现未了事项")
    ledger = call(_ids, "SELECT id FROM records WHERE category = 'ledger' ORDER BY id LIMIT 1")
    extension = call(_edit, ledger[0], {"extension_years": 50,
                                        "extension_reason": "涉及股权转让纠纷，经鉴定延长保管"},
                     "鉴定小组意见：延长保管")
    with present(session, APPROVER, "approver") as approver:
        for batch in batches:
            call(change_batch.decide_batch, batch.batch_id, True, approver)
        call(changes.decide, extension.proposal_id, True, approver)
    call(_holds_and_labels, client_ids)


def _edit(ctx: Ctx, record_id: int, fields: dict[str, object],
          reason: str) -> changes.EditOutcome:
    version = records.raw(ctx.conn, record_id)["version"]
    return changes.edit_record(ctx, record_id, version, fields, reason)


def _holds_and_labels(ctx: Ctx, client_ids: list[int]) -> None:
    holds.create(ctx, "合同纠纷诉讼（2024）浙01民初88号，法院要求保全全部会计档案",
                 "杭州市中级人民法院", "client", client_id=client_ids[2],
                 reference="（2024）浙01民初88号")
    chosen = _ids(ctx, "SELECT id FROM records WHERE client_id = ? AND category = 'tax_return'"
                       " ORDER BY fiscal_year LIMIT 6", client_ids[3])
    holds.create(ctx, "税务稽查调取纳税申报资料", "国家税务总局稽查局", "records",
                 record_ids=chosen, reference="税稽调〔2024〕17号")
    query = holds.save_query(ctx, "2012年度银行对账单", Filters(category="bank_statement",
                                                              year_from=2012, year_to=2012))
    holds.create(ctx, "审计调取2012年度银行对账单", "会计师事务所审计组", "query",
                 query_id=query)
    tagged = _ids(ctx, "SELECT id FROM records WHERE client_id = ? LIMIT 12", client_ids[2])
    labels.change(ctx, tagged, ["涉诉"])


def seed(session: VaultSession) -> None:
    made, rows = _catalogue()
    secret_codes = {c.credit_code for c in made[:SECRET_CLIENTS]}
    secret_boxes = {r.location for r in rows if r.client_code in secret_codes}
    barcodes = list(dict.fromkeys(r.location for r in rows))
    session.call(_boxes, barcodes, secret_boxes)
    with tempfile.TemporaryDirectory(prefix="confterm-demo-") as tmp:
        path = Path(tmp) / "演示档案目录.csv"
        write_csv(path, rows)
        result = session.call(importer.import_file, path)
    if not result.ok:
        raise RuntimeError("demo catalogue: " + "; ".join(
            p.text("en") for p in result.problems[:3]))
    client_ids = session.call(_client_ids, made)
    _touches(session, client_ids)
