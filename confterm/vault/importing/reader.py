"""Read a catalogue file as a stream of validated chunks.

Memory stays bounded by one chunk plus the per-file duplicate maps, so a million-row file
can be checked on the custodian's workstation. The database layer consumes the chunks
inside one transaction and rolls back if any chunk carries a problem (all-or-nothing), or
runs :func:`validate_file` first for a dry run / preview.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from confterm.errors import InputError
from confterm.vault.importing.columns import BY_KEY, REQUIRED, column_for
from confterm.vault.importing.model import (
    CatalogueRow,
    Chunk,
    ImportOptions,
    ImportSummary,
    Problem,
)
from confterm.vault.importing.sources import Merge, RawRow, Source, cell_ref, open_source
from confterm.vault.importing.validate import RowValidator

Progress = Callable[[int, int | None], None]
"""Called as progress(rows_done, rows_total_or_None) after each chunk and at the end."""
HEADER_SEARCH = 10
_YEARS = ("fiscal_year", "start_year", "end_year")


class CatalogueReader:
    """Iterate :meth:`chunks` once; :attr:`summary` holds the running counts."""

    def __init__(self, path: Path | str, options: ImportOptions | None = None,
                 progress: Progress | None = None) -> None:
        self.path = Path(path)
        self.options = options or ImportOptions()
        self.progress = progress
        self.summary = ImportSummary()
        if self.options.default_level not in self.options.levels:
            raise InputError("import.bad_default_level", level=self.options.default_level)
        if self.options.chunk_size < 1:
            raise InputError("import.bad_chunk_size", size=self.options.chunk_size)

    def chunks(self) -> Iterator[Chunk]:
        source = open_source(self.path)
        try:
            yield from self._chunks(source)
        finally:
            source.close()

    def _chunks(self, source: Source) -> Iterator[Chunk]:
        rows = source.rows()
        found = _find_header(rows)
        if found is None:
            yield self._count(Chunk([], [Problem(1, "", "import.empty_file",
                                                 {"file": source.name})]))
            return
        header, leftover = found
        problems = self._header_problems(header)
        merges = _merge_problems(source.merges, header.number, source.name)
        headers = [cell.strip() for cell in header.cells]
        columns = _columns(headers)
        validator = RowValidator(columns, headers, self.options)
        total = None if source.total_rows is None else max(source.total_rows - header.number, 0)
        out: list[CatalogueRow] = []
        done = 0
        size = self.options.chunk_size
        for raw in itertools.chain(leftover, rows):
            problems.extend(merges.pop(raw.number, ()))
            if not any(cell.strip() for cell in raw.cells) and not raw.problems:
                continue
            row, row_problems = validator.validate(raw)
            done += 1
            if row is not None:
                out.append(row)
            problems.extend(row_problems)
            if len(out) >= size or len(problems) >= size:
                yield self._count(Chunk(out, problems))
                out, problems = [], []
                self._report(done, total if total is not None else _estimate(done, source))
        for rest in merges.values():
            problems.extend(rest)
        if done == 0:
            problems.append(Problem(header.number, "", "import.no_rows", {"file": source.name}))
        yield self._count(Chunk(out, problems))
        self._report(done, total if total is not None else done)

    def _count(self, chunk: Chunk) -> Chunk:
        self.summary.rows_ok += len(chunk.rows)
        self.summary.problem_count += len(chunk.problems)
        self.summary.rows_with_problems += len({p.row for p in chunk.problems if p.row})
        return chunk

    def _report(self, done: int, total: int | None) -> None:
        """``total``: rows in the file if the file says, else estimated from how much of it
        has been read; the last report has the true count."""
        if self.progress is not None:
            self.progress(done, total if total is None else max(total, done))

    def _header_problems(self, header: RawRow) -> list[Problem]:
        problems = [Problem(header.number, cell_ref(i, header.number), key, params)
                    for i, key, params in header.problems]
        seen: dict[str, str] = {}
        for text in (cell.strip() for cell in header.cells):
            if not text:
                continue
            key = column_for(text)
            if key is None:
                problems.append(Problem(header.number, text, "import.unknown_header",
                                        {"header": text}))
            elif key in seen:
                problems.append(Problem(header.number, text, "import.duplicate_header",
                                        {"header": text, "first": seen[key]}))
            else:
                seen[key] = text
        for key in REQUIRED:
            if key not in seen:
                name = f"{BY_KEY[key].zh} / {key}"
                problems.append(Problem(header.number, name, "import.missing_column",
                                        {"column": name}))
        if not any(key in seen for key in _YEARS):
            problems.append(Problem(header.number, "", "import.missing_year_column"))
        return problems


def _columns(headers: list[str]) -> list[str | None]:
    """Column key of each header cell; None for blank, unknown or repeated headers."""
    columns: list[str | None] = []
    for text in headers:
        key = column_for(text) if text else None
        columns.append(None if key in columns else key)
    return columns


def _estimate(done: int, source: Source) -> int | None:
    """The rows a file holds, judged from ``done`` rows in the part read so far."""
    fraction = source.fraction_read()
    if not fraction:
        return None
    return max(done, round(done / fraction))


def _find_header(rows: Iterator[RawRow]) -> tuple[RawRow, list[RawRow]] | None:
    """The header row and the rows read after it while looking for it.

    The first of the first HEADER_SEARCH non-blank rows naming two known columns is the
    header, provided every row before it is a title (at most one non-blank cell);
    otherwise the first non-blank row is the header (its unknown names get reported).
    """
    seen: list[RawRow] = []
    for raw in rows:
        if any(cell.strip() for cell in raw.cells) or raw.problems:
            seen.append(raw)
        if len(seen) >= HEADER_SEARCH:
            break
    if not seen:
        return None
    for i, raw in enumerate(seen):
        if sum(1 for cell in raw.cells if cell.strip() and column_for(cell)) >= 2:
            if all(sum(1 for c in before.cells if c.strip()) <= 1 for before in seen[:i]):
                return raw, seen[i + 1:]
            break
    return seen[0], seen[1:]


def _merge_problems(merges: list[Merge], header_row: int, file: str
                    ) -> dict[int, list[Problem]]:
    """Merged cells: fatal in the header, a problem in data rows, ignored in a title above."""
    out: dict[int, list[Problem]] = {}
    for merge in merges:
        if merge.max_row < header_row:
            continue
        if merge.min_row <= header_row:
            raise InputError("import.merged_header", file=file, cells=merge.ref)
        out.setdefault(merge.min_row, []).append(
            Problem(merge.min_row, merge.ref, "import.merged_cells", {"cells": merge.ref}))
    return out


def read_catalogue(path: Path | str, options: ImportOptions | None = None,
                   progress: Progress | None = None) -> Iterator[Chunk]:
    """Validated chunks of ``path`` (CSV or XLSX). Fatal file errors raise InputError."""
    return CatalogueReader(path, options, progress).chunks()


def validate_file(path: Path | str, options: ImportOptions | None = None,
                  progress: Progress | None = None, max_problems: int = 200) -> ImportSummary:
    """A dry run: counts of the whole file and its first ``max_problems`` problems."""
    reader = CatalogueReader(path, options, progress)
    kept: list[Problem] = []
    for chunk in reader.chunks():
        kept.extend(chunk.problems[:max(max_problems - len(kept), 0)])
    reader.summary.problems = kept
    return reader.summary
