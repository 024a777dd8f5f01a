"""Classification levels and the review queue.

Levels (公开 public, 内部 internal, 敏感 confidential, 机密 secret) are rows an administrator
may rename or extend. Giving records a level is change control's work
(``confterm.vault.access.change_batch.classify``): the level is a controlled field, so a
custodian proposes and an approver accepts, and each record's history shows before and
after. Classifying counts as a review: ``reviewed_at`` is set. The review queue lists
active records not reviewed for the vault's review period (a setting, 365 days unless an
administrator changes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from confterm.errors import ConflictError, InputError
from confterm.vault.catalogue.common import (
    clean_text,
    require_admin,
    require_writer,
    setting,
    stamp,
)
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

REVIEW_SETTING = "catalogue.review_days"
DEFAULT_REVIEW_DAYS = 365
MAX_BATCH = 1_000_000


@dataclass(frozen=True)
class Level:
    code: str
    rank: int
    name_zh: str
    name_en: str
    builtin: bool
    version: int

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh_CN" else self.name_en


def levels(conn: Connection) -> list[Level]:
    return [Level(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in conn.execute(
        "SELECT code, rank, name_zh, name_en, builtin, version FROM classification_levels"
        " ORDER BY rank")]


def save_level(ctx: Ctx, code: str, rank: int, name_zh: str, name_en: str) -> None:
    """Add a level or rename/re-rank one (administrator); audited with before/after."""
    require_admin(ctx)
    code = clean_text(code, "code", required=True, limit=40)
    zh, en = clean_text(name_zh, "name_zh", required=True), clean_text(name_en, "name_en",
                                                                        required=True)
    with ctx.transaction() as conn:
        if conn.execute("SELECT 1 FROM classification_levels WHERE rank = ? AND code <> ?",
                        (rank, code)).fetchone():
            raise ConflictError("records.level_rank_taken", rank=rank)
        old = conn.execute("SELECT rank, name_zh, name_en FROM classification_levels"
                           " WHERE code = ?", (code,)).fetchone()
        if old is None:
            conn.execute("INSERT INTO classification_levels(code, rank, name_zh, name_en)"
                         " VALUES (?, ?, ?, ?)", (code, rank, zh, en))
            ctx.audit("level.add", "level", code, {"rank": rank, "name_zh": zh, "name_en": en})
            return
        conn.execute("UPDATE classification_levels SET rank = ?, name_zh = ?, name_en = ?,"
                     " version = version + 1 WHERE code = ?", (rank, zh, en, code))
        ctx.audit("level.update", "level", code, {
            "before": {"rank": old[0], "name_zh": old[1], "name_en": old[2]},
            "after": {"rank": rank, "name_zh": zh, "name_en": en}})


# ---- review queue -------------------------------------------------------------------------


def review_days(conn: Connection) -> int:
    try:
        days = int(setting(conn, REVIEW_SETTING, str(DEFAULT_REVIEW_DAYS)))
    except ValueError:
        return DEFAULT_REVIEW_DAYS
    return days if days > 0 else DEFAULT_REVIEW_DAYS


def set_review_days(ctx: Ctx, days: int) -> None:
    """Administrator; audited with the old and new period."""
    require_admin(ctx)
    if isinstance(days, bool) or not 1 <= days <= 3650:
        raise InputError("records.bad_review_days", days=days, maximum=3650)
    with ctx.transaction() as conn:
        old = review_days(conn)
        conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                     " DO UPDATE SET value = excluded.value", (REVIEW_SETTING, str(days)))
        ctx.audit("settings.change", "setting", REVIEW_SETTING, {"old": old, "new": days})


def review_queue(conn: Connection, today: date, after: tuple[str, int] | None = None,
                 n: int = 50, days: int | None = None) -> list[tuple[int, str, str, str, str]]:
    """(id, archive_no, title, level, reviewed_at) of active records due for review,
    oldest review first; keyset ``after`` the last (reviewed_at, id) seen."""
    days = days or review_days(conn)
    due = (today - timedelta(days=days)).isoformat()
    start = after or ("", 0)
    return [tuple(r) for r in conn.execute(
        "SELECT id, archive_no, title, level, reviewed_at FROM records"
        " WHERE state = 'active' AND reviewed_at < ? AND (reviewed_at, id) > (?, ?)"
        " ORDER BY reviewed_at, id LIMIT ?", (due, start[0], start[1], n))]


def mark_reviewed(ctx: Ctx, record_ids: Sequence[int], note: str = "") -> int:
    """Record that the records' classification was checked and stays as it is; audited."""
    require_writer(ctx)
    note = clean_text(note, "note")
    ids = sorted({int(r) for r in record_ids})
    if not ids:
        raise InputError("records.nothing_selected")
    with ctx.transaction() as conn:
        now = stamp(ctx)
        cur = conn.executemany("UPDATE records SET reviewed_at = ? WHERE id = ?"
                               " AND state = 'active'", [(now, r) for r in ids])
        for rid in ids:
            ctx.audit("record.review", "record", rid, {"note": note})
        return max(cur.rowcount, 0)
