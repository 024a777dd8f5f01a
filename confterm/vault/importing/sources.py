"""Raw rows from a CSV or XLSX file, streamed: cells as text, row numbers as people see them.

Row numbers are those a spreadsheet shows (1 = first row), so a message "row 7" points at
the row the custodian sees in Excel. XLSX is read with openpyxl's read-only mode (constant
memory) and ``data_only=False``, so a formula is seen as a formula and refused: a cached
formula result may be stale, and a catalogue must hold the values themselves. The sheet's
recorded dimension is ignored (some tools write a wrong one, and openpyxl would silently
stop reading at it); merged cells are found by scanning the sheet XML, since read-only
worksheets do not report them.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol, TextIO

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from confterm.errors import InputError
from confterm.vault.importing.encoding import detect_encoding, undecodable

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx",)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is written with a leading ' on CSV export (Excel
would run it as a formula); the importer removes that one quote again."""


@dataclass(slots=True)
class RawRow:
    number: int
    cells: list[str]
    problems: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)
    """Problems of the cells themselves (formula, error value): (cell index, key, params)."""


@dataclass(frozen=True, slots=True)
class Merge:
    ref: str
    min_row: int
    max_row: int


class Source(Protocol):
    name: str
    total_rows: int | None
    merges: list[Merge]

    def rows(self) -> Iterator[RawRow]: ...

    def fraction_read(self) -> float | None:
        """How much of the file has been read (0-1), when the row count is not known."""

    def close(self) -> None: ...


def open_source(path: Path) -> Source:
    """A reader for ``path`` by its suffix; raises InputError for anything else."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("import.no_such_file", file=str(path))
    if suffix in CSV_SUFFIXES:
        return CsvSource(path)
    if suffix in XLSX_SUFFIXES:
        return XlsxSource(path)
    raise InputError("import.unsupported_format", file=str(path), suffix=suffix or "-")


class CsvSource:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        self.encoding = detect_encoding(path)
        self.total_rows: int | None = None
        self.merges: list[Merge] = []
        self._size = max(path.stat().st_size, 1)
        self._handle: TextIO | None = None

    def fraction_read(self) -> float | None:
        """The bytes read so far over the file's size (the reader's buffer runs ~8 KiB
        ahead): a CSV's row count is not known until the end."""
        handle = self._handle
        if handle is None or handle.closed:
            return None
        return min(handle.buffer.tell() / self._size, 1.0)

    def _delimiter(self) -> str:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            first = handle.readline()
        counts = {d: first.count(d) for d in (",", "\t", ";")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","

    def rows(self) -> Iterator[RawRow]:
        try:
            delimiter = self._delimiter()
        except UnicodeDecodeError:
            raise undecodable(self.path, self.encoding) from None
        with self.path.open(encoding=self.encoding, newline="") as handle:
            self._handle = handle
            reader = csv.reader(handle, delimiter=delimiter)
            number = 0
            try:
                for number, cells in enumerate(reader, start=1):
                    yield RawRow(number, [c[1:] if c[:1] == "'" and c[1:2] in _GUARDED else c
                                          for c in cells])
            except csv.Error as err:
                raise InputError("import.csv_error", file=self.name, row=number + 1,
                                 error=str(err)) from None
            except UnicodeDecodeError:
                raise undecodable(self.path, self.encoding) from None

    def close(self) -> None:
        pass


_GUARDED = frozenset(FORMULA_START)


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


class XlsxSource:
    def __init__(self, path: Path) -> None:
        self.name = str(path)
        try:
            self._book = load_workbook(path, read_only=True, data_only=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise InputError("import.bad_xlsx", file=self.name) from None
        sheet = self._book.worksheets[0]
        self._sheet = sheet
        self.total_rows = sheet.max_row
        self.merges = self._scan_merges()
        sheet.reset_dimensions()

    def _scan_merges(self) -> list[Merge]:
        """Merged ranges of the first sheet, from its XML (read-only sheets hide them)."""
        archive = self._book._archive
        found: list[Merge] = []
        tail = b""
        with archive.open(self._sheet._worksheet_path) as handle:
            while piece := handle.read(1 << 20):
                data = tail + piece
                for match in _MERGE.finditer(data):
                    ref = match.group(1).decode("ascii")
                    _, top, _, bottom = range_boundaries(ref)
                    found.append(Merge(ref, top or 1, bottom or top or 1))
                tail = data[-300:]  # a tag cut by the piece boundary is found next time
        return sorted(set(found), key=lambda m: (m.min_row, m.ref))

    def rows(self) -> Iterator[RawRow]:
        for number, cells in enumerate(self._sheet.iter_rows(min_row=1, min_col=1), start=1):
            raw = RawRow(number, [])
            for index, cell in enumerate(cells):
                value = getattr(cell, "value", None)
                kind = getattr(cell, "data_type", "n")
                if kind == "f":
                    raw.problems.append((index, "import.formula",
                                         {"cell": cell_ref(index, number)}))
                    raw.cells.append("")
                elif kind == "e":
                    raw.problems.append((index, "import.error_value",
                                         {"cell": cell_ref(index, number), "value": str(value)}))
                    raw.cells.append("")
                else:
                    raw.cells.append(cell_text(value))
            yield raw

    def fraction_read(self) -> float | None:
        return None  # the sheet says how many rows it has (total_rows)

    def close(self) -> None:
        self._book.close()


def cell_ref(index: int, row: int) -> str:
    """Spreadsheet reference of cell ``index`` (0-based) in ``row``: cell_ref(1, 7) == "B7"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def cell_text(value: object) -> str:
    """An XLSX cell value as the text a person typed: 2019.0 -> "2019", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
