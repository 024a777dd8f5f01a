"""When a record may be destroyed, and why (or why not).

The clock (REFERENCE.md §1): a period of N years counts from the first day after the end of
the accounting year the record belongs to (Chinese accounting years are calendar years),
and ends on the first day after N full years. A fiscal-2023 voucher kept 30 years: the
count starts 2024-01-01, the 30th full year ends 2053-12-31, so it becomes eligible on
2054-01-01 and not a day before. A record spanning several years (a ledger for 2019-2021)
counts from the end of its last year. Fixed-asset cards count from the end of the year the
asset was scrapped; while it is not scrapped, the card is kept.

The longest applicable period wins: the category rule, a record-level extension, and
extensions set at appraisal (鉴定). Nothing here can shorten a period: an extension shorter
than the rule is ignored (and said so), and the client's deregistration (注销) has no effect
on the clock at all.

"Eligible" means only that the record may be put forward for appraisal and a supervised
destruction; it never means it is destroyed automatically.

Status precedence: destroyed > in_destruction > on_hold > eligible > active, where on_hold
means an active legal hold (whatever the clock says) or an unresolved matter (未了事项) on
a record whose period has ended; a record on loan is not eligible until it is returned.
Every assessment carries the reasons (catalogue keys and parameters) for its status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from confterm.errors import InputError
from confterm.i18n import t
from confterm.vault.retention_rules import (
    DEFAULT_RULES,
    SCRAPPED,
    RetentionRule,
    rules_by_category,
)

_DEFAULT_INDEX = rules_by_category(DEFAULT_RULES)
EXTENSION_SOURCES = ("record", "appraisal")


class Status(StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    ELIGIBLE = "eligible"
    IN_DESTRUCTION = "in_destruction"
    DESTROYED = "destroyed"


@dataclass(frozen=True, slots=True)
class Extension:
    """A longer period for one record. ``years=None`` means keep permanently.

    ``counted_from=None`` counts the years from the record's own start (like the rule);
    a date counts them from that day (e.g. "another 5 years from the appraisal date").
    """

    years: int | None
    reason: str
    source: str = "record"  # "record" (set when cataloguing) or "appraisal"
    counted_from: date | None = None
    reference: str = ""  # e.g. the appraisal opinion number

    def __post_init__(self) -> None:
        if self.source not in EXTENSION_SOURCES:
            raise InputError("catalogue.retention.bad_extension_source", source=self.source)
        if self.years is not None and (isinstance(self.years, bool) or self.years < 1):
            raise InputError("catalogue.retention.bad_extension_years", years=self.years)


@dataclass(frozen=True, slots=True)
class Hold:
    """A legal hold (冻结): litigation, investigation, audit. Released explicitly."""

    reason: str
    owner: str
    start: date
    released: date | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.released is None or day < self.released)


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What the retention decision depends on, independent of how the record is stored."""

    category: str
    fiscal_year: int | None = None
    end_year: int | None = None
    scrapped_year: int | None = None
    extensions: tuple[Extension, ...] = ()
    holds: tuple[Hold, ...] = ()
    unresolved: bool = False
    unresolved_reason: str = ""
    on_loan: bool = False
    in_destruction: bool = False
    destroyed: bool = False
    deregistered_on: date | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """One human reason: a catalogue key with its parameters."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True, slots=True)
class Assessment:
    status: Status
    retention_ends: date | None
    """First day the record may be destroyed; None when never (permanent) or not yet known."""
    permanent: bool
    governed_by: str  # "rule", "record" or "appraisal": whose period is the longest
    reasons: tuple[Reason, ...]

    @property
    def eligible(self) -> bool:
        return self.status is Status.ELIGIBLE


def add_years(day: date, years: int) -> date:
    """``day`` moved ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def clock_start(facts: RecordFacts, rule: RetentionRule) -> date | None:
    """First day of the retention count, or None while a fixed asset is not scrapped."""
    if rule.counted_from == SCRAPPED:
        return None if facts.scrapped_year is None else date(facts.scrapped_year + 1, 1, 1)
    year = facts.end_year if facts.end_year is not None else facts.fiscal_year
    if year is None:
        raise InputError("catalogue.retention.missing_year", category=facts.category)
    return date(year + 1, 1, 1)


def served_years(facts: RecordFacts, as_of: date,
                 rules: Mapping[str, RetentionRule] = _DEFAULT_INDEX) -> int:
    """Full years of retention served on ``as_of`` (已保管期限 on the destruction register)."""
    start = clock_start(facts, _rule_for(facts, rules))
    if start is None or as_of < start:
        return 0
    years = as_of.year - start.year
    return years if add_years(start, years) <= as_of else years - 1


def _rule_for(facts: RecordFacts, rules: Mapping[str, RetentionRule]) -> RetentionRule:
    rule = rules.get(facts.category)
    if rule is None:
        raise InputError("catalogue.retention.unknown_category", category=facts.category)
    return rule


@dataclass
class _Period:
    ends: date | None = None
    permanent: bool = False
    governed_by: str = "rule"


def _period(facts: RecordFacts, rule: RetentionRule, reasons: list[Reason]) -> _Period:
    start = clock_start(facts, rule)
    best = _Period()
    name = rule.name()
    if rule.years is None:
        best.permanent = True
        reasons.append(Reason("catalogue.reason.permanent", {"category": name,
                                                               "basis": rule.basis()}))
    elif start is None:
        reasons.append(Reason("catalogue.reason.not_scrapped", {"years": rule.years}))
    else:
        best.ends = add_years(start, rule.years)
    for ext in facts.extensions:
        _apply_extension(ext, start, best, reasons)
    return best


def _apply_extension(ext: Extension, start: date | None, best: _Period,
                     reasons: list[Reason]) -> None:
    params: dict[str, object] = {"reason": ext.reason, "reference": ext.reference or "-"}
    base = ext.counted_from or start
    if ext.years is None:
        if not best.permanent:
            best.permanent, best.ends, best.governed_by = True, None, ext.source
        reasons.append(Reason(f"catalogue.reason.{ext.source}_permanent", params))
        return
    if base is None:  # counted from a scrapping that has not happened: cannot end yet
        reasons.append(Reason("catalogue.reason.extension_after_scrapping",
                              {**params, "years": ext.years}))
        return
    ends = add_years(base, ext.years)
    params.update(years=ext.years, end=ends.isoformat())
    if best.permanent or (best.ends is not None and ends <= best.ends) or (
            best.ends is None and start is None):
        reasons.append(Reason("catalogue.reason.extension_not_longer", params))
        return
    best.ends, best.governed_by = ends, ext.source
    reasons.append(Reason(f"catalogue.reason.{ext.source}_extension", params))


def assess(facts: RecordFacts, as_of: date,
           rules: Mapping[str, RetentionRule] = _DEFAULT_INDEX) -> Assessment:
    """Status of a record on ``as_of`` with every reason that led to it.

    Raises InputError for an unknown category or a record without a year.
    """
    rule = _rule_for(facts, rules)
    reasons: list[Reason] = []
    period = _period(facts, rule, reasons)
    expired = period.ends is not None and as_of >= period.ends
    if period.ends is not None:
        key = "catalogue.reason.period_ended" if expired else "catalogue.reason.period_running"
        reasons.append(Reason(key, {"end": period.ends.isoformat(), "category": rule.name()}))
    holds = [h for h in facts.holds if h.active_on(as_of)]
    reasons.extend(Reason("catalogue.reason.hold", {"reason": h.reason, "owner": h.owner,
                                                    "start": h.start.isoformat()})
                   for h in holds)
    if facts.unresolved:
        reasons.append(Reason("catalogue.reason.unresolved",
                              {"reason": facts.unresolved_reason or "-"}))
    if facts.on_loan:
        reasons.append(Reason("catalogue.reason.on_loan"))
    if facts.deregistered_on is not None:
        reasons.append(Reason("catalogue.reason.deregistration_no_effect",
                              {"date": facts.deregistered_on.isoformat()}))
    status = _status(facts, expired, bool(holds))
    if status is Status.ELIGIBLE:
        reasons.append(Reason("catalogue.reason.needs_appraisal"))
    elif status is Status.DESTROYED:
        reasons.insert(0, Reason("catalogue.reason.destroyed"))
    elif status is Status.IN_DESTRUCTION:
        reasons.insert(0, Reason("catalogue.reason.in_destruction"))
    return Assessment(status, None if period.permanent else period.ends, period.permanent,
                      period.governed_by, tuple(reasons))


def _status(facts: RecordFacts, expired: bool, held: bool) -> Status:
    if facts.destroyed:
        return Status.DESTROYED
    if facts.in_destruction:
        return Status.IN_DESTRUCTION
    if held or (expired and facts.unresolved):
        return Status.ON_HOLD
    if expired and not facts.on_loan:
        return Status.ELIGIBLE
    return Status.ACTIVE


def assess_many(records: Iterable[RecordFacts], as_of: date,
                rules: Iterable[RetentionRule] = DEFAULT_RULES) -> list[Assessment]:
    """Assess many records against one rule set (indexed once)."""
    index = rules_by_category(rules)
    return [assess(r, as_of, index) for r in records]
