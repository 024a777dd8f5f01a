"""The words of the access register: kinds, relations, acts, states, and what each row holds.

Kept apart from the services so the UI, the reports and the tests name the same fixed lists
(a relation typed freely could not be filtered or counted in the register).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from confterm.errors import InputError
from confterm.i18n import t

KINDS = ("consultation", "copy", "loan", "export")
RELATIONS = ("shareholder", "liquidation_group", "tax_authority", "court", "auditor", "staff",
             "other")
ID_DOC_TYPES = ("resident_id", "passport", "hk_macau_permit", "taiwan_permit", "work_card",
                "other")
STATUSES = ("pending", "approved", "partial", "denied", "closed")
OUTCOMES = ("approve", "deny", "partial")
CONTENT_ACTS = ("reveal", "print", "export")
ACTS = (*CONTENT_ACTS, "consult_open", "consult_close", "copy", "loan_out", "loan_return")

# Which request kinds allow which act on a record's content. A consultation lets the
# requester see (so masked personal information may be revealed to them) but not take a
# copy away; printing is making a copy; an electronic export needs an export request.
# Fulfilment acts are tied to their own kind.
ACT_KINDS: dict[str, frozenset[str]] = {
    "reveal": frozenset(KINDS),
    "print": frozenset({"copy", "export"}),
    "export": frozenset({"export"}),
    "consult_open": frozenset({"consultation"}),
    "copy": frozenset({"copy"}),
    "loan_out": frozenset({"loan"}),
}

MAX_TEXT = 500
MAX_RECORDS = 10_000


class Label:
    """A catalogue key used as a message parameter, translated when the message is shown:
    an error raised on the database thread reads right in whichever language the person
    has chosen by the time it is displayed."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __format__(self, spec: str) -> str:
        return format(t(self.key), spec)

    def __str__(self) -> str:
        return t(self.key)

    def __repr__(self) -> str:
        return f"Label({self.key!r})"


def field_label(field: str) -> Label:
    return Label(f"access.field.{field}")


def utc_text(moment: datetime) -> str:
    """A moment in the stored format (UTC, microseconds), the same as the audit trail's."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_day(moment: datetime) -> date:
    """The calendar day at the workstation: due dates and expiry are local days."""
    return (moment if moment.tzinfo is None else moment.astimezone()).date()


def mask_id_number(number: str) -> str:
    """Keep the first four and last four characters (enough to tell two people apart on
    the register), star the rest; short numbers keep only their last character."""
    text = number.strip()
    if len(text) <= 8:
        return "*" * (len(text) - 1) + text[-1:] if text else ""
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def clean_text(value: str, field: str, required: bool = True) -> str:
    """Trimmed text of bounded length; InputError naming the field otherwise."""
    text = " ".join((value or "").split())
    if required and not text:
        raise InputError("access.field_required", field=field_label(field))
    if len(text) > MAX_TEXT:
        raise InputError("access.field_too_long", field=field_label(field), maximum=MAX_TEXT)
    return text


def parse_day(value: str | date, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError("access.bad_date", field=field_label(field),
                         value=str(value)[:20]) from None


@dataclass(frozen=True)
class RequestDraft:
    """What the custodian types when registering a request (validated by ``register``)."""

    kind: str
    requester_name: str
    requester_org: str
    id_doc_type: str
    id_doc_number: str
    relation: str
    purpose: str
    legal_basis: str
    wanted_from: date | str
    wanted_to: date | str
    record_ids: tuple[int, ...] = ()
    source_query: str | None = None


@dataclass(frozen=True)
class Request:
    id: int
    kind: str
    requester_name: str
    requester_org: str
    id_doc_type: str
    id_doc_masked: str
    relation: str
    purpose: str
    legal_basis: str
    wanted_from: str
    wanted_to: str
    source_query: str | None
    registered_by: str
    registered_at: str
    status: str
    expires_on: str | None
    closed_at: str | None

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and date.fromisoformat(self.expires_on) < today

    def usable(self, today: date) -> bool:
        return self.status in ("approved", "partial") and not self.expired(today)


REQUEST_COLUMNS = ("id, kind, requester_name, requester_org, id_doc_type, id_doc_masked,"
                   " relation, purpose, legal_basis, wanted_from, wanted_to, source_query,"
                   " registered_by, registered_at, status, expires_on, closed_at")


@dataclass(frozen=True)
class Decision:
    request_id: int
    outcome: str
    approver: str
    decided_at: str
    expires_on: str | None
    conditions: str
    reason: str
    payload: str
    signature: bytes
    public_key: bytes
    key_fingerprint: str

    @property
    def granted_ids(self) -> list[int]:
        return [int(i) for i in json.loads(self.payload).get("granted", [])]


@dataclass(frozen=True)
class Loan:
    id: int
    request_id: int
    record_id: int
    archive_no: str
    requester: str
    lent_at: str
    lent_by: str
    due_on: str
    books_out: int
    pages_out: int | None
    returned_at: str | None
    books_back: int | None
    complete: bool | None
    return_note: str

    def overdue(self, today: date) -> bool:
        return self.returned_at is None and date.fromisoformat(self.due_on) < today


@dataclass(frozen=True)
class Grant:
    """What the guard hands back: the request that covers the act (for logging)."""

    request_id: int
    record_id: int
    act: str
