"""Everything the detail pane shows about one record, with its status and the reasons.

The status is decided by :func:`confterm.vault.retention.assess` from the record's stored
facts, its active holds, its appraisal extensions, an open loan and its client's
deregistration date, so the pane, the eligibility list and the destruction register give
the same answer for the same reasons. Personal information of the client stays masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from confterm.vault import retention
from confterm.vault.catalogue import clients, holds, labels, records, retention_sync
from confterm.vault.catalogue.common import NO_END
from confterm.vault.catalogue.filters import has_loans_table
from confterm.vault.retention import Assessment, Hold
from confterm.vault.retention_rules import RetentionRule
from confterm.vault.store import Connection


@dataclass(frozen=True)
class RecordDetail:
    id: int
    values: dict[str, Any]  # every stored column (see records.COLUMNS)
    client: clients.Client
    level_name_zh: str
    level_name_en: str
    location_path: str
    labels: list[str]
    holds: list[holds.Hold]
    rule: RetentionRule
    assessment: Assessment
    extensions: tuple[retention.Extension, ...]
    on_loan: bool

    @property
    def status(self) -> str:
        return str(self.assessment.status)

    @property
    def retention_end(self) -> str | None:
        """The stored end date, None when there is none (permanent / not scrapped)."""
        end = self.values["retention_end"]
        return None if end == NO_END else str(end)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def record_detail(conn: Connection, record_id: int, today: date) -> RecordDetail:
    """The record, its client, place, labels, holds, rule and assessment on ``today``."""
    values = records.raw(conn, record_id)
    client = clients.get(conn, values["client_id"])
    level = conn.execute("SELECT name_zh, name_en FROM classification_levels WHERE code = ?",
                         (values["level"],)).fetchone() or ("", "")
    path = ""
    if values["location_id"] is not None:
        row = conn.execute("SELECT path FROM locations WHERE id = ?",
                           (values["location_id"],)).fetchone()
        path = row[0] if row else ""
    active_holds = holds.of_record(conn, record_id, active_only=True)
    on_loan = has_loans_table(conn) and conn.execute(
        "SELECT 1 FROM access_loans WHERE record_id = ? AND returned_at IS NULL",
        (record_id,)).fetchone() is not None
    rules = retention_sync.load_rules(conn)
    extra = retention_sync.appraisal_extensions(conn, [record_id]).get(record_id, ())
    facts = retention_sync.Calculator.facts(
        values["category"], values["fiscal_year"], values["end_year"],
        values["scrapped_year"], values["extension_years"], values["extension_reason"], extra,
        holds=tuple(Hold(h.reason, h.owner, min(_day(h.started_at) or today, today))
                    for h in active_holds),
        unresolved=bool(values["unresolved"]), unresolved_reason=values["unresolved_reason"],
        on_loan=bool(on_loan), in_destruction=values["state"] == "in_destruction",
        destroyed=values["state"] == "destroyed", deregistered_on=_day(client.deregistered_on))
    return RecordDetail(
        record_id, values, client, level[0], level[1], path,
        labels.of_records(conn, [record_id])[record_id], active_holds,
        rules[values["category"]], retention.assess(facts, today, rules),
        facts.extensions, bool(on_loan))


def assess(conn: Connection, record_id: int, today: date) -> Assessment:
    """Status and reasons of one record (for destruction and reports)."""
    return record_detail(conn, record_id, today).assessment
