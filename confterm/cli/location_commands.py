"""``confterm location``: list, add, edit, delete and import storage places from a script.

A new firm must have its rooms, cabinets, shelves and boxes before the catalogue import can
put records in them, and a firm sets up hundreds of boxes at once: ``location import``
takes a spreadsheet and adds all of its rows or none. Places are named as people name them,
by barcode ("BX0012") or by path ("档案室A/柜01/第1层"). Every change goes through the
catalogue's location services, which check roles and write the audit event.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.cells import cell_len

from confterm.errors import EXIT_OK, InputError
from confterm.i18n import t
from confterm.vault.catalogue import location_import, locations
from confterm.vault.catalogue.location_tree import check_parent, kind_code, resolve, subtree
from confterm.vault.catalogue.locations import Location
from confterm.vault.session import Ctx

from .context import unlock

SHOWN_PROBLEMS = 200


def tree_lines(rows: list[tuple[int, Location]]) -> list[str]:
    """The printed tree: indented names, then kind, barcode and used/capacity in columns
    (aligned by display width, since a Chinese character takes two cells)."""
    cells = [("  " * depth + p.name, t(f"archive.kind.{p.kind}"),
              p.barcode or t("locations.cli.no_barcode"),
              f"{p.record_count}/{p.capacity}" if p.capacity is not None
              else str(p.record_count)) for depth, p in rows]
    widths = [max((cell_len(c[i]) for c in cells), default=0) for i in range(3)]
    return ["  ".join(text + " " * (widths[i] - cell_len(text)) if i < 3 else text
                      for i, text in enumerate(c)).rstrip() for c in cells]


def capacity_of(text: str | None) -> int | None:
    """A whole number >= 0 (or None when not given), refused in one sentence otherwise.
    Parsed here rather than as an argparse ``type`` so the refusal is a catalogue message
    with exit code 2, like every other bad input."""
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if value < 0:
        raise InputError("locations.bad_capacity", value=text)
    return value


def _listing(ctx: Ctx, under: str | None) -> list[tuple[int, Location]]:
    root = resolve(ctx.conn, under).id if under else None
    return subtree(ctx.conn, root)


def cmd_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        rows = session.call(_listing, args.under)
    if not rows:
        print(t("locations.cli.empty"))
    for line in tree_lines(rows):
        print(line)
    return EXIT_OK


def _add(ctx: Ctx, kind: str, name: str, under: str | None, barcode: str | None,
         capacity: int | None, notes: str) -> Location:
    parent = resolve(ctx.conn, under) if under else None
    check_parent(kind, parent)
    new_id = locations.create(ctx, kind, name, parent.id if parent else None, barcode,
                              capacity, notes)
    return locations.get(ctx.conn, new_id)


def cmd_add(args: argparse.Namespace) -> int:
    kind, capacity = kind_code(args.kind), capacity_of(args.capacity)
    with unlock(args) as session:
        place = session.call(_add, kind, args.name, args.under, args.barcode, capacity,
                             args.notes or "")
    print(t("locations.cli.added", path=place.path, kind=t(f"archive.kind.{place.kind}")))
    return EXIT_OK


def _edit(ctx: Ctx, ref: str, name: str | None, barcode: str | None, capacity: int | None,
          notes: str | None, no_capacity: bool) -> Location:
    place = resolve(ctx.conn, ref)
    return locations.update(ctx, place.id, place.version, name=name, barcode=barcode,
                            capacity=capacity, notes=notes, no_capacity=no_capacity)


def cmd_edit(args: argparse.Namespace) -> int:
    if args.name is None and args.barcode is None and args.capacity is None \
            and args.notes is None and not args.no_capacity:
        raise InputError("locations.cli.unchanged")
    if args.no_capacity and args.capacity is not None:
        raise InputError("locations.cli.capacity_twice")
    capacity = capacity_of(args.capacity)
    with unlock(args) as session:
        place = session.call(_edit, args.ref, args.name, args.barcode, capacity, args.notes,
                             args.no_capacity)
    print(t("locations.cli.changed", path=place.path))
    return EXIT_OK


def _delete(ctx: Ctx, ref: str) -> str:
    place = resolve(ctx.conn, ref)
    locations.delete(ctx, place.id)
    return place.path


def cmd_delete(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        path = session.call(_delete, args.ref)
    print(t("locations.cli.deleted", path=path))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    if not path.is_file():
        raise InputError("import.no_such_file", file=str(path))
    with unlock(args) as session:
        result = session.call(location_import.import_file, path, args.dry_run)
    if not result.ok:
        for text in result.messages[:SHOWN_PROBLEMS]:
            print(text, file=sys.stderr)
        raise InputError("locations.cli.import_refused", file=path.name,
                         problems=len(result.problems))
    key = "locations.cli.dry_run_ok" if args.dry_run else "locations.cli.imported"
    print(t(key, file=path.name, count=result.created))
    return EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser("location", help=t("locations.cli.help_location"))
    verbs = top.add_subparsers(dest="location_command", metavar="ACTION", required=True)

    listing = verbs.add_parser("list", parents=[common], help=t("locations.cli.help_list"))
    listing.add_argument("--under", metavar="PATH|BARCODE", help=t("locations.cli.help_ref"))
    listing.set_defaults(func=cmd_list)

    add = verbs.add_parser("add", parents=[common], help=t("locations.cli.help_add"))
    add.add_argument("kind", metavar="KIND", help=t("locations.cli.help_kind"))
    add.add_argument("name", metavar="NAME", help=t("locations.cli.help_name"))
    add.add_argument("--under", metavar="PATH|BARCODE", help=t("locations.cli.help_under"))
    add.add_argument("--barcode", help=t("locations.cli.help_barcode"))
    add.add_argument("--capacity", metavar="N",
                     help=t("locations.cli.help_capacity"))
    add.add_argument("--notes", help=t("locations.cli.help_notes"))
    add.set_defaults(func=cmd_add)

    edit = verbs.add_parser("edit", parents=[common], help=t("locations.cli.help_edit"))
    edit.add_argument("ref", metavar="PATH|BARCODE", help=t("locations.cli.help_ref"))
    edit.add_argument("--name", help=t("locations.cli.help_new_name"))
    edit.add_argument("--barcode", help=t("locations.cli.help_barcode"))
    edit.add_argument("--capacity", metavar="N",
                      help=t("locations.cli.help_capacity"))
    edit.add_argument("--no-capacity", action="store_true",
                      help=t("locations.cli.help_no_capacity"))
    edit.add_argument("--notes", help=t("locations.cli.help_notes"))
    edit.set_defaults(func=cmd_edit)

    delete = verbs.add_parser("delete", parents=[common], help=t("locations.cli.help_delete"))
    delete.add_argument("ref", metavar="PATH|BARCODE", help=t("locations.cli.help_ref"))
    delete.set_defaults(func=cmd_delete)

    imp = verbs.add_parser("import", parents=[common], help=t("locations.cli.help_import"))
    imp.add_argument("file", metavar="FILE", help=t("locations.cli.help_file"))
    imp.add_argument("--dry-run", action="store_true", help=t("locations.cli.help_dry_run"))
    imp.set_defaults(func=cmd_import)
