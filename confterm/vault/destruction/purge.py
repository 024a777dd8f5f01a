"""Purging a destroyed record's content, keeping only what the register must keep.

What goes: the record's notes and every personal-information column the catalogue declares
for records (``personal_info_fields``), its labels, its search-index entry, its attachments
(any table listed in ``ATTACHMENT_TABLES`` that exists), and the purged fields' values in
change-control history. When a client has no record left that is not destroyed, the
client's personal-information columns go too (PIPL art. 47: nothing left to serve).
What stays: the catalogue row itself (state 'destroyed') with its statutory fields, which
are also copied into the tombstone.

secure_delete is on, so SQLite overwrites the freed bytes; the WAL still holds the old
pages until the checkpoint that ``completion`` runs after the transaction commits.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from confterm.vault.destruction.common import canonical, chunks, marks, sha256_hex, table_exists
from confterm.vault.store import Connection

ATTACHMENT_TABLES = ("record_attachments",)
ALWAYS_PURGED = ("notes", "unresolved_reason")
REDACTED = "〔已销毁 destroyed〕"
MIN_NEEDLE = 6  # bytes: shorter values occur everywhere by chance and prove nothing


@dataclass
class Purged:
    """The content of one record as it was before the purge (kept only in memory)."""

    record_id: int
    fields: dict[str, object] = field(default_factory=dict)

    def digest(self, salt: bytes) -> str:
        def plain(v: object) -> object:
            if isinstance(v, bytes):
                return "hex:" + v.hex()
            return [plain(x) for x in v] if isinstance(v, list) else v

        data = {k: plain(v) for k, v in self.fields.items()}
        return sha256_hex(salt + canonical(data).encode("utf-8"))

    def needles(self) -> list[bytes]:
        """Byte strings that must not be found anywhere in the vault after the purge."""
        out: list[bytes] = []
        for name, value in self.fields.items():
            if name == "labels":  # shared vocabulary (the label stays for other records)
                continue
            values = value if isinstance(value, list) else [value]
            for v in values:
                raw = v if isinstance(v, bytes) else str(v or "").encode("utf-8")
                out.extend(fragments(raw))
        return out


def fragments(raw: bytes, size: int = 32, stride: int = 256) -> list[bytes]:
    """The value itself when short; else windows spread over it, so that a copy split
    across overflow pages is still found by its pieces."""
    if len(raw) < MIN_NEEDLE:
        return []
    if len(raw) <= 2 * size:
        return [raw]
    return [raw[i:i + size] for i in range(0, len(raw) - size + 1, stride)] + [raw[-size:]]


def record_columns(conn: Connection) -> list[str]:
    """Columns of ``records`` whose content is purged."""
    declared = [str(r[0]) for r in conn.execute(
        "SELECT column_name FROM personal_info_fields WHERE table_name = 'records'")]
    existing = {str(r[1]) for r in conn.execute("PRAGMA table_info(records)")}
    return [c for c in dict.fromkeys([*ALWAYS_PURGED, *declared]) if c in existing]


def collect(conn: Connection, ids: Sequence[int]) -> dict[int, Purged]:
    """Read what is about to be purged (for the digest and the verification needles)."""
    cols = record_columns(conn)
    out = {int(i): Purged(int(i)) for i in ids}
    for part in chunks(list(ids)):
        q = marks(len(part))
        for row in conn.execute(f"SELECT id, {', '.join(cols)} FROM records WHERE id IN ({q})",
                                tuple(part)):
            out[int(row[0])].fields.update({c: row[n + 1] for n, c in enumerate(cols)
                                            if row[n + 1] not in (None, "")})
        for rid, name in conn.execute(
                "SELECT rl.record_id, l.name FROM record_labels rl JOIN labels l"
                f" ON l.id = rl.label_id WHERE rl.record_id IN ({q}) ORDER BY l.name",
                tuple(part)):
            labels = out[int(rid)].fields.setdefault("labels", [])
            assert isinstance(labels, list)
            labels.append(str(name))
        for table in ATTACHMENT_TABLES:
            if table_exists(conn, table):
                cur = conn.execute(f"SELECT * FROM {table} WHERE record_id IN ({q})",
                                   tuple(part))
                names = [d[0] for d in cur.description]
                for row in cur:
                    values = dict(zip(names, row, strict=True))
                    blobs = out[int(values["record_id"])].fields.setdefault(
                        f"attachments:{table}", [])
                    assert isinstance(blobs, list)
                    blobs.extend(v for k, v in values.items()
                                 if k not in ("id", "record_id") and isinstance(v, bytes | str)
                                 and v)
    return out


def purge(conn: Connection, ids: Sequence[int]) -> None:
    """Remove the content of ``ids``; call inside the completion transaction."""
    cols = record_columns(conn)
    sets = ", ".join(f"{c} = ''" for c in cols)
    has_changes = table_exists(conn, "record_changes")
    for part in chunks(list(ids)):
        q = marks(len(part))
        conn.execute(f"UPDATE records SET {sets} WHERE id IN ({q})", tuple(part))
        conn.execute(f"DELETE FROM record_labels WHERE record_id IN ({q})", tuple(part))
        conn.execute(f"DELETE FROM record_search WHERE rowid IN ({q})", tuple(part))
        for table in ATTACHMENT_TABLES:
            if table_exists(conn, table):
                conn.execute(f"DELETE FROM {table} WHERE record_id IN ({q})", tuple(part))
        if has_changes:
            _redact_changes(conn, part, set(cols))


def _redact_changes(conn: Connection, ids: Sequence[int], cols: set[str]) -> None:
    rows = conn.execute(f"SELECT id, fields FROM record_changes WHERE record_id IN"
                        f" ({marks(len(ids))})", tuple(ids)).fetchall()
    for cid, text in rows:
        try:
            fields = json.loads(text)
        except ValueError:
            continue
        if not isinstance(fields, dict) or not set(fields) & cols:
            continue
        for name in set(fields) & cols:
            fields[name] = {"before": REDACTED, "after": REDACTED}
        conn.execute("UPDATE record_changes SET fields = ? WHERE id = ?",
                     (canonical(fields), cid))


def client_columns(conn: Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute(
        "SELECT column_name FROM personal_info_fields WHERE table_name = 'clients'")]


def purge_finished_clients(conn: Connection, ids: Sequence[int]) -> dict[int, Purged]:
    """Clients of ``ids`` whose every record is now destroyed lose their personal
    information; returns what was purged per client id (for needles and the audit)."""
    cols = client_columns(conn)
    if not cols:
        return {}
    clients: set[int] = set()
    for part in chunks(list(ids)):
        clients.update(int(r[0]) for r in conn.execute(
            f"SELECT DISTINCT client_id FROM records WHERE id IN ({marks(len(part))})",
            tuple(part)))
    out: dict[int, Purged] = {}
    for cid in sorted(clients):
        if conn.execute("SELECT 1 FROM records WHERE client_id = ? AND state <> 'destroyed'"
                        " LIMIT 1", (cid,)).fetchone():
            continue
        row = conn.execute(f"SELECT {', '.join(cols)} FROM clients WHERE id = ?",
                           (cid,)).fetchone()
        values = {c: row[n] for n, c in enumerate(cols) if row[n]}
        if values:
            out[cid] = Purged(cid, values)
            sets = ", ".join(f"{c} = ''" for c in cols)
            conn.execute(f"UPDATE clients SET {sets} WHERE id = ?", (cid,))
    return out


def new_salt() -> bytes:
    return os.urandom(16)
