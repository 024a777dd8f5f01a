"""A table flowable that splits in linear time, for registers of many thousand rows.

reportlab's Table recomputes every remaining row's height at each page break, so a
10,000-row register costs quadratic time (about 9 s on the reference machine). This
flowable measures each row once, and at a page break builds an ordinary reportlab Table
of just the rows that fit (header repeated), so the work per page is proportional to the
rows on that page. The output is the same kind of table a reader sees from reportlab.
"""

from __future__ import annotations

from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable

Cell = object  # a str or a reportlab flowable (Paragraph)


class PagedTable(Flowable):
    """``header`` repeats on every page; ``totals`` (optional) closes the last page.

    ``body_style`` commands must address rows relative to a chunk (row 0 is the header);
    ``totals_style`` commands address the totals row as -1.
    """

    def __init__(self, header: list[Cell], rows: list[list[Cell]], widths: list[float],
                 style: list[tuple[object, ...]], totals: list[Cell] | None = None,
                 totals_style: list[tuple[object, ...]] | None = None,
                 heights: list[float] | None = None, leading: float = 10.0,
                 hpad: float = 5.0, vpad: float = 3.5, max_height: float = 1e9) -> None:
        super().__init__()
        self.header, self.rows, self.widths = header, rows, widths
        self.style, self.totals = style, totals
        self.totals_style = totals_style or []
        self.leading, self.hpad, self.vpad, self.max_height = leading, hpad, vpad, max_height
        self.heights = heights if heights is not None else [self._row_height(r) for r in rows]
        self._header_h = self._row_height(header)
        self._totals_h = self._row_height(totals) if totals is not None else 0.0
        self._table: Table | None = None

    def _row_height(self, row: list[Cell]) -> float:
        tallest = self.leading
        for cell, width in zip(row, self.widths, strict=True):
            if isinstance(cell, str):
                tallest = max(tallest, self.leading * (cell.count("\n") + 1))
            elif isinstance(cell, Flowable):
                tallest = max(tallest, cell.wrap(width - self.hpad, 1e6)[1])
        return tallest + self.vpad

    def _make(self, count: int, with_totals: bool) -> Table:
        data: list[list[Cell]] = [self.header, *self.rows[:count]]
        heights: list[float | None] = [None, *self.heights[:count]]
        style = list(self.style)
        if with_totals and self.totals is not None:
            data.append(self.totals)
            heights.append(None)
            style += self.totals_style
        # Known row heights spare reportlab a second wrap of every Paragraph cell.
        table = Table(data, colWidths=self.widths, rowHeights=heights, repeatRows=1,
                      splitByRow=1, splitInRow=1)
        table.setStyle(TableStyle(style))
        return table

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        total = self._header_h + sum(self.heights) + self._totals_h
        self._table = None
        if total <= avail_height:
            self._table = self._make(len(self.rows), True)
            return self._table.wrap(avail_width, avail_height)
        return sum(self.widths), total

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        room = avail_height - self._header_h
        count = 0
        while count < len(self.rows) and room >= self.heights[count]:
            room -= self.heights[count]
            count += 1
        if count == len(self.rows) and room < self._totals_h:
            count -= 1  # keep the totals row with at least one item row
        while count > 0:
            table = self._make(count, False)
            if table.wrap(avail_width, avail_height)[1] <= avail_height:
                return [table, self._rest(count)]
            count -= 1  # an estimate was short: give the page one row less
        if self.rows and self._header_h + self.heights[0] > self.max_height:
            # One row taller than a whole page: let reportlab split inside that row.
            parts = self._make(1, len(self.rows) == 1).split(avail_width, avail_height)
            return [*parts, self._rest(1)] if parts and len(self.rows) > 1 else list(parts)
        return []

    def _rest(self, start: int) -> PagedTable:
        return PagedTable(self.header, self.rows[start:], self.widths, self.style, self.totals,
                          self.totals_style, self.heights[start:], self.leading, self.hpad,
                          self.vpad, self.max_height)

    def draw(self) -> None:
        if self._table is not None:
            self._table.drawOn(self.canv, 0, 0)
