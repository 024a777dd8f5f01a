"""Importing a catalogue file into the vault: every problem listed, then all or nothing.

The file is read once (:mod:`confterm.vault.importing` checks each cell and row); this
module adds what only the vault knows: an archive number already catalogued, a client code
known under another name, a box that does not exist or would overflow. Rows are written
as they are read, inside one transaction, for as long as no problem has been found; after
the first problem the rest of the file is still checked (so the list is complete) but
nothing more is written, and the transaction is rolled back. A dry run checks the same
things and writes nothing. A successful import writes one audit event naming the file, its
SHA-256, and how many rows, records and clients it brought.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3

from confterm.vault.catalogue import bulk, clients, holds, retention_sync
from confterm.vault.catalogue.bulk import ARCHIVE_NO, BulkWriter
from confterm.vault.catalogue.classify import levels
from confterm.vault.catalogue.common import local_today, require_writer, stamp
from confterm.vault.catalogue.import_pipe import RowRef, read_chunks
from confterm.vault.importing.model import ImportOptions, Problem
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

Progress = Callable[[int, int | None], None]
MAX_KEPT = 1000
IMPORT_CACHE_KIB = -262144
"""256 MiB of page cache while importing (64 MiB otherwise): at a million records the
secondary indexes no longer fit in 64 MiB and every random insert would re-read a page."""
LARGE_IMPORT_CACHE_KIB = -1048576


def large_import_cache_kib() -> int:
    """The page cache for an import large enough to make the records' indexes again at the
    end (``bulk.REBUILD_AFTER``): 1 GiB, or an eighth of the machine's memory when that is
    less (never below the usual 256 MiB). Each CREATE INDEX reads the whole table and FTS5
    merges re-read their segments: with 256 MiB a 1,000,000-record import read and
    decrypted 4.7 GB of pages, with 1 GiB 1.9 GB (index rebuild 14 s -> 9 s). The memory
    is given back when the import ends."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return LARGE_IMPORT_CACHE_KIB
    return -max(-IMPORT_CACHE_KIB, min(-LARGE_IMPORT_CACHE_KIB, memory // 8 // 1024))


def rollback_journal(conn: Connection) -> bool:
    """Switch a large import from WAL to a rollback journal; False when the switch could
    not be made (the import then runs as it is).

    Why: in WAL mode every page of the transaction is written twice, once into the WAL at
    commit and again into the database by the checkpoint; for a 1,000,000-record import
    that is 870 MB more to write (commit 9.7 s -> 5.0 s). A rollback journal holds only
    the pages that existed before, and it keeps the import all-or-nothing: an
    interrupted import is rolled back from the journal when the vault is next opened,
    and opening sets WAL again. With ``synchronous = EXTRA`` meanwhile, the journal's
    removal at commit is made durable too, as WAL's commit is. The journal holds
    encrypted pages only, like the WAL.
    """
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        return False
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlcipher3.OperationalError:  # another connection holds the vault
        return False
    return str(mode[0]).lower() == "delete"


BYTES_PER_ROW = 200
"""A guess of a catalogue row's size in a file, to tell a large import from a small one
before reading it (a CSV row of the usual columns takes ~190 bytes, an XLSX row less)."""


@dataclass
class ImportResult:
    file: str
    digest: str
    rows: int = 0
    records_created: int = 0
    clients_created: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first MAX_KEPT
    dry_run: bool = False
    committed: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


class _Rollback(Exception):
    """Leaves the import transaction without committing (problems found, or a dry run)."""


def file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(1 << 20):
            sha.update(piece)
    return sha.hexdigest()


def options_for(conn: Connection, ctx: Ctx) -> ImportOptions:
    """The vault's own levels and rules, so a file is checked against what this vault has."""
    vault_levels = {lv.code: (lv.name_zh, lv.name_en) for lv in levels(conn)}
    default = "internal" if "internal" in vault_levels else next(iter(vault_levels))
    rules = list(retention_sync.load_rules(conn).values())
    return ImportOptions(levels=vault_levels, default_level=default, rules=rules,
                         today=local_today(ctx))


class _Checker:
    """What only the vault knows, row by row, and the writing while the file is clean."""

    def __init__(self, ctx: Ctx, conn: Connection, result: ImportResult, dry_run: bool,
                 expected: int = 0) -> None:
        self.ctx, self.conn, self.result, self.dry_run = ctx, conn, result, dry_run
        self.writer = BulkWriter(conn, stamp(ctx), expected=expected)
        self.clients: dict[str, tuple[int, str]] = {}
        self.places: dict[str, tuple[int, str, int | None]] = {}  # text -> id, path, room
        self.created_codes: list[str] = []

    @property
    def writing(self) -> bool:
        return not self.dry_run and self.result.problem_count == 0

    def problem(self, row: int, column: str, key: str, **params: object) -> None:
        self.result.problem_count += 1
        if len(self.result.problems) < MAX_KEPT:
            self.result.problems.append(Problem(row, column, key, params))

    def chunk(self, refs: list[RowRef], problems: list[Problem], docs: list[str],
              values: list[tuple[Any, ...]]) -> None:
        for p in problems:
            self.problem(p.row, p.column, p.key, **dict(p.params))
        self.result.rows += len(refs)
        taken = self._taken([v[ARCHIVE_NO] for v in values])
        add = self.writer.add_row
        result, dry_run = self.result, self.dry_run
        for (row, code, name, location, labels), doc, vals in zip(refs, docs, values,
                                                                   strict=True):
            if taken and vals[ARCHIVE_NO] in taken:
                self.problem(row, "档案编号 / archive_no", "records.import_number_taken",
                             archive_no=vals[ARCHIVE_NO])
            client_id = self._client(row, code, name)
            location_id = self._location(row, location) if location else None
            if not dry_run and result.problem_count == 0:
                add(labels, client_id, location_id, vals, doc)

    def _taken(self, numbers: list[str]) -> set[str]:
        """The numbers already catalogued before this import (none in an empty vault)."""
        out: set[str] = set()
        if self.writer.first_id == 1:  # no record row, not even a destroyed one
            return out
        for start in range(0, len(numbers), 500):
            part = numbers[start:start + 500]
            out.update(r[0] for r in self.conn.execute(
                "SELECT archive_no FROM records WHERE id < ? AND archive_no IN"
                f" ({','.join('?' * len(part))})", (self.writer.first_id, *part)))
        return out

    def _client(self, row: int, code: str, name: str) -> int:
        known = self.clients.get(code)
        if known is not None and known[1] == name:
            return known[0]
        if known is None:
            found = self.conn.execute("SELECT id, name FROM clients WHERE credit_code = ?",
                                      (code,)).fetchone()
            if found is not None:
                known = (int(found[0]), str(found[1]))
            else:
                client_id = -1
                if self.writing:
                    client_id = clients.insert(self.ctx, self.conn, {
                        "name": name, "credit_code": code}, audit=False)
                self.created_codes.append(code)
                known = (client_id, name)
            self.clients[code] = known
        if "".join(known[1].split()) != "".join(name.split()):
            self.problem(row, "客户名称 / client_name", "records.import_client_other_name",
                         code=code, name=name, vault_name=known[1])
        return known[0]

    def _location(self, row: int, location: str) -> int | None:
        text = location.strip()
        place = self.places.get(text)
        if place is None:
            found = self.conn.execute(
                "SELECT id, path, capacity, record_count FROM locations WHERE barcode = ?"
                " UNION ALL SELECT id, path, capacity, record_count FROM locations"
                " WHERE path = ? LIMIT 1", (text, text)).fetchone()
            if found is None:
                self.problem(row, "位置 / location", "records.import_unknown_box",
                             box=text)
                return None
            room = None if found[2] is None else int(found[2]) - int(found[3])
            place = self.places[text] = (int(found[0]), str(found[1]), room)
        location_id, path, room = place
        if room is not None:
            if room <= 0:
                self.problem(row, "位置 / location", "records.import_box_full", box=path)
            self.places[text] = (location_id, path, room - 1)
        return location_id


@contextmanager
def _import_settings(conn: Connection, rebuilds: bool) -> Iterator[None]:
    """The connection's settings for one import, restored after it, whatever happens.

    Every import gets a larger page cache (its index pages stay in memory). One that
    rebuilds the records' indexes (a large file) also gets the large cache, a rollback
    journal (:func:`rollback_journal`), and foreign keys off: its rows' references are
    checked once, as sets, at the end (``BulkWriter._check_references``).
    """
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    journal = False
    try:
        size = large_import_cache_kib() if rebuilds else IMPORT_CACHE_KIB
        conn.execute(f"PRAGMA cache_size = {size}")
        if rebuilds:
            journal = rollback_journal(conn)
            if journal:  # the journal's removal reaches the disk too
                conn.execute("PRAGMA synchronous = EXTRA")
            conn.execute("PRAGMA foreign_keys = OFF")
        yield
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
        if journal:
            conn.execute("PRAGMA synchronous = FULL")
            # If it fails the vault stays safe (a rollback journal); opening sets WAL again.
            with suppress(sqlcipher3.OperationalError):
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


def import_file(ctx: Ctx, path: Path | str, dry_run: bool = False,
                progress: Progress | None = None) -> ImportResult:
    """Check ``path`` against the vault and, unless ``dry_run`` or a problem, import it."""
    require_writer(ctx)
    path = Path(path)
    started = time.perf_counter()
    result = ImportResult(str(path), file_digest(path) if path.is_file() else "",
                          dry_run=dry_run)
    conn = ctx.conn
    expected = path.stat().st_size // BYTES_PER_ROW if path.is_file() else 0
    rebuilds = not dry_run and bulk.rebuilds_indexes(expected, bulk.records_now(conn))
    try:
        with _import_settings(conn, rebuilds), ctx.transaction() as conn:
            checker = _Checker(ctx, conn, result, dry_run, expected)
            for rows, problems, docs, values in read_chunks(path, options_for(conn, ctx),
                                                            progress):
                checker.chunk(rows, problems, docs, values)
            result.clients_created = len(checker.created_codes)
            if dry_run or result.problem_count:
                raise _Rollback
            writer = checker.writer
            writer.finish()
            if writer.written:
                holds.cover_range(conn, writer.first_id, writer.last_id, local_today(ctx))
            result.records_created = writer.written
            ctx.audit("catalogue.import", "file", path.name, {
                "file": path.name, "sha256": result.digest, "rows": result.rows,
                "records": writer.written, "clients_created": checker.created_codes,
                "first_id": writer.first_id, "last_id": writer.last_id})
        result.committed = True
        conn.execute("PRAGMA analysis_limit = 1000")
        conn.execute("PRAGMA optimize")
    except _Rollback:
        pass
    result.seconds = time.perf_counter() - started
    return result
