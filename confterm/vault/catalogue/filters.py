"""What the archive browser, saved queries, holds and bulk classification select.

One ``Filters`` value is turned into one SQL condition over ``records r`` here, so the
browser, a saved query, a legal hold by query and "classify everything matching" select
exactly the same records. Statuses follow :mod:`confterm.vault.retention`'s precedence
(destroyed > in_destruction > on_hold > eligible > active) using the maintained columns,
so a status filter is an indexed condition rather than a Python evaluation per row.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from confterm.errors import InputError
from confterm.vault.audit_text import text_digest
from confterm.vault.store import Connection

if TYPE_CHECKING:
    from confterm.vault.session import Ctx

STATUSES = ("active", "on_hold", "eligible", "in_destruction", "destroyed", "unresolved")


@dataclass(frozen=True)
class Filters:
    """Every field is optional; None means "any". ``text`` is the search box."""

    client_id: int | None = None
    category: str | None = None
    level: str | None = None
    status: str | None = None
    location_id: int | None = None  # a room, cabinet, shelf or box: everything under it
    year_from: int | None = None  # fiscal year range, inclusive
    year_to: int | None = None
    label_id: int | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise InputError("records.unknown_status", status=self.status,
                             statuses=", ".join(STATUSES))
        if (self.year_from is not None and self.year_to is not None
                and self.year_to < self.year_from):
            raise InputError("records.year_range_reversed", start=self.year_from,
                             end=self.year_to)

    @property
    def empty(self) -> bool:
        return all(getattr(self, f.name) in (None, "") for f in fields(self))

    def without_text(self) -> Filters:
        return replace(self, text=None)

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v not in (None, "")}
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def for_audit(self, ctx: Ctx) -> dict[str, object]:
        """The filters as an audit event keeps them: the search text only as a keyed
        digest (see ``confterm.vault.audit_text``), everything else as it is."""
        data: dict[str, object] = json.loads(self.to_json())
        if self.text:
            data["text"] = text_digest(ctx, self.text)
        return data

    @classmethod
    def from_json(cls, text: str) -> Filters:
        try:
            data = json.loads(text)
            known = {f.name for f in fields(cls)}
            return cls(**{k: v for k, v in data.items() if k in known})
        except (ValueError, TypeError, AttributeError) as exc:
            raise InputError("records.bad_saved_query") from exc


def has_loans_table(conn: Connection) -> bool:
    """Access's loans table arrives in a later migration; be correct with or without it."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                       " AND name = 'access_loans'").fetchone()
    return row is not None


_ON_LOAN = ("EXISTS(SELECT 1 FROM access_loans l WHERE l.record_id = r.id"
            " AND l.returned_at IS NULL)")


def status_sql(status: str, today: date, loans: bool) -> tuple[str, list[Any]]:
    """The SQL condition (over ``r``) for one status on ``today``."""
    day = today.isoformat()
    on_loan = _ON_LOAN if loans else "0"
    if status in ("in_destruction", "destroyed"):
        return "r.state = ?", [status]
    if status == "unresolved":
        return "r.unresolved = 1", []
    if status == "on_hold":
        return ("r.state = 'active' AND (r.hold_count > 0 OR"
                " (r.unresolved = 1 AND r.retention_end <= ?))", [day])
    if status == "eligible":
        return ("r.state = 'active' AND r.unresolved = 0 AND r.hold_count = 0"
                f" AND r.retention_end <= ? AND NOT {on_loan}", [day])
    # active: not held and either still running, or ended but out on loan (not unresolved)
    return ("r.state = 'active' AND r.hold_count = 0 AND (r.retention_end > ?"
            f" OR (r.unresolved = 0 AND {on_loan}))", [day])


def location_subtree_sql(location_id: int) -> tuple[str, list[Any]]:
    return ("r.location_id IN (WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL"
            " SELECT l.id FROM locations l JOIN sub ON l.parent_id = sub.id)"
            " SELECT id FROM sub)", [location_id])


def where(conn: Connection, f: Filters, today: date) -> tuple[list[str], list[Any]]:
    """Conditions (AND-ed) and parameters for everything but ``text``."""
    conds: list[str] = []
    params: list[Any] = []
    if f.client_id is not None:
        conds.append("r.client_id = ?")
        params.append(f.client_id)
    if f.category:
        conds.append("r.category = ?")
        params.append(f.category)
    if f.level:
        conds.append("r.level = ?")
        params.append(f.level)
    if f.year_from is not None and f.year_from == f.year_to:
        conds.append("r.fiscal_year = ?")  # an equality lets (fiscal_year, archive_no) sort
        params.append(f.year_from)
    else:
        if f.year_from is not None:
            conds.append("r.fiscal_year >= ?")
            params.append(f.year_from)
        if f.year_to is not None:
            conds.append("r.fiscal_year <= ?")
            params.append(f.year_to)
    if f.location_id is not None:
        sql, more = location_subtree_sql(f.location_id)
        conds.append(sql)
        params.extend(more)
    if f.label_id is not None:
        conds.append("r.id IN (SELECT record_id FROM record_labels WHERE label_id = ?)")
        params.append(f.label_id)
    if f.status:
        sql, more = status_sql(f.status, today, has_loans_table(conn))
        conds.append(sql)
        params.extend(more)
    return conds, params


def row_status(state: str, hold_count: int, unresolved: bool, retention_end: str,
               today: date, on_loan: bool = False) -> str:
    """The same precedence as ``status_sql`` for one row already fetched."""
    if state != "active":
        return state
    expired = retention_end <= today.isoformat()
    if hold_count > 0 or (expired and unresolved):
        return "on_hold"
    if expired and not on_loan:
        return "eligible"
    return "active"
