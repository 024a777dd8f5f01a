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


_CHAR_CELLS: dict[str, int] = {}


def width_of(text: str) -> int:
    """Terminal cells of ``text``; ASCII (archive numbers, years) without a table lookup."""
    return len(text) if text.isascii() else cell_len(text)


def _cut(text: str, width: int) -> tuple[str, int]:
    """The longest start of ``text`` at most ``width`` cells wide, and its width. By
    character, not by grapheme as rich's ``set_cell_size`` (which was most of the cost of
    drawing a row with a long Chinese title); catalogue text has no combining sequences
    worth keeping whole at a cut."""
    used = 0
    for i, ch in enumerate(text):
        cells = _CHAR_CELLS.get(ch)
        if cells is None:
            cells = _CHAR_CELLS[ch] = cell_len(ch)
        if used + cells > width:
            return text[:i], used
        used += cells
    return text, used


def fit(text: str, width: int, right: bool = False) -> str:
    """Exactly ``width`` terminal cells: padded, or cut with an ellipsis."""
    if width <= 0:
        return ""
    size = width_of(text)
    if size <= width:
        return (" " * (width - size) + text) if right else text + " " * (width - size)
    head, used = _cut(text, width - 1)
    kept = head.rstrip()
    used -= len(head) - len(kept)  # the spaces taken off, one cell each
    return kept + "…" + " " * (width - 1 - used)


def lay_out(columns: Sequence[Column], cells: Sequence[str], total: int) -> str:
    """One line of cells separated by a space; a width-0 column takes what is left.

    Each cell is fitted to its exact width, so the line is ``total`` cells wide already
    unless the columns do not fit (then it is cut): measuring the whole line again was a
    third of the cost of drawing a row."""
    fixed = sum(c.width for c in columns) + max(0, len(columns) - 1)
    flex = max(4, total - fixed)
    out = [fit(text, column.width or flex, column.right)
           for column, text in zip(columns, cells, strict=True)]
    line = " ".join(out)
    wide = fixed + flex if any(not c.width for c in columns) else fixed
    if wide == total:
        return line
    return set_cell_size(line, total)
