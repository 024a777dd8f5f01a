"""Validate one raw row into a :class:`CatalogueRow`, or say everything wrong with it.

Every problem of a row is reported, not only the first, so a custodian fixes a file in one
round. State kept across rows is small and bounded by what must be compared: archive
numbers seen (duplicates within the file) and the name given for each client code (one
code, one name). Checks that need the vault (number already used, box full, client
already known under another name) belong to the database layer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import TypeVar

from confterm.errors import InputError
from confterm.vault.credit_code import check_credit_code, normalise_credit_code
from confterm.vault.importing import fields as f
from confterm.vault.importing.columns import BY_KEY
from confterm.vault.importing.model import MEDIA, CatalogueRow, ImportOptions, Problem
from confterm.vault.importing.sources import RawRow, cell_ref
from confterm.vault.retention_rules import SCRAPPED, category_lookup, resolve_category

T = TypeVar("T")
MAX_ARCHIVE_NO = 64
MAX_TITLE = 500
MAX_NAME = 200
MAX_SHORT = 200
MAX_NOTES = 2000
MAX_BOOKS = 10_000
MAX_PAGES = 10_000_000
_SHORT_TEXT = ("volume_no", "location")
_NO_LABELS: tuple[str, ...] = ()
_FALLBACK = {"unresolved_reason": ("unresolved",), "extension_reason": ("extension_years",),
             "extension_years": ("extension_reason",), "fiscal_year": ("end_year", "start_year")}
"""Where a row problem is shown when its own column is not in the file."""


class RowValidator:
    """Validates the rows of one file, in order; ``columns[i]`` is the key of cell i."""

    def __init__(self, columns: list[str | None], headers: list[str],
                 options: ImportOptions) -> None:
        self.index = {key: i for i, key in enumerate(columns) if key}
        self.columns = columns
        self.headers = headers
        self.options = options
        today = options.current_date()
        self.today = today
        self.years = (options.min_year, today.year)
        self.categories = category_lookup(options.rules)
        self.scrapped = {r.category for r in options.rules if r.counted_from == SCRAPPED}
        self.levels = f.spelling_lookup(options.levels, "catalogue.level")
        self.media = f.spelling_lookup(MEDIA, "catalogue.medium")
        self.numbers: dict[str, int] = {}
        self.clients: dict[str, tuple[str, int]] = {}

    def column_name(self, key: str) -> str:
        i = self.index.get(key)
        return self.headers[i] if i is not None else f"{BY_KEY[key].zh} / {key}"

    def validate(self, raw: RawRow) -> tuple[CatalogueRow | None, list[Problem]]:
        problems: list[Problem] = []
        row = raw.number
        for i, key, params in raw.problems:
            problems.append(Problem(row, self._header_at(i, raw), key, params))
        for i, value in enumerate(raw.cells):
            if (i >= len(self.headers) or not self.headers[i]) and value.strip():
                problems.append(Problem(row, "", "import.data_without_header",
                                        {"column": i + 1}))
        cells = {key: raw.cells[i] if i < len(raw.cells) else ""
                 for key, i in self.index.items()}

        def get(key: str, parse: Callable[[str], T], default: T,
                required: bool = False) -> T:
            text = cells.get(key, "")
            if not text.strip():
                if required:
                    problems.append(Problem(row, self.column_name(key), "import.missing_value"))
                return default
            try:
                return parse(text)
            except f.CellError as err:
                problems.append(Problem(row, self.column_name(key), err.key, err.params))
            except InputError as err:
                problems.append(Problem(row, self.column_name(key), err.key, err.params))
            return default

        def text(limit: int, newlines: bool = False) -> Callable[[str], str]:
            return lambda value: f.check_text(value, limit, newlines)

        def problem(key: str, message: str, **params: object) -> None:
            """A row problem, shown at ``key``'s column or the first present fallback."""
            for candidate in (key, *_FALLBACK.get(key, ())):
                if candidate in self.index:
                    key = candidate
                    break
            problems.append(Problem(row, self.column_name(key), message, params))

        archive_no = get("archive_no", self._archive_no, "", required=True)
        title = get("title", text(MAX_TITLE), "", required=True)
        code = get("client_code", _credit_code, "", required=True)
        name = get("client_name", text(MAX_NAME), "", required=True)
        category = get("category", self._category, "", required=True)
        year = self._year
        start = get("start_year", year, None)
        end = get("end_year", year, None)
        fiscal = get("fiscal_year", year, None)
        shorts = {key: get(key, text(MAX_SHORT), "") for key in _SHORT_TEXT}
        books = get("books", lambda v: f.parse_int(v, 0, MAX_BOOKS), 1)
        pages = get("pages", lambda v: f.parse_int(v, 0, MAX_PAGES), None)
        medium = get("medium", self._medium, "paper")
        level = get("level", self._level, self.options.default_level)
        labels = get("labels", f.parse_labels, _NO_LABELS)
        personal = get("personal_info", f.parse_bool, None)
        unresolved = get("unresolved", f.parse_bool, None)
        reason = get("unresolved_reason", text(MAX_SHORT), "")
        scrapped = get("scrapped_year", year, None)
        ext_years = get("extension_years", lambda v: f.parse_int(v, 1, 200), None)
        ext_reason = get("extension_reason", text(MAX_SHORT), "")
        notes = get("notes", text(MAX_NOTES, newlines=True), "")
        earliest = date(self.years[0], 1, 1)
        archived = get("archived_on", lambda v: f.parse_date(v, earliest, self.today), None)

        if archive_no:
            first = self.numbers.setdefault(archive_no.casefold(), row)
            if first != row:
                problem("archive_no", "import.duplicate_archive_no", value=archive_no,
                        first_row=first)
        if code and name:
            known = self.clients.setdefault(code, (name, row))
            if "".join(known[0].split()) != "".join(name.split()):
                problem("client_name", "import.client_name_conflict", code=code, name=name,
                        other=known[0], first_row=known[1])
        if start is not None and end is not None and end < start:
            problem("end_year", "import.end_before_start", start=start, end=end)
        elif fiscal is not None and not (start or fiscal) <= fiscal <= (end or fiscal):
            problem("fiscal_year", "import.fiscal_outside_range", fiscal=fiscal,
                    start=start or "", end=end or "")
        year_of = fiscal if fiscal is not None else end if end is not None else start
        if year_of is None and not any(self._had(cells, k)
                                       for k in ("fiscal_year", "start_year", "end_year")):
            problem("fiscal_year", "import.missing_year")
        if category and scrapped is not None:
            if category not in self.scrapped:
                problem("scrapped_year", "import.scrapped_not_applicable")
            elif year_of is not None and scrapped < (start or year_of):
                problem("scrapped_year", "import.scrapped_before_year", scrapped=scrapped,
                        year=start or year_of)
        if archived is not None and year_of is not None and archived.year < (start or year_of):
            problem("archived_on", "import.archived_before_year", date=archived.isoformat(),
                    year=start or year_of)
        if personal is False and category == "id_copy":
            problem("personal_info", "import.id_copy_has_personal_info")
        personal_info = personal if personal is not None else category == "id_copy"
        if personal_info and level == "public":
            problem("level", "import.personal_info_not_public")
        if unresolved is False and reason:
            problem("unresolved_reason", "import.reason_without_unresolved")
        is_unresolved = unresolved if unresolved is not None else bool(reason)
        if is_unresolved and not reason:
            problem("unresolved_reason", "import.unresolved_needs_reason")
        if ext_years is not None and not ext_reason:
            problem("extension_reason", "import.extension_needs_reason")
        if ext_reason and ext_years is None:
            problem("extension_years", "import.reason_without_extension")

        if problems or year_of is None:
            return None, problems
        return CatalogueRow(
            row, archive_no, title, code, name, category, year_of, start, end,
            shorts["volume_no"], books, medium, pages, level, labels, shorts["location"],
            personal_info, is_unresolved, reason, scrapped, ext_years, ext_reason, archived,
            notes), problems

    @staticmethod
    def _had(cells: dict[str, str], key: str) -> bool:
        return bool(cells.get(key, "").strip())

    def _header_at(self, i: int, raw: RawRow) -> str:
        if i < len(self.headers) and self.headers[i]:
            return self.headers[i]
        return cell_ref(i, raw.number)

    def _archive_no(self, value: str) -> str:
        number = f.check_text(f.nfkc(value), MAX_ARCHIVE_NO)
        if len(number.split()) != 1:
            raise f.CellError("import.archive_no_spaces", value=number)
        return number

    def _year(self, value: str) -> int:
        return f.parse_year(value, *self.years)

    def _category(self, value: str) -> str:
        code = resolve_category(value, self.categories)
        if code is None:
            raise f.CellError("import.unknown_category", value=value.strip())
        return code

    def _medium(self, value: str) -> str:
        code = self.media.get(f.fold(value))
        if code is None:
            known = (f"{names[0]}/{code}" for code, names in MEDIA.items())
            raise f.CellError("import.unknown_medium", value=value.strip(), known="、".join(known))
        return code

    def _level(self, value: str) -> str:
        code = self.levels.get(f.fold(value))
        if code is None:
            known = (f"{names[0]}/{code}" if names else code
                     for code, names in self.options.levels.items())
            raise f.CellError("import.unknown_level", value=value.strip(), known="、".join(known))
        return code


@lru_cache(maxsize=8192)
def _credit_code(value: str) -> str:
    """Normalised and checked; cached, as one client's code repeats on many rows."""
    code = normalise_credit_code(value)
    check_credit_code(code)
    return code

