"""Scale data for the catalogue benchmark: locations in the vault, records as a CSV file.

Records are streamed (a million CatalogueRow objects would take ~400 MB) and written with
the import layout, so the benchmark measures the real import path. The rows come from
:mod:`confterm.vault.synthetic` when it offers ``catalogue_rows``; otherwise from the small
deterministic generator below (realistic category mix, Chinese titles and company names,
valid credit codes, boxes of 200).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from confterm.vault.catalogue import locations
from confterm.vault.credit_code import compute_check_char
from confterm.vault.importing.export import write_csv
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.session import Ctx

BOX_CAPACITY = 200
RECORDS_PER_CLIENT = 250
CATEGORY_MIX = (("voucher", 55, "记账凭证", "PZ"), ("ledger", 10, "明细账", "ZB"),
                ("periodic_report", 9, "月度财务报告", "BB"),
                ("annual_report", 3, "年度财务报告", "NB"),
                ("bank_statement", 8, "银行对账单", "DZ"), ("tax_return", 8, "纳税申报表", "SB"),
                ("invoice_stub", 3, "发票存根联", "FP"),
                ("id_copy", 1, "法定代表人身份证复印件", "SF"),
                ("contract", 3, "委托代理记账合同", "HT"))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split(" "))


_PLACES = _words("北京 上海 深圳 杭州 成都 武汉 南京 厦门 苏州 西安 长沙 青岛 天津 重庆 宁波 福州")
_WORDS = _words("华信 东方 南山 西湖 天府 长江 金桥 鹭岛 恒通 瑞丰 嘉禾 新纪元 宏达 远航 锦程 聚源")
_TRADES = _words("商贸 科技 电子 茶业 餐饮 建材 物流 咨询 服饰 医药 文化传媒 机械设备")
_TOPICS = _words("工资 费用报销 采购 销售 增值税 企业所得税 固定资产 往来款 银行存款 现金")


def credit_code(n: int) -> str:
    first17 = f"9111{n % 10000:04d}{n:09d}"[:17]
    return first17 + compute_check_char(first17)


def box_barcode(n: int) -> str:
    return f"BX{n:06d}"


def make_boxes(ctx: Ctx, rows: int) -> int:
    """Rooms, cabinets, shelves and enough boxes of BOX_CAPACITY for ``rows`` records."""
    boxes = rows // BOX_CAPACITY + 2
    made = 0
    room = cabinet = shelf = 0
    for n in range(boxes):
        if n % 2000 == 0:
            room = locations.create(ctx, "room", f"档案室{n // 2000 + 1}")
        if n % 200 == 0:
            cabinet = locations.create(ctx, "cabinet", f"柜{n // 200 + 1:03d}", room)
        if n % 20 == 0:
            shelf = locations.create(ctx, "shelf", f"第{n // 20 % 10 + 1}层", cabinet)
        locations.create(ctx, "box", f"盒{n + 1:05d}", shelf, barcode=box_barcode(n),
                         capacity=BOX_CAPACITY)
        made += 1
    return made


def _client_name(rng: random.Random, n: int) -> str:
    return (f"{rng.choice(_PLACES)}{rng.choice(_WORDS)}{rng.choice(_TRADES)}"
            f"有限公司{'' if n < 64 else f'（{n}）'}")


def catalogue_rows(count: int, seed: int = 7) -> Iterator[CatalogueRow]:
    """``count`` valid rows; ~1 % unresolved, some extended, boxes filled in order."""
    rng = random.Random(seed)
    weights = [c[1] for c in CATEGORY_MIX]
    clients = max(count // RECORDS_PER_CLIENT, 1)
    names = [_client_name(rng, i) for i in range(clients)]
    for i in range(count):
        c = i * clients // count
        code, _, name_zh, short = rng.choices(CATEGORY_MIX, weights)[0]
        year = 1995 + rng.randrange(0, 30)
        month = rng.randrange(1, 13)
        title = f"{names[c][:6]}{year}年{month}月{rng.choice(_TOPICS)}{name_zh}"
        unresolved = rng.random() < 0.01
        level = rng.choices(("public", "internal", "confidential", "secret"), (5, 80, 12, 3))[0]
        yield CatalogueRow(
            i + 2, f"K{c:05d}-{year}-{short}-{i:07d}", title, credit_code(c + 1), names[c],
            code, year, volume_no=str(month), books=rng.randrange(1, 4),
            pages=rng.randrange(20, 400),
            level="internal" if code == "id_copy" else level,
            labels=("涉诉",) if rng.random() < 0.002 else (),
            location=box_barcode(i // BOX_CAPACITY), personal_info=code == "id_copy",
            unresolved=unresolved, unresolved_reason="往来款未结清" if unresolved else "")


def write_file(path: Path, count: int, encoding: str = "utf-8-sig") -> int:
    return write_csv(path, catalogue_rows(count), lang="zh_CN", encoding=encoding)
