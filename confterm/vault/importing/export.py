"""Write catalogue rows as CSV or XLSX in the import layout, so an export re-imports as is.

Headers are Chinese (档案编号 …) or the English column keys (archive_no …); values follow
the header language (类别 记账凭证 / voucher, 是/否 / yes/no). CSV is written as UTF-8 with
a BOM by default, which Chinese Excel opens correctly (GB18030 on request). A text cell that
Excel would run as a formula (= + - @ at the start) gets a leading ' in CSV; the importer
removes it. In XLSX such text is stored explicitly as a string, never as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import IllegalCharacterError

from confterm.errors import InputError
from confterm.i18n import catalogue
from confterm.vault.importing.columns import COLUMNS, header
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.importing.sources import FORMULA_START
from confterm.vault.retention_rules import DEFAULT_RULES, RetentionRule, rules_by_category

EXPORT_COLUMNS = tuple(c.key for c in COLUMNS)
_BOOL = {"zh_CN": ("是", "否"), "en": ("yes", "no")}


class _Values:
    """Turns a row into the cell texts of one language."""

    def __init__(self, lang: str, rules: Iterable[RetentionRule]) -> None:
        self.lang = lang
        self.rules = rules_by_category(rules)
        self.messages = catalogue()

    def _name(self, prefix: str, code: str) -> str:
        if self.lang != "zh_CN":
            return code
        return self.messages.get(f"{prefix}.{code}", {}).get("zh_CN", code)

    def cells(self, row: CatalogueRow) -> list[str | int]:
        """Cell values: whole numbers stay numbers (so Excel shows them as numbers)."""
        yes, no = _BOOL.get(self.lang, _BOOL["en"])
        out: list[str | int] = []
        for key in EXPORT_COLUMNS:
            value = getattr(row, key)
            text: str | int
            if key == "category":
                rule = self.rules.get(value)
                text = value if self.lang != "zh_CN" or rule is None else rule.name("zh_CN")
            elif key in ("level", "medium"):
                text = self._name(f"catalogue.{key}", value)
            elif key == "labels":
                text = ("、" if self.lang == "zh_CN" else ", ").join(value)
            elif isinstance(value, bool):
                text = yes if value else no
            elif value is None:
                text = ""
            elif key == "archived_on":
                text = value.isoformat()
            elif isinstance(value, int):
                text = value
            else:
                text = str(value)
            out.append(text)
        return out


def _rows(rows: Iterable[CatalogueRow], lang: str,
          rules: Iterable[RetentionRule]) -> Iterator[list[str | int]]:
    values = _Values(lang, rules)
    yield [header(key, lang) for key in EXPORT_COLUMNS]
    for row in rows:
        yield values.cells(row)


def write_csv(path: Path | str, rows: Iterable[CatalogueRow], lang: str = "zh_CN",
              encoding: str = "utf-8-sig",
              rules: Iterable[RetentionRule] = DEFAULT_RULES) -> int:
    """Write ``rows`` to ``path``; returns the number of data rows written."""
    count = -1
    try:
        with Path(path).open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            for count, cells in enumerate(_rows(rows, lang, rules)):  # noqa: B007
                writer.writerow([csv_text(c) for c in cells])
    except UnicodeEncodeError as err:
        raise InputError("import.export_unencodable", file=str(path), encoding=encoding,
                         char=err.object[err.start:err.end], row=count + 1) from None
    except OSError as err:
        raise InputError("import.cannot_write", file=str(path),
                         error=err.strerror or str(err)) from None
    return count


def csv_text(value: str | int) -> str:
    """A cell Excel would run as a formula gets a leading ' (every CSV confterm writes)."""
    if isinstance(value, int):
        return str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def xlsx_cells(sheet: Any, values: Iterable[object]) -> list[WriteOnlyCell] | None:
    """One sheet row; text is stored as text, never as a formula whatever it starts with.
    None when a value holds a character XLSX cannot store (the caller names file and row)."""
    out = []
    for value in values:
        try:
            cell = WriteOnlyCell(sheet, value=value)
        except IllegalCharacterError:
            return None
        if isinstance(value, str):
            cell.data_type = "s"
        out.append(cell)
    return out


def write_xlsx(path: Path | str, rows: Iterable[CatalogueRow], lang: str = "zh_CN",
               rules: Iterable[RetentionRule] = DEFAULT_RULES) -> int:
    """Write ``rows`` to the first sheet of a new XLSX file; returns the data row count."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("catalogue" if lang != "zh_CN" else "档案目录")
    count = -1
    for count, cells in enumerate(_rows(rows, lang, rules)):
        out = xlsx_cells(sheet, cells)
        if out is None:
            raise InputError("import.export_illegal_char", file=str(path), row=count + 1)
        sheet.append(out)
    try:
        book.save(str(path))
    except OSError as err:
        raise InputError("import.cannot_write", file=str(path),
                         error=err.strerror or str(err)) from None
    return count
