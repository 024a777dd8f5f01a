"""Scale data for the catalogue benchmark: a CSV file of synthetic records and their boxes.

Records come from :mod:`confterm.vault.synthetic` (Chinese company names, valid credit
codes, a small company's books year by year, boxes of 20) and are streamed to the file, so
a million rows never sit in memory. The boxes those rows name are then created in one
transaction (one audit event for the lot: a benchmark vault needs 50,000 boxes, which one
audited call each would take minutes to make), and the file goes through the real import.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from confterm.vault.catalogue.common import stamp
from confterm.vault.catalogue.locations import SEPARATOR
from confterm.vault.importing.export import write_csv
from confterm.vault.importing.model import CatalogueRow
from confterm.vault.session import Ctx
from confterm.vault.synthetic import iter_catalogue

BOX_CAPACITY = 20
BOXES_PER_SHELF = 10
SHELVES_PER_CABINET = 6
CABINETS_PER_ROOM = 100


def catalogue_rows(count: int, seed: int = 0) -> Iterator[CatalogueRow]:
    """``count`` valid rows (row numbers 2..), streamed."""
    for _client, rows in iter_catalogue(count, seed):
        yield from rows


def write_file(path: Path, count: int, encoding: str = "utf-8-sig", tag: str = "") -> list[str]:
    """Write ``count`` rows to ``path``; returns the box barcodes they use, in order.

    ``tag`` prefixes archive numbers and box barcodes, so a second batch can be added to a
    vault that already holds one (the generator is deterministic).
    """
    boxes: dict[str, None] = {}

    def rows() -> Iterator[CatalogueRow]:
        for row in catalogue_rows(count):
            if tag:
                row = row._replace(archive_no=tag + row.archive_no, location=tag + row.location)
            boxes[row.location] = None
            yield row

    write_csv(path, rows(), lang="zh_CN", encoding=encoding)
    return list(boxes)


def make_boxes(ctx: Ctx, barcodes: list[str]) -> int:
    """Rooms, cabinets and shelves holding a box for each barcode (capacity 20)."""
    now = stamp(ctx)
    with ctx.transaction() as conn:
        insert = ("INSERT INTO locations(parent_id, kind, name, barcode, capacity, path,"
                  " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        parents: dict[tuple[str, int], tuple[int, str]] = {}

        def place(kind: str, number: int, parent: tuple[int, str] | None, name: str
                  ) -> tuple[int, str]:
            found = parents.get((kind, number))
            if found is None:
                path = f"{parent[1]}{SEPARATOR}{name}" if parent else name
                cur = conn.execute(insert, (parent[0] if parent else None, kind, name, None,
                                            None, path, now))
                found = parents[(kind, number)] = (int(cur.lastrowid or 0), path)
            return found

        per_cabinet = BOXES_PER_SHELF * SHELVES_PER_CABINET
        first_room = int(conn.execute("SELECT count(*) FROM locations WHERE kind = 'room'"
                                      ).fetchone()[0]) + 1
        rows = []
        for n, code in enumerate(barcodes):
            cab_no = n // per_cabinet
            room = place("room", cab_no // CABINETS_PER_ROOM, None,
                         f"档案室{cab_no // CABINETS_PER_ROOM + first_room}")
            cabinet = place("cabinet", cab_no, room, f"密集架{cab_no + 1:04d}")
            shelf = place("shelf", n // BOXES_PER_SHELF, cabinet,
                          f"第{n // BOXES_PER_SHELF % SHELVES_PER_CABINET + 1}层")
            rows.append((shelf[0], "box", f"盒{n + 1:06d}", code, BOX_CAPACITY,
                         f"{shelf[1]}{SEPARATOR}盒{n + 1:06d}", now))
        conn.executemany(insert, rows)
        ctx.audit("location.create_many", "locations", len(rows),
                  {"boxes": len(rows), "capacity": BOX_CAPACITY, "purpose": "benchmark"})
    return len(rows)
