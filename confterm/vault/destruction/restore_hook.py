"""Restore never brings a destroyed record back: re-apply newer destructions.

Registered with ``confterm.vault.restore_hooks``. The newer history (the current vault or
a newer backup) holds a tombstone for every record destroyed; each one whose record in the
restored vault is not destroyed yet is purged again with the same code as a completion,
given a copy of its tombstone (``reapplied`` = 1, its register and session kept by number)
and audited in the restored vault. A record that the restored vault still shows under a
legal hold or an unresolved matter (released in the newer history, not in the backup) is
purged and tombstoned all the same (the paper is gone), but its state cannot be set by the
database's own guard: the line says so, for the custodian to settle.
"""

from __future__ import annotations

import sqlcipher3

from confterm.i18n import t
from confterm.vault import audit
from confterm.vault.destruction import purge
from confterm.vault.restore_hooks import RESTORE_ACTOR, register_reapply_hook
from confterm.vault.store import Connection

_COLUMNS = ("record_id", "archive_no", "title", "volume_no", "books", "start_year", "end_year",
            "fiscal_year", "category", "required_period", "retained_years", "destroyed_on",
            "destroyed_at", "medium", "barcode", "client_name", "client_code",
            "deregistered_on", "legal_basis", "appraisal_no", "register_no", "session_no",
            "method", "place", "executor", "witnesses", "purged_fields", "content_salt",
            "content_digest")


def _has_tombstones(conn: Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'destruction_tombstones'"
                        ).fetchone() is not None


@register_reapply_hook
def reapply_destructions(newer: Connection, restored: Connection,
                         backup_head_seq: int) -> list[str]:
    """Purge again, in ``restored``, every record ``newer`` has a tombstone for."""
    del backup_head_seq  # every tombstone is checked: cheap, and safe for any backup age
    if not _has_tombstones(newer):
        return []
    cols = ", ".join(_COLUMNS)
    lines: list[str] = []
    for row in newer.execute(f"SELECT {cols} FROM destruction_tombstones ORDER BY audit_seq"):
        tomb = dict(zip(_COLUMNS, row, strict=True))
        rid = int(tomb["record_id"])
        found = restored.execute("SELECT state, archive_no FROM records WHERE id = ?",
                                 (rid,)).fetchone()
        if found is None or found[1] != tomb["archive_no"] or found[0] == "destroyed":
            continue
        purge.purge(restored, [rid])
        seq = audit.append(restored, RESTORE_ACTOR, "destruction.reapply", "record", rid,
                           {"archive_no": tomb["archive_no"], "register": tomb["register_no"],
                            "session": tomb["session_no"],
                            "content_digest": tomb["content_digest"]})
        restored.execute(
            f"INSERT OR IGNORE INTO destruction_tombstones({cols}, audit_seq, reapplied)"
            f" VALUES ({', '.join('?' * len(_COLUMNS))}, ?, 1)", (*row, seq))
        key = "destruction.restore_line"
        try:
            restored.execute("UPDATE records SET state = 'destroyed' WHERE id = ?", (rid,))
        except sqlcipher3.IntegrityError:
            key = "destruction.restore_line_held"
        purge.purge_finished_clients(restored, [rid])
        lines.append(t(key, archive_no=tomb["archive_no"], date=tomb["destroyed_on"],
                       register=tomb["register_no"]))
    return lines
