"""The archive browser's list of records: a :class:`LazyList` with the catalogue's columns.

Columns are chosen by the width available (an 80-column terminal shows number, title,
year, level and status; a wide one adds client, category, retention end and place), and
padded by terminal cells so Chinese titles and names line up. Status is coloured: what
needs the custodian's eye (eligible, on hold, in destruction) stands out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from rich.cells import cell_len
from rich.style import Style

from confterm.i18n import t
from confterm.vault.catalogue.browse import RecordRow
from confterm.vault.catalogue.common import NO_END
from confterm.widgets.cells import Column
from confterm.widgets.lazy_list import LazyList

_STATUS_NAMES = ("active", "on_hold", "eligible", "in_destruction", "destroyed")
_STATUS_STYLE = {
    "eligible": Style(color="yellow"),
    "on_hold": Style(color="magenta"),
    "in_destruction": Style(color="red", bold=True),
    "destroyed": Style(dim=True, strike=True),
}


def layout(width: int) -> list[Column]:
    """The columns that fit ``width`` cells (title takes what is left)."""
    if width >= 150:
        return [Column("archive_no", 24), Column("title", 0), Column("client", 26),
                Column("category", 14), Column("year", 4, True), Column("level", 6),
                Column("status", 10), Column("ends", 10), Column("place", 22)]
    if width >= 116:
        return [Column("archive_no", 22), Column("title", 0), Column("client", 20),
                Column("category", 10), Column("year", 4, True), Column("level", 6),
                Column("status", 10), Column("ends", 10)]
    if width >= 90:
        return [Column("archive_no", 20), Column("title", 0), Column("client", 18),
                Column("year", 4, True), Column("level", 6), Column("status", 8)]
    return [Column("archive_no", 18), Column("title", 0), Column("year", 4, True),
            Column("level", 4), Column("status", 8)]


class RecordList(LazyList[RecordRow]):
    DEFAULT_CSS = """
    RecordList { height: 1fr; }
    """
    LINE_CACHE = True  # a row's look changes only with the names below (setters forget)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._category_names: dict[str, str] = {}
        self._level_names: dict[str, str] = {}

    @property
    def category_names(self) -> dict[str, str]:
        return self._category_names

    @category_names.setter
    def category_names(self, names: dict[str, str]) -> None:
        self._category_names = names
        self.forget_lines()

    @property
    def level_names(self) -> dict[str, str]:
        return self._level_names

    @level_names.setter
    def level_names(self, names: dict[str, str]) -> None:
        self._level_names = names
        self.forget_lines()

    def columns(self, width: int) -> list[Column]:
        """The layout for ``width``, the level and status columns as wide as their
        longest name in the current language (English names are longer)."""
        fitted = {"level": self._widest(self.level_names.values(), 4, 12),
                  "status": self._widest((t(f"archive.status_short.{s}") for s in
                                          _STATUS_NAMES), 6, 12) + 1}
        return [Column(c.name, fitted.get(c.name, c.width), c.right) if c.width else c
                for c in layout(width)]

    @staticmethod
    def _widest(names: Iterable[str], low: int, high: int) -> int:
        return max(low, min(high, max((cell_len(n) for n in names), default=low)))

    def header_cells(self, columns: list[Column]) -> list[str]:
        return [t(f"archive.col.{c.name}") for c in columns]

    def cells(self, row: RecordRow, columns: list[Column]) -> list[str]:
        values = {
            "archive_no": row.archive_no,
            "title": row.title,
            "client": row.client_name,
            "category": self.category_names.get(row.category, row.category),
            "year": str(row.fiscal_year),
            "level": self.level_names.get(row.level, row.level),
            "status": t(f"archive.status_short.{row.status}"),
            "ends": t("archive.no_end") if row.retention_end == NO_END else row.retention_end,
            "place": " / ".join(row.location_path.split(" / ")[-2:]),
        }
        if row.unresolved and row.status != "destroyed":
            values["status"] += "!"
        return [values[c.name] for c in columns]

    def row_style(self, row: RecordRow) -> Style:
        return _STATUS_STYLE.get(row.status, Style())

    def row_id(self, row: RecordRow) -> Hashable:
        return row.id

    @property
    def marked_ids(self) -> list[int]:
        return sorted(int(k) for k in self.marks)  # type: ignore[call-overload]
