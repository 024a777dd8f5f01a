"""Setting up a firm's shelves from a spreadsheet: all the rows, or none of them.

A new firm has hundreds of boxes before it has one record, and the catalogue import refuses
rows whose box does not exist; typing each box is no way to start. This reads a CSV (any
encoding Chinese Excel writes) or XLSX file with the columns path, kind, barcode, capacity
(and optional notes), creates each place through ``locations.create`` (so every place is
checked and audited as if made by hand), and commits only if every row is right. Every
problem is reported with its row number, so one pass fixes the file.

All rows run in one transaction; each row in its own savepoint, so a refused row is undone
alone and the rows after it are still checked (the report lists every problem, not the
first), and then the whole transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from confterm.errors import ConftermError, InputError
from confterm.i18n import LANGUAGES, t
from confterm.vault.catalogue import locations
from confterm.vault.catalogue.common import require_writer
from confterm.vault.catalogue.location_tree import (
    by_path,
    check_parent,
    kind_code,
    normalise_path,
)
from confterm.vault.catalogue.locations import SEPARATOR
from confterm.vault.importing.fields import CellError, fold, parse_int
from confterm.vault.importing.sources import open_source
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

COLUMNS = ("path", "kind", "barcode", "capacity", "notes")
REQUIRED = ("path", "kind")


@dataclass(frozen=True)
class PlaceRow:
    row: int
    path: str
    kind: str
    barcode: str
    capacity: int | None
    notes: str

    @property
    def depth(self) -> int:
        return self.path.count(SEPARATOR)


@dataclass
class LocationImport:
    rows: int = 0
    created: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(row number, one sentence naming the row and what is wrong), in row order."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def messages(self) -> list[str]:
        return [text for _row, text in sorted(self.problems, key=lambda p: p[0])]


class _Refused(Exception):
    """Raised inside the transaction to roll every row back."""


class _RowCtx(Ctx):
    """A Ctx whose ``transaction`` is a savepoint inside the import's one transaction."""

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        self.conn.execute("SAVEPOINT location_row")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK TO location_row")
            self.conn.execute("RELEASE location_row")
            raise
        self.conn.execute("RELEASE location_row")


def _header_map(cells: list[str]) -> dict[str, int]:
    """Column name -> index; headers in English or Chinese (路径, 类型, 条码, 容量, 备注)
    and a few other spellings people use (locations.import.header_aliases)."""
    spellings = {fold(s): col for col in COLUMNS for lang in LANGUAGES
                 for s in (col, t(f"locations.import.headers.{col}", lang),
                           *t(f"locations.import.header_aliases.{col}", lang).split("|"))}
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = spellings.get(fold(cell))
        if column and column not in found:
            found[column] = index
    return found


def read_rows(path: Path, result: LocationImport) -> list[PlaceRow]:
    """The file's rows, parsed; problems of single cells go to ``result.problems``."""
    source = open_source(path)
    try:
        rows = iter(source.rows())
        header: dict[str, int] = {}
        for raw in rows:
            if any(c.strip() for c in raw.cells):
                header = _header_map(raw.cells)
                break
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise InputError("locations.import.missing_column", file=path.name,
                             column=t(f"locations.import.headers.{missing[0]}"))
        parsed = []
        for raw in rows:
            if not any(c.strip() for c in raw.cells):
                continue
            result.rows += 1

            cells = {c: raw.cells[i].strip() if i < len(raw.cells) else ""
                     for c, i in header.items()}
            try:
                parsed.append(_parse(raw.number, cells))
            except ConftermError as exc:
                result.problems.append((raw.number, _row_text(raw.number, exc)))
        return parsed
    finally:
        source.close()


def _parse(number: int, cells: dict[str, str]) -> PlaceRow:
    def get(column: str) -> str:
        return cells.get(column, "")

    place = normalise_path(get("path"))
    if not place:
        raise InputError("locations.import.no_path")
    capacity_text = get("capacity")
    try:
        capacity = parse_int(capacity_text, 0) if capacity_text else None
    except CellError as exc:
        raise InputError("locations.import.bad_capacity", value=capacity_text,
                         reason=t(exc.key, **exc.params)) from None
    return PlaceRow(number, place, kind_code(get("kind")), get("barcode"), capacity,
                    get("notes"))


def _row_text(number: int, exc: ConftermError) -> str:
    return t("locations.import.row_problem", row=number, problem=exc.message())


def import_file(ctx: Ctx, path: Path, dry_run: bool = False) -> LocationImport:
    """Create every place in ``path``, or (any problem, or ``dry_run``) none of them."""
    require_writer(ctx)
    result = LocationImport()
    rows = read_rows(path, result)
    # Parents before children, whatever order the file is in (a stable sort keeps the
    # file's order among siblings, so problems are reported top to bottom within a level).
    rows.sort(key=lambda r: r.depth)
    try:
        with ctx.transaction() as conn:
            inner = _RowCtx(ctx.session, conn)
            for place in rows:
                try:
                    _create(inner, conn, place)
                    result.created += 1
                except ConftermError as exc:
                    result.problems.append((place.row, _row_text(place.row, exc)))
            if result.problems or dry_run:
                raise _Refused
    except _Refused:
        if not result.problems:  # a dry run that found nothing wrong: say what it would do
            return result
        result.created = 0
    return result


def _create(ctx: Ctx, conn: Connection, place: PlaceRow) -> None:
    parent_path, _, name = place.path.rpartition(SEPARATOR)
    parent = None
    if parent_path:
        parent = by_path(conn, parent_path)
        if parent is None:
            raise InputError("locations.import.no_parent", parent=parent_path)
    check_parent(place.kind, parent)
    locations.create(ctx, place.kind, name, parent.id if parent else None,
                     place.barcode or None, place.capacity, place.notes)

