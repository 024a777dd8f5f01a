"""Keeps ``records.retention_end`` equal to what :mod:`confterm.vault.retention` decides.

The law's arithmetic lives in ``retention.py`` alone; this module only feeds it rows and
stores its answer, so "which records are eligible" is one indexed range query instead of a
million Python evaluations. Evaluations are memoised on the facts that matter (category,
years, extensions): an import of a million records has only a few hundred distinct cases.

Call :func:`refresh` (inside the same transaction) after changing anything a record's
period depends on: its category, years, scrapped year, extension, or an appraisal row in
``record_extensions``. A rule edit calls :func:`refresh_category`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from confterm.vault import retention
from confterm.vault.catalogue.common import NO_END, chunks, placeholders
from confterm.vault.retention import Extension, RecordFacts
from confterm.vault.retention_rules import RetentionRule
from confterm.vault.store import Connection

RULE_COLUMNS = ("category", "years", "counted_from", "firm_rule", "aliases", "name_zh",
                "name_en", "basis_zh", "basis_en")
_ANY_DAY = date(2000, 1, 1)  # the end date does not depend on the day of assessment

ExtensionKey = tuple[tuple[Any, ...], ...]


def load_rules(conn: Connection) -> dict[str, RetentionRule]:
    """The vault's rules (as edited by its administrators), by category code."""
    cols = ", ".join(RULE_COLUMNS)
    out = {}
    for row in conn.execute(f"SELECT {cols} FROM retention_rules ORDER BY sort, category"):
        out[row[0]] = RetentionRule.from_row(dict(zip(RULE_COLUMNS, row, strict=True)))
    return out


def extension_of(row: Mapping[str, Any]) -> Extension:
    """An appraisal (or later) extension from a ``record_extensions`` row."""
    start = row.get("counted_from")
    return Extension(row.get("years"), str(row.get("reason") or ""),
                     str(row.get("source") or "appraisal"),
                     date.fromisoformat(str(start)) if start else None,
                     str(row.get("reference") or ""))


class Calculator:
    """Retention end dates for one rule set, memoised per distinct set of facts."""

    def __init__(self, rules: Mapping[str, RetentionRule]) -> None:
        self.rules = rules
        self._cache: dict[tuple[Any, ...], str] = {}

    def end(self, category: str, fiscal_year: int | None, end_year: int | None,
            scrapped_year: int | None, extension_years: int | None = None,
            extension_reason: str = "", extra: tuple[Extension, ...] = ()) -> str:
        """'YYYY-MM-DD' of the first day the record may be destroyed, or NO_END."""
        key = (category, fiscal_year, end_year, scrapped_year, extension_years, extra)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        assessment = retention.assess(self.facts(category, fiscal_year, end_year,
                                                 scrapped_year, extension_years,
                                                 extension_reason, extra),
                                      _ANY_DAY, self.rules)
        value = NO_END if assessment.retention_ends is None else \
            assessment.retention_ends.isoformat()
        self._cache[key] = value
        return value

    @staticmethod
    def facts(category: str, fiscal_year: int | None, end_year: int | None,
              scrapped_year: int | None, extension_years: int | None,
              extension_reason: str, extra: tuple[Extension, ...] = (),
              **more: Any) -> RecordFacts:
        exts: tuple[Extension, ...] = extra
        if extension_years:
            exts = (Extension(extension_years, extension_reason or "-", "record"), *extra)
        return RecordFacts(category=category, fiscal_year=fiscal_year, end_year=end_year,
                           scrapped_year=scrapped_year, extensions=exts, **more)


def appraisal_extensions(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[Extension, ...]]:
    """``record_extensions`` rows of the given records, grouped by record."""
    out: dict[int, list[Extension]] = {}
    id_list = list(ids)
    for part in chunks(id_list):
        rows = conn.execute(
            "SELECT record_id, years, reason, source, counted_from, reference"
            f" FROM record_extensions WHERE record_id IN ({placeholders(len(part))})"
            " ORDER BY id", tuple(part))
        for rid, years, reason, source, start, ref in rows:
            out.setdefault(int(rid), []).append(extension_of(
                {"years": years, "reason": reason, "source": source, "counted_from": start,
                 "reference": ref}))
    return {k: tuple(v) for k, v in out.items()}


_FACT_COLUMNS = ("id, category, fiscal_year, end_year, scrapped_year, extension_years,"
                 " extension_reason, retention_end")


def _update(conn: Connection, calc: Calculator, rows: list[tuple[Any, ...]],
            extra: Mapping[int, tuple[Extension, ...]]) -> int:
    changes = []
    for rid, cat, fy, ey, sy, xy, xr, current in rows:
        new = calc.end(cat, fy, ey, sy, xy, xr, extra.get(int(rid), ()))
        if new != current:
            changes.append((new, rid))
    conn.executemany("UPDATE records SET retention_end = ? WHERE id = ?", changes)
    return len(changes)


def refresh(conn: Connection, ids: Iterable[int], calc: Calculator | None = None) -> int:
    """Recompute retention_end of the given records; returns how many changed."""
    calc = calc or Calculator(load_rules(conn))
    id_list = sorted({int(i) for i in ids})
    extra = appraisal_extensions(conn, id_list)
    changed = 0
    for part in chunks(id_list):
        rows = conn.execute(f"SELECT {_FACT_COLUMNS} FROM records"
                            f" WHERE id IN ({placeholders(len(part))})", tuple(part)).fetchall()
        changed += _update(conn, calc, rows, extra)
    return changed


def refresh_category(conn: Connection, category: str, batch: int = 20000) -> int:
    """Recompute every record of ``category`` (after its rule changed); keyset batches."""
    calc = Calculator(load_rules(conn))
    changed, last = 0, ""
    while True:
        rows = conn.execute(f"SELECT {_FACT_COLUMNS}, archive_no FROM records"
                            " WHERE category = ? AND archive_no > ? ORDER BY archive_no"
                            " LIMIT ?", (category, last, batch)).fetchall()
        if not rows:
            return changed
        last = rows[-1][-1]
        ids = [r[0] for r in rows]
        changed += _update(conn, calc, [r[:-1] for r in rows], appraisal_extensions(conn, ids))
