"""Catalogue files in and out: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) and XLSX.

Database-independent: this package reads, validates and writes files; the database layer
checks what needs the vault (archive number already used, box capacity, known clients) and
runs the all-or-nothing transaction. The columns are documented in
:mod:`confterm.vault.importing.columns`.

    for chunk in read_catalogue("目录.xlsx", ImportOptions(levels=vault_levels)):
        if chunk.problems: ...       # Problem(row, column, key, params).text()
        insert(chunk.rows)           # CatalogueRow dataclasses, in file order

    summary = validate_file(path)    # dry run: counts and the first problems
    write_csv(out, rows, lang="zh_CN"); write_xlsx(out, rows, lang="en")
"""

from confterm.vault.importing.columns import COLUMNS, column_help
from confterm.vault.importing.encoding import detect_encoding
from confterm.vault.importing.export import write_csv, write_xlsx
from confterm.vault.importing.model import (
    DEFAULT_LEVELS,
    MEDIA,
    CatalogueRow,
    Chunk,
    ImportOptions,
    ImportSummary,
    Problem,
)
from confterm.vault.importing.reader import (
    CatalogueReader,
    Progress,
    read_catalogue,
    validate_file,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_LEVELS",
    "MEDIA",
    "CatalogueReader",
    "CatalogueRow",
    "Chunk",
    "ImportOptions",
    "ImportSummary",
    "Problem",
    "Progress",
    "column_help",
    "detect_encoding",
    "read_catalogue",
    "validate_file",
    "write_csv",
    "write_xlsx",
]
