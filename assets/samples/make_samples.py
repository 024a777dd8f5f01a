"""Regenerate the sample import files: .venv/bin/python assets/samples/make_samples.py

good-gb18030.csv  Chinese headers under a title line, GB18030 as Chinese Excel saves "CSV".
good.xlsx         Chinese headers, numbers as numbers, a real date cell, shared strings.
bad.csv           UTF-8 with BOM and one mistake of each common kind (see EXPECTED in
                  tests/unit/catalogue/test_samples.py).
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from confterm.vault.importing.columns import COLUMNS
from confterm.vault.importing.export import _Values
from confterm.vault.retention_rules import DEFAULT_RULES
from confterm.vault.synthetic import generate_catalogue

HERE = Path(__file__).resolve().parent
KEYS = [c.key for c in COLUMNS]


def _rows(seed: int, count: int):  # type: ignore[no-untyped-def]
    _, rows = generate_catalogue(count, seed=seed)
    rows[3] = dataclasses.replace(rows[3], labels=("注销清算", "重要"), notes="第一行\n第二行")
    rows[5] = dataclasses.replace(rows[5], unresolved=True, unresolved_reason="应收账款未结清")
    rows[6] = dataclasses.replace(rows[6], extension_years=40, extension_reason="涉诉证据")
    return rows


def good_csv() -> None:
    values = _Values("zh_CN", DEFAULT_RULES)
    with (HERE / "good-gb18030.csv").open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["会计档案移交目录（样例）"])
        writer.writerow([c.zh for c in COLUMNS])
        for row in _rows(7, 40):
            writer.writerow(values.cells(row))


def good_xlsx() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "档案目录"
    sheet.append([c.zh for c in COLUMNS])
    values = _Values("zh_CN", DEFAULT_RULES)
    for i, row in enumerate(_rows(11, 30)):
        cells: list[object] = list(values.cells(row))
        if i == 0:
            cells[KEYS.index("archived_on")] = datetime(2017, 3, 5)
        sheet.append(cells)
    book.save(HERE / "good.xlsx")


FUZHOU = ("91350100M000100Y43", "福州闽江商贸有限公司")
BAD = [
    ["档案编号", "题名", "客户统一社会信用代码", "客户名称", "类别", "起始年度", "终止年度",
     "会计年度", "页数", "密级", "归档日期", "未了事项", "经办人"],
    ["PZ-2019-001", "2019年度记账凭证 第1册", *FUZHOU, "记账凭证", "", "", "2019", "120", "内部",
     "2020-03-05", "否", "张三"],
    ["PZ-2019-001", "2019年度记账凭证 第2册", *FUZHOU, "记账凭证", "", "", "2019", "96", "内部",
     "2020-03-05", "否", "张三"],
    ["PZ-2019-003", "2019年度记账凭证 第3册", "91350100M000100Y44", FUZHOU[1], "记账凭证", "",
     "", "2019", "88", "内部", "", "否", "张三"],
    ["ZB-2018-001", "2017-2018年度总账", "91110000600037341L", "北京燕山贸易有限公司", "总账",
     "2018", "2017", "", "二百", "内部", "", "否", "李四"],
    ["GZ-2019-001", "2019年度工资表", "91110000600037341L", "北京燕山商贸有限公司", "工资表",
     "", "", "2019", "30", "绝密", "", "否", "李四"],
    ["NS-2019-001", "", "91440300708461136T", "深圳南山电子有限公司", "纳税申报表", "", "",
     "2019", "12", "内部", "2019-02-30", "否", "王五"],
    ["NS-2099-001", "2099年度纳税申报表", "91440300708461136T", "深圳南山电子有限公司",
     "纳税申报表", "", "", "2099", "12", "内部", "", "是", "王五"],
]


def bad_csv() -> None:
    with (HERE / "bad.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(BAD)


if __name__ == "__main__":
    good_csv()
    good_xlsx()
    bad_csv()
