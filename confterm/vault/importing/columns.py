"""The columns of a catalogue file (CSV or XLSX), in Chinese or English.

The first row with at least two recognised column names is the header (a title line
above it, as many Excel templates have, is skipped). Headers are matched ignoring case,
spaces, underscores, full-width forms and a parenthesised note such as 档案编号（必填）.
Column order is free; every column not listed here is an error (it would be silently lost).

============================  ==================  ========  ===================================
中文列名 (aliases)            English             Required  Content
============================  ==================  ========  ===================================
档案编号 (档号)                archive_no          yes       unique in the vault, no spaces
题名 (案卷题名, 名称)          title               yes       up to 500 characters
客户统一社会信用代码           client_code         yes       18 characters, check character
  (统一社会信用代码, 信用代码)                                 verified (GB 32100)
客户名称 (客户, 单位名称)      client_name         yes       the same code always the same name
类别 (档案类别)                category            yes       code (voucher) or name (记账凭证)
卷号                           volume_no                     text
册数                           books                         whole number >= 1, default 1
起始年度                       start_year                    year, e.g. 2019 or 2019年
终止年度                       end_year                      year >= start year
会计年度 (年度, 所属年度)      fiscal_year         one of    fiscal year, or start/end years;
                                                   these     retention counts from the end year
载体                           medium                        纸质/paper (default), 电子/
                                                             electronic, 纸电混合/both
页数                           pages                         whole number >= 0
密级                           level                         公开 内部 敏感 机密 or public
                                                             internal confidential secret;
                                                             default 内部/internal
标签                           labels                        separated by 、 , ， ; ；
位置 (存放位置, 盒号)          location                      box barcode
含个人信息 (个人信息)          personal_info                 是/否 (yes/no, 1/0, Y/N); ID copies
                                                             are always yes
未了事项                       unresolved                    是/否
未了事项说明                   unresolved_reason   if 未了   why it cannot be destroyed yet
报废年度                       scrapped_year                 fixed-asset cards only
延长保管年限                   extension_years               whole number of years
延长理由                       extension_reason    if 延长   why the period is extended
归档日期                       archived_on                   2019-03-05, 2019/3/5, 2019年3月5日
备注                           notes                         up to 2000 characters
============================  ==================  ========  ===================================

CSV: UTF-8 (with or without BOM) or GB18030/GBK as Chinese Excel saves it, comma or tab
separated. XLSX: the first sheet; formulas and merged cells are refused (a catalogue must
hold the values themselves). The same descriptions, in both languages, are the catalogue
messages ``import.column.<key>`` (see :func:`column_help`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from confterm.i18n import t


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    zh: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("archive_no", "档案编号", ("档号", "archive number", "archive no"), True),
    Column("title", "题名", ("案卷题名", "名称", "档案名称"), True),
    Column("client_code", "客户统一社会信用代码",
           ("统一社会信用代码", "信用代码", "客户代码", "credit code", "client credit code"), True),
    Column("client_name", "客户名称", ("客户", "单位名称", "client"), True),
    Column("category", "类别", ("档案类别", "分类"), True),
    Column("volume_no", "卷号", ("案卷号", "volume")),
    Column("books", "册数", ("册",)),
    Column("start_year", "起始年度", ("起始年份", "开始年度")),
    Column("end_year", "终止年度", ("截止年度", "结束年度", "终止年份")),
    Column("fiscal_year", "会计年度", ("年度", "所属年度", "year")),
    Column("medium", "载体", ("载体类型",)),
    Column("pages", "页数", ()),
    Column("level", "密级", ("保密级别", "级别", "classification")),
    Column("labels", "标签", ("tags",)),
    Column("location", "位置", ("存放位置", "盒号", "档案盒", "box")),
    Column("personal_info", "含个人信息", ("个人信息", "personal information")),
    Column("unresolved", "未了事项", ()),
    Column("unresolved_reason", "未了事项说明", ("未了事项原因",)),
    Column("scrapped_year", "报废年度", ("报废年份",)),
    Column("extension_years", "延长保管年限", ("延长年限",)),
    Column("extension_reason", "延长理由", ("延长保管理由",)),
    Column("archived_on", "归档日期", ("归档时间",)),
    Column("notes", "备注", ("remarks", "note")),
)
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)

_NOTE = re.compile(r"\(.*?\)|\[.*?\]")
_IGNORED = re.compile(r"[\s_\-.*:：\u200b\ufeff]+")


def fold_header(text: str) -> str:
    """The form headers are compared in: NFKC, no note in brackets, no spaces, lower case."""
    folded = unicodedata.normalize("NFKC", text)
    return _IGNORED.sub("", _NOTE.sub("", folded)).casefold()


def _spellings() -> dict[str, str]:
    out: dict[str, str] = {}
    for column in COLUMNS:
        for spelling in (column.key, column.zh, *column.aliases):
            out[fold_header(spelling)] = column.key
    return out


SPELLINGS = _spellings()


def column_for(header: str) -> str | None:
    """The column key a header names, or None when it names none."""
    return SPELLINGS.get(fold_header(header))


def header(key: str, lang: str) -> str:
    """The header written on export: the Chinese name, or the English key."""
    return BY_KEY[key].zh if lang == "zh_CN" else key


def column_help(lang: str | None = None) -> str:
    """A plain-text description of every column, for ``confterm import --help`` and the UI."""
    lines = []
    for column in COLUMNS:
        mark = " *" if column.required else ""
        lines.append(f"{column.zh} / {column.key}{mark}: {t(f'import.column.{column.key}', lang)}")
    lines.append(t("import.column_help_footer", lang))
    return "\n".join(lines)
