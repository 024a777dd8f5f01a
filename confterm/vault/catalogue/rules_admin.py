"""What the administrator's rules-and-levels screen and CLI need beyond rules.py/classify.py.

``rules.edit``/``rules.add`` and ``classify.save_level``/``set_review_days`` do the audited
work; this module only adds the pieces both front ends share, so the TUI and the CLI parse
and refuse the same things in the same words:

- turning typed text into a period, rank or review period (one sentence when it is bad);
- how many records a rule edit will look at (shown before the administrator confirms);
- adding a level without silently renaming an existing one (``save_level`` does both);
- removing a level no record uses (``classify`` has no way to do it).
"""

from __future__ import annotations

import re

from confterm.errors import ConflictError, InputError
from confterm.vault.catalogue import classify
from confterm.vault.catalogue.common import require_admin
from confterm.vault.retention_rules import MAX_YEARS
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

PERMANENT_WORDS = frozenset({"permanent", "永久", "forever"})
MAX_RANK = 10_000
MAX_REVIEW_DAYS = 3650
_LEVEL_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def parse_years(text: str, category: str) -> int | None:
    """"40" -> 40, "permanent"/"永久" -> None; anything else is refused with the rule's
    own sentence (the same one ``RetentionRule`` gives for a bad period)."""
    value = text.strip()
    if value.casefold() in PERMANENT_WORDS:
        return None
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_YEARS:
        return int(value)
    raise InputError("catalogue.rule.bad_years", category=category, years=value[:20],
                     maximum=MAX_YEARS)


def parse_rank(text: str) -> int:
    value = text.strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_RANK:
        return int(value)
    raise InputError("rules.bad_rank", rank=value[:20], maximum=MAX_RANK)


def parse_review_days(text: str) -> int:
    value = text.strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_REVIEW_DAYS:
        return int(value)
    raise InputError("records.bad_review_days", days=value[:20], maximum=MAX_REVIEW_DAYS)


def parse_aliases(text: str) -> tuple[str, ...]:
    """Aliases as typed: separated by commas (ASCII or Chinese), 、 or |; order kept."""
    parts = re.split(r"[,，、|]", text)
    seen: dict[str, None] = {}
    for part in parts:
        alias = " ".join(part.split())
        if alias:
            seen.setdefault(alias, None)
    return tuple(seen)


def records_of_category(conn: Connection, category: str) -> int:
    """Records a rule edit recomputes (an index range count: fast even at a million)."""
    row = conn.execute("SELECT count(*) FROM records WHERE category = ?", (category,)
                       ).fetchone()
    return int(row[0])


def level_usage(conn: Connection) -> dict[str, int]:
    """Records per level code (levels with none are absent)."""
    return {str(code): int(n) for code, n in conn.execute(
        "SELECT level, count(*) FROM records GROUP BY level")}


def add_level(ctx: Ctx, code: str, rank: int, name_zh: str, name_en: str) -> None:
    """A new level; refuses a code already in use (``save_level`` would rename it)."""
    require_admin(ctx)
    code = code.strip()
    if not _LEVEL_CODE.match(code):
        raise InputError("rules.bad_level_code", code=code[:40])
    if ctx.conn.execute("SELECT 1 FROM classification_levels WHERE code = ?",
                        (code,)).fetchone():
        raise ConflictError("rules.level_exists", code=code)
    classify.save_level(ctx, code, rank, name_zh, name_en)


def remove_level(ctx: Ctx, code: str) -> None:
    """Remove a level no record carries (built-in levels stay); audited ``level.remove``."""
    require_admin(ctx)
    with ctx.transaction() as conn:
        row = conn.execute("SELECT rank, name_zh, name_en, builtin FROM classification_levels"
                           " WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise InputError("records.unknown_level", level=code)
        if row[3]:
            raise ConflictError("rules.level_builtin", code=code)
        used = conn.execute("SELECT count(*) FROM records WHERE level = ?", (code,)
                            ).fetchone()[0]
        if used:
            raise ConflictError("rules.level_in_use", code=code, count=used)
        proposed = conn.execute(  # a pending proposal naming it could never be applied
            "SELECT count(*) FROM record_changes WHERE status = 'pending'"
            " AND json_extract(fields, '$.level.after') = ?", (code,)).fetchone()[0]
        if proposed:
            raise ConflictError("rules.level_proposed", code=code, count=proposed)
        conn.execute("DELETE FROM classification_levels WHERE code = ?", (code,))
        ctx.audit("level.remove", "level", code,
                  {"rank": row[0], "name_zh": row[1], "name_en": row[2]})
