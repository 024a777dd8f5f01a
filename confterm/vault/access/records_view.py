"""What access control needs to know about catalogue records, in one place.

The catalogue owns records, clients and holds; this module is the only one in the access
package that reads their tables, so a change in the catalogue's schema is fixed here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from confterm.errors import ConflictError, InputError
from confterm.vault.store import Connection

GONE_STATES = ("in_destruction", "destroyed")


@dataclass(frozen=True)
class RecordFacts:
    id: int
    archive_no: str
    title: str
    client_id: int | None
    client_name: str
    state: str
    on_hold: bool
    personal_info: bool
    version: int


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def facts(conn: Connection, record_ids: Iterable[int]) -> dict[int, RecordFacts]:
    """Facts for each id that exists (missing ids are simply absent from the result)."""
    ids = sorted({int(i) for i in record_ids})
    out: dict[int, RecordFacts] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT r.id, r.archive_no, r.title, r.client_id, coalesce(c.name, ''), r.state,"
            " r.hold_count > 0,"
            " r.personal_info, r.version"
            f" FROM records r LEFT JOIN clients c ON c.id = r.client_id WHERE r.id IN ({marks})",
            tuple(chunk))
        for row in rows:
            out[int(row[0])] = RecordFacts(int(row[0]), str(row[1]), str(row[2] or ""),
                                           row[3], str(row[4]), str(row[5]), bool(row[6]),
                                           bool(row[7]), int(row[8]))
    return out


def one(conn: Connection, record_id: int) -> RecordFacts:
    found = facts(conn, [record_id]).get(int(record_id))
    if found is None:
        raise InputError("access.unknown_record", record=record_id)
    return found


def ids_for_archive_numbers(conn: Connection, numbers: Iterable[str]) -> list[int]:
    """Record ids for typed archive numbers, in the order typed; InputError names the first
    number that is not in the catalogue."""
    out: list[int] = []
    for raw in numbers:
        number = raw.strip()
        if not number:
            continue
        row = conn.execute("SELECT id FROM records WHERE archive_no = ?", (number,)).fetchone()
        if row is None:
            raise InputError("access.unknown_archive_no", archive_no=number)
        if int(row[0]) not in out:
            out.append(int(row[0]))
    return out


def refuse_unusable(fact: RecordFacts) -> None:
    """ConflictError if the record is destroyed, being destroyed, or under a legal hold:
    nobody may be granted or given it then."""
    if fact.state in GONE_STATES:
        raise ConflictError(f"access.record_{fact.state}", archive_no=fact.archive_no)
    if fact.on_hold:
        raise ConflictError("access.record_on_hold", archive_no=fact.archive_no)
