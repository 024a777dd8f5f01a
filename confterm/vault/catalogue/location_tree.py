"""Reading the location tree as people name places: by barcode or by path, whole or in part.

``locations`` (the lead's service) creates, edits and deletes one place at a time and reads
one level at a time, which is what the TUI's lazy tree needs. A person at a command line
or with a spreadsheet names a place by the label on it ("BX0012") or by where it is
("档案室A/柜03/第2层"), and wants a whole subtree listed at once; those reads live here.
Nothing here writes.
"""

from __future__ import annotations

from confterm.errors import InputError
from confterm.i18n import LANGUAGES, t
from confterm.vault.catalogue import locations
from confterm.vault.catalogue.locations import SEPARATOR, Location
from confterm.vault.importing.fields import fold
from confterm.vault.store import Connection

KINDS = tuple(locations.PARENT_KINDS)


def normalise_path(text: str) -> str:
    """"档案室A/柜03 / 第2层" and "档案室A / 柜03 / 第2层" name the same place: paths are
    stored with " / " between names, people type any spacing around the slash."""
    return SEPARATOR.join(" ".join(part.split()) for part in text.split("/") if part.strip())


def find(conn: Connection, text: str) -> Location | None:
    """The place with this barcode, else with this path (any spacing around "/")."""
    text = text.strip()
    if not text:
        return None
    found = locations.by_barcode(conn, text)
    return found if found is not None else by_path(conn, text)


def by_path(conn: Connection, text: str) -> Location | None:
    row = conn.execute("SELECT id FROM locations WHERE path = ?",
                       (normalise_path(text),)).fetchone()
    return locations.get(conn, int(row[0])) if row else None


def resolve(conn: Connection, text: str) -> Location:
    """Like ``find``, but a place that does not exist is an InputError naming what was typed."""
    found = find(conn, text)
    if found is None:
        raise InputError("locations.unknown", ref=text.strip())
    return found


def kind_code(text: str) -> str:
    """A kind as typed ("box", "Box", "档案盒", "盒") as its code; InputError otherwise.

    Spreadsheets made by Chinese staff say 档案盒 or 盒, English ones box: all are accepted,
    compared without case or spacing."""
    wanted = fold(text)
    for code in KINDS:
        names = {code}
        for lang in LANGUAGES:
            names |= {t(f"archive.kind.{code}", lang),
                      *t(f"locations.kind_aliases.{code}", lang).split("|")}
        if wanted in {fold(n) for n in names if n}:
            return code
    raise InputError("locations.bad_kind", kind=text.strip(), kinds=kind_list())


def kind_list() -> str:
    """"档案室 (room), ..." in Chinese, "room, ..." in English: the codes always work."""
    names = ((t(f"archive.kind.{k}"), k) for k in KINDS)
    return t("ui.list_sep").join(name if name == k else f"{name} ({k})" for name, k in names)


def check_parent(kind: str, parent: Location | None) -> None:
    """Refuse a kind under the wrong parent in words the reader knows (the service checks
    too, but names kinds by their codes)."""
    allowed = locations.PARENT_KINDS[kind]
    if parent is None and None in allowed:
        return
    if parent is None:
        raise InputError("locations.needs_parent", kind=t(f"archive.kind.{kind}"),
                         parents=kind_names(allowed))
    if parent.kind not in allowed:
        raise InputError("locations.wrong_parent", kind=t(f"archive.kind.{kind}"),
                         parent=parent.path, parent_kind=t(f"archive.kind.{parent.kind}"),
                         parents=kind_names(allowed))


def kind_names(kinds: tuple[str | None, ...]) -> str:
    return t("ui.list_sep").join(t(f"archive.kind.{k}") if k else t("locations.top_level")
                                 for k in kinds)


def child_kinds(parent_kind: str | None) -> list[str]:
    """The kinds that may go directly under a place of ``parent_kind`` (None: top level)."""
    return [k for k, parents in locations.PARENT_KINDS.items() if parent_kind in parents]


def subtree(conn: Connection, root_id: int | None = None) -> list[tuple[int, Location]]:
    """(depth, place) for ``root_id`` and everything under it (the whole tree for None),
    parents before children and siblings by name: the order a printed tree reads in."""
    start = "parent_id IS NULL" if root_id is None else "id = ?"
    rows = conn.execute(
        "WITH RECURSIVE tree(id, depth, trail) AS ("
        f" SELECT id, 0, name FROM locations WHERE {start}"
        " UNION ALL SELECT l.id, tree.depth + 1, tree.trail || char(1) || l.name"
        " FROM locations l JOIN tree ON l.parent_id = tree.id)"
        " SELECT tree.depth, l.id, l.parent_id, l.kind, l.name, l.barcode, l.capacity,"
        " l.record_count, l.path, l.notes, l.version"
        " FROM tree JOIN locations l ON l.id = tree.id ORDER BY tree.trail",
        () if root_id is None else (root_id,))
    return [(int(r[0]), Location(*r[1:])) for r in rows]


def ancestry(conn: Connection, location_id: int) -> list[int]:
    """Ids from the top-level room down to ``location_id`` (empty if it no longer exists):
    what the TUI opens to show a place again after the tree is rebuilt."""
    rows = conn.execute(
        "WITH RECURSIVE up(id, parent_id, depth) AS ("
        " SELECT id, parent_id, 0 FROM locations WHERE id = ?"
        " UNION ALL SELECT l.id, l.parent_id, up.depth + 1 FROM locations l"
        " JOIN up ON l.id = up.parent_id)"
        " SELECT id FROM up ORDER BY depth DESC", (location_id,)).fetchall()
    return [int(r[0]) for r in rows]
