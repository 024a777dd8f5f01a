"""What every report builder shares: the vault's name, the base report, report ids,
periods of local calendar days, and the generating person's signature.

A report is produced by the unlocked person: their Ed25519 key signs its manifest (via
``ctx.sign``, so the seed never leaves the session) and the audit checkpoint taken while
building it is printed on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from confterm.errors import InputError
from confterm.i18n import t
from confterm.reports.manifest import SIGNING_CONTEXT, digest_of, manifest_of
from confterm.reports.model import Person, Report
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

MAX_ROWS = 50_000
"""Above this a report takes minutes to lay out and hundreds of pages: ask for less."""


def vault_name(conn: Connection) -> str:
    row = conn.execute("SELECT value FROM settings WHERE key = 'vault_name'").fetchone()
    return str(row[0]) if row else ""


def stamp(ctx: Ctx) -> str:
    """The generation time as printed: the custodian's local time with its offset."""
    return ctx.now().astimezone().isoformat(timespec="seconds")


def utc_stamp(ctx: Ctx) -> str:
    """Now, stored as the audit trail stores moments (UTC text)."""
    return ctx.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_time(utc_text: str | None) -> str:
    """A stored UTC moment as the custodian's local 'YYYY-MM-DD HH:MM'."""
    if not utc_text:
        return "—"
    try:
        moment = datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
    except ValueError:
        return utc_text[:16]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def new_report_id(ctx: Ctx, prefix: str) -> str:
    """``PREFIX-YYYYMMDD-NNNN``: unique per day among issued reports of that prefix."""
    day = ctx.now().astimezone().strftime("%Y%m%d")
    stem = f"{prefix}-{day}-"
    row = ctx.conn.execute("SELECT count(*) FROM issued_reports WHERE report_id LIKE ?",
                           (stem + "%",)).fetchone()
    return f"{stem}{int(row[0]) + 1:04d}"


def base_report(ctx: Ctx, report_id: str, kind: str, lang: str, title: str) -> Report:
    """A report generated now by the unlocked person, with the audit checkpoint."""
    me = ctx.actor
    return Report(report_id=report_id, kind=kind, lang=lang, title=title,
                  vault_name=vault_name(ctx.conn),
                  generated_by=Person(me.name, t("reporting.r.generator", lang), me.public_key),
                  generated_at=stamp(ctx), checkpoint=ctx.checkpoint(f"report {report_id}"))


def generator_signature(ctx: Ctx, report: Report) -> dict[bytes, bytes]:
    """The unlocked person's signature over the manifest (public key -> signature)."""
    digest = digest_of(manifest_of(report))
    return {ctx.actor.public_key: ctx.sign(SIGNING_CONTEXT + digest)}


@dataclass(frozen=True)
class Period:
    """Local calendar days, both inclusive; either end may be open."""

    start: date | None
    end: date | None

    def utc_bounds(self) -> tuple[str, str]:
        """[from, to) as stored UTC text, for ``ts >= ? AND ts < ?``."""
        low = _utc_start(self.start) if self.start else "0000"
        high = _utc_start(self.end + timedelta(days=1)) if self.end else "9999"
        return low, high

    def label(self, lang: str) -> str:
        if self.start is None and self.end is None:
            return t("reporting.r.period_all", lang)
        return t("reporting.r.period_value", lang,
                 start=self.start.isoformat() if self.start else "…",
                 end=self.end.isoformat() if self.end else "…")


def _utc_start(day: date) -> str:
    local = datetime.combine(day, time.min).astimezone()
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_day(text: str | None, option: str) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError("reporting.bad_date", option=option, value=text.strip()[:40]) from None


def period(start: str | None, end: str | None) -> Period:
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    if first and last and last < first:
        raise InputError("reporting.period_reversed", start=first.isoformat(),
                         end=last.isoformat())
    return Period(first, last)


def check_size(count: int, what: str) -> None:
    if count > MAX_ROWS:
        raise InputError("reporting.too_many_rows", rows=count, what=what, maximum=MAX_ROWS)
