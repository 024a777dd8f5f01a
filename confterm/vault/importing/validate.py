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
from typing import Any

from confterm.errors import InputError
from confterm.vault.credit_code import check_credit_code, normalise_credit_code
from confterm.vault.importing import fields as f
from confterm.vault.importing.columns import BY_KEY
from confterm.vault.importing.model import MEDIA, CatalogueRow, ImportOptions, Problem
from confterm.vault.importing.sources import RawRow, cell_ref
from confterm.vault.retention_rules import SCRAPPED, category_lookup, resolve_category

MEMO_SIZE = 4096
"""Distinct values remembered per memoised column (a file's categories, years, names)."""
_FAILED = object()
_Memo = dict[str, tuple[Any, ...]]
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
        self.width = len(headers)
        self.blank_headers = [i for i, h in enumerate(headers) if not h]
        self._plan: list[tuple[str, Callable[[str], Any], Any, bool, int, _Memo | None]] = [
            (key, parse, default, required, self.index.get(key, -1),
             {} if memo and key in self.index else None)
            for key, parse, default, required, memo in self._specs()]

    def column_name(self, key: str) -> str:
        i = self.index.get(key)
        return self.headers[i] if i is not None else f"{BY_KEY[key].zh} / {key}"

    def _specs(self) -> list[tuple[str, Callable[[str], Any], Any, bool, bool]]:
        """(column key, parser, default, required, memoised) for each cell read.

        Memoised columns repeat a few values over a whole file (a category, a year, a
        client's name): their parse result, or the problem it raised, is looked up instead
        of computed again. Parsers are pure for one file, so the result is the same.
        """
        def text(limit: int, newlines: bool = False) -> Callable[[str], str]:
            return lambda value: f.check_text(value, limit, newlines)

        year = self._year
        earliest = date(self.years[0], 1, 1)
        return [
            ("archive_no", self._archive_no, "", True, False),
            ("title", text(MAX_TITLE), "", True, False),
            ("client_code", _credit_code, "", True, True),
            ("client_name", text(MAX_NAME), "", True, True),
            ("category", self._category, "", True, True),
            ("start_year", year, None, False, True),
            ("end_year", year, None, False, True),
            ("fiscal_year", year, None, False, True),
            ("volume_no", text(MAX_SHORT), "", False, True),
            ("location", text(MAX_SHORT), "", False, True),
            ("books", lambda v: f.parse_int(v, 0, MAX_BOOKS), 1, False, True),
            ("pages", lambda v: f.parse_int(v, 0, MAX_PAGES), None, False, True),
            ("medium", self._medium, "paper", False, True),
            ("level", self._level, self.options.default_level, False, True),
            ("labels", f.parse_labels, _NO_LABELS, False, True),
            ("personal_info", f.parse_bool, None, False, True),
            ("unresolved", f.parse_bool, None, False, True),
            ("unresolved_reason", text(MAX_SHORT), "", False, True),
            ("scrapped_year", year, None, False, True),
            ("extension_years", lambda v: f.parse_int(v, 1, 200), None, False, True),
            ("extension_reason", text(MAX_SHORT), "", False, True),
            ("notes", text(MAX_NOTES, newlines=True), "", False, False),
            ("archived_on", lambda v: f.parse_date(v, earliest, self.today), None, False,
             True),
        ]

    def _cells(self, raw: RawRow, row: int, problems: list[Problem]) -> list[Any]:
        """Each spec's value (its default when blank or wrong); problems appended."""
        values: list[Any] = []
        cells = raw.cells
        width = len(cells)
        for key, parse, default, required, i, memo in self._plan:
            text = cells[i] if 0 <= i < width else ""
            if not text or not text.strip():
                if required:
                    problems.append(Problem(row, self.column_name(key), "import.missing_value"))
                values.append(default)
                continue
            if memo is not None:
                hit = memo.get(text)
                if hit is None:
                    if len(memo) >= MEMO_SIZE:
                        memo.clear()
                    hit = memo[text] = _parsed(parse, text)
            else:
                hit = _parsed(parse, text)
            if hit[0] is _FAILED:
                problems.append(Problem(row, self.column_name(key), hit[1], hit[2]))
                values.append(default)
            else:
                values.append(hit[0])
        return values

    def validate(self, raw: RawRow) -> tuple[CatalogueRow | None, list[Problem]]:
        problems: list[Problem] = []
        row = raw.number
        for i, key, params in raw.problems:
            problems.append(Problem(row, self._header_at(i, raw), key, params))
        if len(raw.cells) > self.width:
            for i, value in enumerate(raw.cells):
                if (i >= len(self.headers) or not self.headers[i]) and value.strip():
                    problems.append(Problem(row, "", "import.data_without_header",
                                            {"column": i + 1}))
        elif self.blank_headers:
            for i in self.blank_headers:
                if i < len(raw.cells) and raw.cells[i].strip():
                    problems.append(Problem(row, "", "import.data_without_header",
                                            {"column": i + 1}))

        def problem(key: str, message: str, **params: object) -> None:
            """A row problem, shown at ``key``'s column or the first present fallback."""
            for candidate in (key, *_FALLBACK.get(key, ())):
                if candidate in self.index:
                    key = candidate
                    break
            problems.append(Problem(row, self.column_name(key), message, params))

        (archive_no, title, code, name, category, start, end, fiscal, volume_no, location,
         books, pages, medium, level, labels, personal, unresolved, reason, scrapped,
         ext_years, ext_reason, notes, archived) = self._cells(raw, row, problems)

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
        if year_of is None and not any(self._had(raw, k)
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
            volume_no, books, medium, pages, level, labels, location,
            personal_info, is_unresolved, reason, scrapped, ext_years, ext_reason, archived,
            notes), problems

    def _had(self, raw: RawRow, key: str) -> bool:
        i = self.index.get(key)
        return i is not None and i < len(raw.cells) and bool(raw.cells[i].strip())

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


def _parsed(parse: Callable[[str], Any], text: str) -> tuple[Any, ...]:
    """(value,) or (_FAILED, message key, params): a parse result that can be memoised."""
    try:
        return (parse(text),)
    except (f.CellError, InputError) as err:
        return (_FAILED, err.key, err.params)


@lru_cache(maxsize=8192)
def _credit_code(value: str) -> str:
    """Normalised and checked; cached, as one client's code repeats on many rows."""
    code = normalise_credit_code(value)
    check_credit_code(code)
    return code

