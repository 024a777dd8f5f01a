"""Columns padded by terminal cells, so Chinese text (two cells a character) lines up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size


@dataclass(frozen=True)
class Column:
    name: str
    width: int  # cells; 0 takes what is left
    right: bool = False


def fit(text: str, width: int, right: bool = False) -> str:
    """Exactly ``width`` terminal cells: padded, or cut with an ellipsis."""
    if width <= 0:
        return ""
    size = cell_len(text)
    if size <= width:
        return (" " * (width - size) + text) if right else text + " " * (width - size)
    return set_cell_size(set_cell_size(text, max(0, width - 1)).rstrip() + "…", width)


def lay_out(columns: Sequence[Column], cells: Sequence[str], total: int) -> str:
    """One line of cells separated by a space; a width-0 column takes what is left."""
    fixed = sum(c.width for c in columns) + max(0, len(columns) - 1)
    flex = max(4, total - fixed)
    out = [fit(text, column.width or flex, column.right)
           for column, text in zip(columns, cells, strict=True)]
    return set_cell_size(" ".join(out), total)
