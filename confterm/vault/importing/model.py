"""What an import produces: clean typed rows, problems, and the options that shape both."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from confterm.i18n import t
from confterm.vault.retention import RecordFacts
from confterm.vault.retention_rules import DEFAULT_RULES, RetentionRule

DEFAULT_LEVELS: Mapping[str, tuple[str, ...]] = {
    "public": ("公开",),
    "internal": ("内部",),
    "confidential": ("敏感",),
    "secret": ("机密",),
}
"""Classification levels: code -> other accepted spellings (the code itself always is).
The vault's own level table replaces this when the database layer imports."""

MEDIA: Mapping[str, tuple[str, ...]] = {
    "paper": ("纸质", "纸", "纸本"),
    "electronic": ("电子", "电子档案"),
    "both": ("纸电混合", "混合", "纸质+电子", "mixed"),
}


class CatalogueRow(NamedTuple):
    """One clean, typed row of a catalogue file (a record to create).

    ``row`` is the spreadsheet row number (the header is usually row 1), for messages.
    ``fiscal_year`` is always set: when the file gives only a range it is the end year,
    the year the retention clock counts from.

    A named tuple, not a frozen dataclass: a large import makes one per row in the
    reading process and sends it through a pipe, and a tuple is made and pickled several
    times faster (a frozen dataclass sets each of its 24 fields through
    ``object.__setattr__``, and unpickling one cost ~30 µs).
    """

    row: int
    archive_no: str
    title: str
    client_code: str
    client_name: str
    category: str
    fiscal_year: int
    start_year: int | None = None
    end_year: int | None = None
    volume_no: str = ""
    books: int = 1
    medium: str = "paper"
    pages: int | None = None
    level: str = "internal"
    labels: tuple[str, ...] = ()
    location: str = ""
    personal_info: bool = False
    unresolved: bool = False
    unresolved_reason: str = ""
    scrapped_year: int | None = None
    extension_years: int | None = None
    extension_reason: str = ""
    archived_on: date | None = None
    notes: str = ""

    def retention_facts(self) -> RecordFacts:
        """The facts :func:`confterm.vault.retention.assess` needs, e.g. for an import preview."""
        from confterm.vault.retention import Extension

        extensions = () if self.extension_years is None else (
            Extension(self.extension_years, self.extension_reason),)
        return RecordFacts(self.category, fiscal_year=self.fiscal_year, end_year=self.end_year,
                           scrapped_year=self.scrapped_year, extensions=extensions,
                           unresolved=self.unresolved,
                           unresolved_reason=self.unresolved_reason)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the file: where (row, column as written in the file) and what.

    ``key``/``params`` name a catalogue message; ``column`` is empty for a whole-row or
    whole-file problem. Rendered with :meth:`text`.
    """

    row: int
    column: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        where = (t("import.at", lang, row=self.row, column=self.column) if self.column
                 else t("import.at_row", lang, row=self.row))
        return where + t(self.key, lang, **self.params)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A batch of validated rows and the problems found in the same stretch of the file."""

    rows: list[CatalogueRow]
    problems: list[Problem]


@dataclass(frozen=True)
class ImportOptions:
    """What the file is checked against. ``today`` bounds years (injectable for tests)."""

    levels: Mapping[str, Sequence[str]] = field(default_factory=lambda: dict(DEFAULT_LEVELS))
    default_level: str = "internal"
    rules: Sequence[RetentionRule] = DEFAULT_RULES
    chunk_size: int = 1000
    today: date | None = None
    min_year: int = 1900

    def current_date(self) -> date:
        return self.today or date.today()


@dataclass
class ImportSummary:
    """Totals of a validation pass; ``problems`` holds at most the first N problems.

    ``rows_with_problems`` counts spreadsheet rows (the header row included) with at least
    one problem; ``rows_ok`` the rows that became a :class:`CatalogueRow`.
    """

    rows_ok: int = 0
    rows_with_problems: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0
