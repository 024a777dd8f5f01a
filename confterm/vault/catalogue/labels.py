"""Free labels on records ("涉诉", "待鉴定", "原件缺失" ...): a name table and a link table.

Labels are how a custodian marks records for their own work; changing them is still a
change to the catalogue, so adding or removing them is audited per record with the labels
before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from confterm.errors import InputError
from confterm.vault.catalogue.common import chunks, clean_text, placeholders, require_writer
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

MAX_LABEL = 40


def clean_names(names: Iterable[str]) -> list[str]:
    out: dict[str, None] = {}
    for name in names:
        text = clean_text(name, "label", limit=MAX_LABEL)
        if text:
            out[text] = None
    return list(out)


def ensure(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    """Label ids by name, creating the labels that do not exist yet (case-insensitive)."""
    ids: dict[str, int] = {}
    for name in clean_names(names):
        conn.execute("INSERT OR IGNORE INTO labels(name) VALUES (?)", (name,))
        ids[name] = int(conn.execute("SELECT id FROM labels WHERE name = ?",
                                     (name,)).fetchone()[0])
    return ids


def attach(conn: Connection, record_ids: Sequence[int], names: Iterable[str]) -> None:
    label_ids = list(ensure(conn, names).values())
    conn.executemany("INSERT OR IGNORE INTO record_labels(record_id, label_id) VALUES (?, ?)",
                     [(r, label) for r in record_ids for label in label_ids])


def of_records(conn: Connection, record_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {int(r): [] for r in record_ids}
    for part in chunks(list(record_ids)):
        rows = conn.execute(
            "SELECT rl.record_id, l.name FROM record_labels rl JOIN labels l"
            f" ON l.id = rl.label_id WHERE rl.record_id IN ({placeholders(len(part))})"
            " ORDER BY l.name", tuple(part))
        for rid, name in rows:
            out[int(rid)].append(str(name))
    return out


def all_labels(conn: Connection) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in conn.execute(
        "SELECT id, name FROM labels ORDER BY name")]


def change(ctx: Ctx, record_ids: Sequence[int], add: Iterable[str] = (),
           remove: Iterable[str] = ()) -> int:
    """Add and/or remove labels on records; one audit event per record that changed."""
    require_writer(ctx)
    adding, removing = clean_names(add), clean_names(remove)
    if not adding and not removing:
        raise InputError("records.no_labels_given")
    changed = 0
    with ctx.transaction() as conn:
        before = of_records(conn, record_ids)
        missing = [r for r in record_ids if not conn.execute(
            "SELECT 1 FROM records WHERE id = ?", (r,)).fetchone()]
        if missing:
            raise InputError("records.unknown_record", record=missing[0])
        attach(conn, record_ids, adding)
        if removing:
            ids = [r[0] for r in conn.execute(
                f"SELECT id FROM labels WHERE name IN ({placeholders(len(removing))})",
                removing)]
            conn.executemany("DELETE FROM record_labels WHERE record_id = ? AND label_id = ?",
                             [(r, label) for r in record_ids for label in ids])
        after = of_records(conn, record_ids)
        for rid in record_ids:
            if before[rid] != after[rid]:
                changed += 1
                ctx.audit("record.labels", "record", rid,
                          {"before": before[rid], "after": after[rid]})
    return changed
