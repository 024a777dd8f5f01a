"""Retention rules as an administrator edits them (the preloaded table of REFERENCE.md §1).

Editing a rule changes when thousands of records may be destroyed, so it is an
administrator's act, audited with the rule before and after, and it recomputes the stored
retention end of every record of that category in the same transaction (keyset batches;
roughly 10 s per million records of the category).
"""

from __future__ import annotations

from dataclasses import replace

from confterm.errors import ConflictError, InputError
from confterm.i18n import language
from confterm.vault.catalogue import retention_sync
from confterm.vault.catalogue.common import check_version, require_admin, stamp
from confterm.vault.retention_rules import DEFAULT_RULES, RetentionRule
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

STATUTORY = {r.category: r for r in DEFAULT_RULES if not r.firm_rule}


def list_rules(conn: Connection) -> list[tuple[RetentionRule, int]]:
    """(rule, version) in display order."""
    rules = retention_sync.load_rules(conn)
    versions = dict(conn.execute("SELECT category, version FROM retention_rules").fetchall())
    return [(rule, int(versions[code])) for code, rule in rules.items()]


def _row(rule: RetentionRule) -> dict[str, object]:
    row = rule.to_row()
    row["firm_rule"] = int(bool(row["firm_rule"]))
    return row


def edit(ctx: Ctx, category: str, expected_version: int | None, *,
         years: int | str | None = "keep", counted_from: str | None = None,
         firm_rule: bool | None = None, aliases: tuple[str, ...] | None = None,
         name_zh: str | None = None, name_en: str | None = None,
         basis_zh: str | None = None, basis_en: str | None = None) -> int:
    """Change a rule (``years=None`` makes it permanent); returns records recomputed."""
    require_admin(ctx)
    with ctx.transaction() as conn:
        rules = retention_sync.load_rules(conn)
        if category not in rules:
            raise InputError("records.unknown_category", category=category)
        version = conn.execute("SELECT version FROM retention_rules WHERE category = ?",
                               (category,)).fetchone()[0]
        check_version(version, expected_version, "rule", category)
        before = rules[category]
        changes: dict[str, object] = {k: v for k, v in {
            "counted_from": counted_from, "firm_rule": firm_rule, "aliases": aliases,
            "name_zh": name_zh, "name_en": name_en, "basis_zh": basis_zh,
            "basis_en": basis_en}.items() if v is not None}
        if years != "keep":
            changes["years"] = years
        after = replace(before, **changes)  # type: ignore[arg-type]  # validates in __post_init__
        _check_legal_minimum(after)
        new_row, old_row = _row(after), _row(before)
        delta = {k: {"before": old_row[k], "after": v} for k, v in new_row.items()
                 if old_row[k] != v}
        if not delta:
            return 0
        sets = ", ".join(f"{k} = ?" for k in new_row if k != "category")
        conn.execute(f"UPDATE retention_rules SET {sets}, updated_at = ?, updated_by = ?,"
                     " version = version + 1 WHERE category = ?",
                     (*(v for k, v in new_row.items() if k != "category"), stamp(ctx),
                      ctx.actor.name, category))
        recomputed = retention_sync.refresh_category(conn, category)
        ctx.audit("rule.update", "retention_rule", category,
                  {"changes": delta, "records_recomputed": recomputed})
        return recomputed


def _check_legal_minimum(rule: RetentionRule) -> None:
    """The law fixes a minimum for the statutory categories (REFERENCE.md §1): a firm may
    keep records longer, never shorter. Shortening one would make records eligible for
    destruction early, so it is refused whatever the row's own flags say."""
    legal = STATUTORY.get(rule.category)
    if legal is None:
        return
    shorter = (rule.years is not None and (legal.years is None or rule.years < legal.years))
    if shorter or rule.counted_from != legal.counted_from:
        raise ConflictError("records.rule_below_legal_minimum", category=rule.category,
                            minimum=legal.period_text(language()))


def add(ctx: Ctx, rule: RetentionRule) -> None:
    """A new category (with its own names and basis texts); audited."""
    require_admin(ctx)
    if not (rule.name_zh and rule.name_en and rule.basis_zh and rule.basis_en):
        raise InputError("records.rule_needs_texts", category=rule.category)
    with ctx.transaction() as conn:
        if conn.execute("SELECT 1 FROM retention_rules WHERE category = ?",
                        (rule.category,)).fetchone():
            raise ConflictError("records.duplicate_category", category=rule.category)
        row = _row(rule)
        sort = conn.execute("SELECT coalesce(max(sort), 0) + 10 FROM retention_rules"
                            ).fetchone()[0]
        cols = list(row)
        conn.execute(f"INSERT INTO retention_rules({', '.join(cols)}, sort, updated_at,"
                     f" updated_by) VALUES ({', '.join('?' * len(cols))}, ?, ?, ?)",
                     (*row.values(), sort, stamp(ctx), ctx.actor.name))
        ctx.audit("rule.add", "retention_rule", rule.category, row)
