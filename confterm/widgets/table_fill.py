"""Fill a DataTable with column widths measured here, from the header and every cell.

Why not Textual's auto width: a DataTable (Textual 8.2) measures auto-width columns when
it next goes idle, but lines it drew before that stay in its cache. On a busy machine the
table is drawn between ``add_row`` and that idle, so a refilled table stays cut to its
headers' widths ("Safe, r" for "Safe, room 3"), as CI saw on the Backup register. Fixed
widths leave nothing to measure later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

MAX_WIDTH = 60  # a column wider than this is cut, with "…" (a detail pane shows it whole)


def cell_width(cell: Any) -> int:
    """Terminal cells a value takes (Chinese characters are two wide)."""
    return cell.cell_len if isinstance(cell, Text) else Text(str(cell)).cell_len


def refill(table: DataTable[Any], headers: Sequence[str], rows: Sequence[Sequence[Any]],
           keys: Sequence[str] | None = None, max_width: int = MAX_WIDTH) -> None:
    """Replace the table's columns and rows; ``keys`` (one per row) name the rows."""
    table.clear(columns=True)
    for i, header in enumerate(headers):
        width = max([cell_width(header), *(cell_width(row[i]) for row in rows)])
        table.add_column(header, width=min(width, max_width))
    for n, row in enumerate(rows):
        cells = [Text(str(c), no_wrap=True, overflow="ellipsis")
                 if not isinstance(c, Text) and cell_width(c) > max_width else c for c in row]
        table.add_row(*cells, key=keys[n] if keys is not None else None)
