"""Every kind of report: who may produce it, which options it takes, how it is built.

Builders run on the database thread and return a ``confterm.reports.model.Report``; the
destruction register, certificate and appraisal opinion are the destruction area's own
builders (``confterm.vault.destruction.report_data``), reused as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from confterm.errors import InputError, PermissionDenied
from confterm.i18n import t
from confterm.reports.model import Report
from confterm.vault.access.model import Label
from confterm.vault.reporting.access_register import access_register_report
from confterm.vault.reporting.audit_extract import audit_extract_report
from confterm.vault.reporting.common import period
from confterm.vault.reporting.inventory import InventoryOptions, inventory_report
from confterm.vault.reporting.record_content import record_content_report
from confterm.vault.reporting.recovery import recovery_sheet_report
from confterm.vault.session import Ctx

KIND_NAMES = ("destruction-register", "destruction-certificate", "appraisal",
              "access-register", "inventory", "audit-extract", "recovery-sheet",
              "record-content")
EVERYONE: tuple[str, ...] = ()


Delivered = Callable[[Ctx, str, str], object]
Precheck = Callable[[Ctx], object]


@dataclass
class ReportOptions:
    """What a person chose; each kind reads the fields it needs."""

    kind: str
    lang: str
    purpose: str
    date_from: str | None = None
    date_to: str | None = None
    by: str = "client"
    client: str | None = None
    location: str | None = None
    level: str | None = None
    include_destroyed: bool = False
    target: str | None = None  # register / session / appraisal number or id
    recovery_key: str | None = field(default=None, repr=False)
    request: str | None = None  # record-content: the access request's number
    records: str | None = None  # record-content: some of its archive numbers (else all)
    on_delivery: list[Delivered] = field(default_factory=list, repr=False)
    """Set by a kind's build: writes that belong to each delivery of the report (a print
    act in the access register), run as ``write(ctx, "save" | "print", target)`` in the
    transaction that records a save or a print; a sheet that fails to render, is never
    saved, or fails to print leaves no act behind."""
    before_delivery: list[Precheck] = field(default_factory=list, repr=False)
    """Set by a kind's build: checks each save or print must pass again, run as
    ``check(ctx)`` on the database thread, outside a transaction, just before the file is
    written or the job is sent. A check that raises stops that delivery (a refusal it
    audits stays in the trail): a grant that ended after the sheet was made (the request
    closed or expired, the record put on hold) no longer lets it out."""


@dataclass(frozen=True)
class Kind:
    name: str
    roles: tuple[str, ...]
    build: Callable[[Ctx, ReportOptions], Report]
    target_table: str | None = None  # destruction kinds: where --register etc. look


def _target(ctx: Ctx, table: str, given: str | None, what: str) -> int:
    """A destruction register/session/appraisal by number or id; the latest if not given."""
    if given is None or not given.strip():
        row = ctx.conn.execute(f"SELECT max(id) FROM {table}").fetchone()
        if row is None or row[0] is None:
            raise InputError("reporting.nothing_to_print", what=Label(f"reporting.target.{what}"))
        return int(row[0])
    text = given.strip()
    row = ctx.conn.execute(f"SELECT id FROM {table} WHERE number = ?", (text.upper(),)).fetchone()
    if row is None and text.isdigit():
        row = ctx.conn.execute(f"SELECT id FROM {table} WHERE id = ?", (int(text),)).fetchone()
    if row is None:
        raise InputError("reporting.unknown_target", what=Label(f"reporting.target.{what}"),
                         value=text[:40])
    return int(row[0])


def _register(ctx: Ctx, o: ReportOptions) -> Report:
    from confterm.vault.destruction import report_data

    return report_data.register_report(
        ctx, _target(ctx, "destruction_registers", o.target, "register"), o.lang)


def _certificate(ctx: Ctx, o: ReportOptions) -> Report:
    from confterm.vault.destruction import report_data

    return report_data.certificate_report(
        ctx, _target(ctx, "destruction_sessions", o.target, "session"), o.lang)


def _appraisal(ctx: Ctx, o: ReportOptions) -> Report:
    from confterm.vault.destruction import report_data

    return report_data.appraisal_report(
        ctx, _target(ctx, "destruction_appraisals", o.target, "appraisal"), o.lang)


def _access(ctx: Ctx, o: ReportOptions) -> Report:
    return access_register_report(ctx, o.lang, period(o.date_from, o.date_to))


def _inventory(ctx: Ctx, o: ReportOptions) -> Report:
    return inventory_report(ctx, o.lang, InventoryOptions(o.by, o.client, o.location, o.level,
                                                          o.include_destroyed))


def _audit(ctx: Ctx, o: ReportOptions) -> Report:
    return audit_extract_report(ctx, o.lang, period(o.date_from, o.date_to))


def _recovery(ctx: Ctx, o: ReportOptions) -> Report:
    if not o.recovery_key:
        raise InputError("reporting.recovery_key_needed")
    return recovery_sheet_report(ctx, o.lang, o.recovery_key)


def _record_content(ctx: Ctx, o: ReportOptions) -> Report:
    return record_content_report(ctx, o)


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("destruction-register", EVERYONE, _register, "destruction_registers"),
    Kind("destruction-certificate", EVERYONE, _certificate, "destruction_sessions"),
    Kind("appraisal", EVERYONE, _appraisal, "destruction_appraisals"),
    Kind("access-register", ("custodian", "approver", "auditor", "administrator"), _access),
    Kind("inventory", ("custodian", "auditor", "administrator"), _inventory),
    Kind("audit-extract", ("auditor", "administrator"), _audit),
    Kind("recovery-sheet", ("administrator",), _recovery),
    Kind("record-content", ("custodian",), _record_content),
)}


def get(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise InputError("reporting.unknown_kind", kind=name, kinds=", ".join(KIND_NAMES))
    return kind


def allowed(kind: Kind, roles: frozenset[str]) -> bool:
    return not kind.roles or any(r in roles for r in kind.roles)


def require(ctx: Ctx, kind: Kind) -> None:
    if not allowed(kind, ctx.actor.roles):
        raise PermissionDenied("reporting.role_needed", kind=Label(f"reporting.kind.{kind.name}"),
                               roles=", ".join(t(f"people.role.{r}") for r in kind.roles))


def kinds_for(roles: frozenset[str]) -> list[str]:
    return [k for k in KIND_NAMES if allowed(KINDS[k], roles)]
