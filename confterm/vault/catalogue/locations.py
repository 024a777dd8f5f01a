"""Where the paper is: room → cabinet or safe → shelf → box (with barcode and capacity).

Records live in boxes (or, for electronic media, in any location). Moving records between
boxes, or a whole box to another shelf, is audited with the place before and after; a box
never takes more records than its capacity (checked here with a clear message, and by a
schema trigger as a last line of defence). ``path`` ("档案室A / 柜03 / 第2层 / 盒0012") is
stored so the browser never walks the tree per row; renames and moves rewrite the subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.i18n import t
from confterm.vault.catalogue.common import (
    check_version,
    clean_text,
    require_reason,
    require_writer,
    stamp,
)
from confterm.vault.catalogue.countersign import countersign
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

PARENT_KINDS = {"room": (None,), "cabinet": ("room",), "safe": ("room",),
                "shelf": ("cabinet", "safe"), "box": ("shelf",)}
SEPARATOR = " / "

if TYPE_CHECKING:
    from confterm.vault.access.decisions import Signer


@dataclass(frozen=True)
class Location:
    id: int
    parent_id: int | None
    kind: str
    name: str
    barcode: str | None
    capacity: int | None
    record_count: int
    path: str
    notes: str
    version: int


_SELECT = ("SELECT id, parent_id, kind, name, barcode, capacity, record_count, path, notes,"
           " version FROM locations")


def get(conn: Connection, location_id: int) -> Location:
    row = conn.execute(f"{_SELECT} WHERE id = ?", (location_id,)).fetchone()
    if row is None:
        raise InputError("records.unknown_location", location=location_id)
    return Location(*row)


def by_barcode(conn: Connection, barcode: str) -> Location | None:
    row = conn.execute(f"{_SELECT} WHERE barcode = ?", (barcode.strip(),)).fetchone()
    return Location(*row) if row else None


def children(conn: Connection, parent_id: int | None) -> list[Location]:
    if parent_id is None:
        rows = conn.execute(f"{_SELECT} WHERE parent_id IS NULL ORDER BY name")
    else:
        rows = conn.execute(f"{_SELECT} WHERE parent_id = ? ORDER BY name", (parent_id,))
    return [Location(*r) for r in rows]


def _check_parent(conn: Connection, kind: str, parent_id: int | None) -> str:
    """The parent's path ('' for a room); InputError if the hierarchy would be wrong."""
    if kind not in PARENT_KINDS:
        raise InputError("records.bad_location_kind", kind=kind,
                         kinds=", ".join(PARENT_KINDS))
    if parent_id is None:
        if kind != "room":
            raise InputError("records.location_needs_parent", kind=_kind(kind))
        return ""
    parent = get(conn, parent_id)
    if parent.kind not in PARENT_KINDS[kind]:
        raise InputError("records.bad_location_parent", kind=_kind(kind), parent=parent.path,
                         parent_kind=_kind(parent.kind))
    return parent.path


def _kind(kind: str) -> str:
    """A kind as the reader calls it (档案盒, not "box")."""
    return t(f"archive.kind.{kind}")


def _clean_barcode(barcode: str | None) -> str | None:
    text = clean_text(barcode, "barcode", limit=64) if barcode else ""
    return text or None


def create(ctx: Ctx, kind: str, name: str, parent_id: int | None = None,
           barcode: str | None = None, capacity: int | None = None, notes: str = "") -> int:
    require_writer(ctx)
    name = clean_text(name, "name", required=True, limit=80)
    barcode = _clean_barcode(barcode)
    if capacity is not None and (isinstance(capacity, bool) or capacity < 0):
        raise InputError("records.bad_capacity", capacity=capacity)
    with ctx.transaction() as conn:
        parent_path = _check_parent(conn, kind, parent_id)
        _check_unique(conn, parent_id, name, barcode, None)
        path = f"{parent_path}{SEPARATOR}{name}" if parent_path else name
        cur = conn.execute("INSERT INTO locations(parent_id, kind, name, barcode, capacity,"
                           " path, notes, created_at) VALUES (?,?,?,?,?,?,?,?)",
                           (parent_id, kind, name, barcode, capacity, path,
                            clean_text(notes, "notes"), stamp(ctx)))
        location_id = int(cur.lastrowid or 0)
        ctx.audit("location.create", "location", location_id,
                  {"kind": kind, "path": path, "barcode": barcode, "capacity": capacity})
        return location_id


def _check_unique(conn: Connection, parent_id: int | None, name: str, barcode: str | None,
                  own_id: int | None) -> None:
    row = conn.execute("SELECT path FROM locations WHERE coalesce(parent_id, 0) = ?"
                       " AND name = ? AND id IS NOT ?", (parent_id or 0, name, own_id)).fetchone()
    if row:
        raise ConflictError("records.duplicate_location", path=row[0])
    if barcode and conn.execute("SELECT 1 FROM locations WHERE barcode = ? AND id IS NOT ?",
                                (barcode, own_id)).fetchone():
        raise ConflictError("records.duplicate_barcode", barcode=barcode)


def update(ctx: Ctx, location_id: int, expected_version: int | None, *, name: str | None = None,
           barcode: str | None = None, capacity: int | None = None,
           notes: str | None = None, no_capacity: bool = False) -> Location:
    """Rename, re-label, resize; capacity below what the box holds is refused. Audited.
    ``capacity`` None keeps it; ``no_capacity`` removes the limit."""
    require_writer(ctx)
    with ctx.transaction() as conn:
        before = get(conn, location_id)
        check_version(before.version, expected_version, "location", before.path)
        new_name = clean_text(name, "name", required=True, limit=80) if name else before.name
        new_code = _clean_barcode(barcode) if barcode is not None else before.barcode
        new_cap = None if no_capacity else capacity if capacity is not None \
            else before.capacity
        if new_cap is not None and new_cap < before.record_count:
            raise ConflictError("records.capacity_below_contents", box=before.path,
                                capacity=new_cap, used=before.record_count)
        _check_unique(conn, before.parent_id, new_name, new_code, location_id)
        conn.execute("UPDATE locations SET name = ?, barcode = ?, capacity = ?, notes = ?,"
                     " version = version + 1 WHERE id = ?",
                     (new_name, new_code, new_cap,
                      clean_text(notes, "notes") if notes is not None else before.notes,
                      location_id))
        if new_name != before.name:
            _rewrite_paths(conn, location_id)
        after = get(conn, location_id)
        ctx.audit("location.update", "location", location_id, {
            "before": {"path": before.path, "barcode": before.barcode,
                       "capacity": before.capacity},
            "after": {"path": after.path, "barcode": after.barcode, "capacity": after.capacity}})
        return after


def _rewrite_paths(conn: Connection, location_id: int) -> None:
    """Recompute ``path`` of a location and everything under it."""
    conn.execute(
        "WITH RECURSIVE tree(id, path) AS ("
        " SELECT l.id, coalesce((SELECT p.path || ? FROM locations p WHERE p.id = l.parent_id),"
        " '') || l.name FROM locations l WHERE l.id = ?"
        " UNION ALL SELECT c.id, tree.path || ? || c.name FROM locations c"
        " JOIN tree ON c.parent_id = tree.id)"
        " UPDATE locations SET path = (SELECT path FROM tree WHERE tree.id = locations.id)"
        " WHERE id IN (SELECT id FROM tree)", (SEPARATOR, location_id, SEPARATOR))


def records_inside(conn: Connection, location_id: int) -> int:
    """How many records are in this location or anywhere under it (a shelf's boxes)."""
    row = conn.execute(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT l.id FROM locations l"
        " JOIN sub ON l.parent_id = sub.id) SELECT coalesce(sum(record_count), 0)"
        " FROM locations WHERE id IN (SELECT id FROM sub)", (location_id,)).fetchone()
    return int(row[0])


def restricted_inside(conn: Connection, location_id: int) -> int:
    """How many active records holding personal information (restricted processing) are
    in this location or anywhere under it."""
    row = conn.execute(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT l.id FROM locations l"
        " JOIN sub ON l.parent_id = sub.id) SELECT count(*) FROM records r"
        " WHERE r.location_id IN (SELECT id FROM sub) AND r.personal_info = 1"
        " AND r.state = 'active'", (location_id,)).fetchone()
    return int(row[0])


def move_location(ctx: Ctx, location_id: int, new_parent_id: int, reason: str,
                  approver: Signer | None = None) -> Location:
    """Move a box to another shelf (or a shelf to another cabinet ...), with its records.

    Moving a box moves the records in it, so when it holds records in restricted
    processing (personal information of a deregistered client, PIPL art. 47) the move is
    a controlled change like moving one such record: an approver other than the mover,
    proven present at the terminal, signs it (``approver``), and the audit event keeps
    the signature. Without one the move is refused, saying how many records need it.
    """
    require_writer(ctx)
    reason = require_reason(reason)
    with ctx.transaction() as conn:
        before = get(conn, location_id)
        _check_parent(conn, before.kind, new_parent_id)
        inside = conn.execute(
            "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT l.id FROM locations l"
            " JOIN sub ON l.parent_id = sub.id) SELECT 1 FROM sub WHERE id = ?",
            (location_id, new_parent_id)).fetchone()
        if inside:
            raise InputError("records.location_into_itself", path=before.path)
        _check_unique(conn, new_parent_id, before.name, None, location_id)
        restricted = restricted_inside(conn, location_id)
        if restricted and approver is None:
            raise PermissionDenied("records.move_needs_approver", path=before.path,
                                   n=restricted)
        conn.execute("UPDATE locations SET parent_id = ?, version = version + 1 WHERE id = ?",
                     (new_parent_id, location_id))
        _rewrite_paths(conn, location_id)
        after = get(conn, location_id)
        details: dict[str, object] = {
            "before": before.path, "after": after.path, "reason": reason,
            "records": records_inside(conn, location_id), "restricted": restricted}
        if restricted and approver is not None:
            details.update(countersign(ctx, approver, {
                "type": "confterm-location-move-v1", "location": location_id,
                **details, "mover": ctx.actor.name}))
        ctx.audit("location.move", "location", location_id, details)
        return after


def contents(conn: Connection, location_id: int, after: str = "",
             n: int = 50) -> list[tuple[int, str, str]]:
    """(id, archive_no, title) of the records directly in a location, by archive number."""
    return [(int(r[0]), str(r[1]), str(r[2])) for r in conn.execute(
        "SELECT id, archive_no, title FROM records WHERE location_id = ? AND archive_no > ?"
        " ORDER BY archive_no LIMIT ?", (location_id, after, n))]


def delete(ctx: Ctx, location_id: int) -> None:
    """Remove an empty location that has nothing under it; audited."""
    require_writer(ctx)
    with ctx.transaction() as conn:
        loc = get(conn, location_id)
        if loc.record_count or conn.execute("SELECT 1 FROM locations WHERE parent_id = ?",
                                            (location_id,)).fetchone():
            raise ConflictError("records.location_not_empty", path=loc.path)
        conn.execute("DELETE FROM locations WHERE id = ?", (location_id,))
        ctx.audit("location.delete", "location", location_id, {"path": loc.path})
