"""The generic report model: plain data the vault fills in and the engine lays out.

Every string here is printed exactly as given and is also what the signed manifest holds,
so what people sign is exactly what they read on paper. The model knows nothing of the
database: the vault's report builders translate their rows into these dataclasses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from confterm.errors import InputError

Align = Literal["left", "right", "center"]
REPORT_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")


@dataclass(frozen=True)
class Column:
    """A table column: its heading, relative width (any unit, scaled to the page), alignment."""

    label: str
    width: float = 1.0
    align: Align = "left"


@dataclass
class Table:
    """A table whose header repeats on every page; cells are the strings printed."""

    columns: list[Column]
    rows: list[list[str]]
    totals: list[str] | None = None
    caption: str = ""

    def check(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise InputError("reports.row_width", row=number, cells=len(row), columns=width)
        if self.totals is not None and len(self.totals) != width:
            raise InputError("reports.row_width", row="totals", cells=len(self.totals),
                             columns=width)


@dataclass
class Paragraph:
    """Free text (an opinion, a legal basis, a note); newlines start new lines."""

    text: str
    heading: str = ""


@dataclass
class Person:
    """Someone named on the report; ``public_key`` is the raw Ed25519 key, if they have one."""

    name: str
    role: str
    public_key: bytes | None = None


@dataclass
class SignatureBlock:
    """One signatory's box: who, in what role, what they decided, when; then a blank line
    for a handwritten signature or seal. Without a public key the block is for a person
    outside the vault (an external supervisor) who signs by hand only."""

    person: Person
    opinion: str = ""
    signed_at: str = ""
    # The key of an electronic signature the person made earlier in the vault over their
    # decision (e.g. a register opinion), not over this PDF: printed by fingerprint.
    recorded_key: bytes | None = None


@dataclass
class Report:
    """A complete report: what the page shows, and who produced it from which vault state.

    ``report_id`` is printed, signed and put into the QR code, so it is limited to
    A-Z, 0-9 and '-' (the QR code's compact alphanumeric mode).
    """

    report_id: str
    kind: str
    lang: str
    title: str
    vault_name: str
    generated_by: Person
    generated_at: str
    checkpoint: str
    subtitle: str = ""
    metadata: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[Table | Paragraph] = field(default_factory=list)
    signatures: list[SignatureBlock] = field(default_factory=list)
    landscape: bool = False

    def check(self) -> None:
        """Refuse a report that could not be printed or verified faithfully."""
        if not REPORT_ID.match(self.report_id):
            raise InputError("reports.bad_report_id", report_id=self.report_id[:60])
        if self.generated_by.public_key is None:
            raise InputError("reports.generator_without_key", name=self.generated_by.name)
        for block in self.blocks:
            if isinstance(block, Table):
                block.check()

    def signing_people(self) -> list[Person]:
        """Everyone whose Ed25519 signature the manifest must carry: generator first."""
        people = [self.generated_by]
        for block in self.signatures:
            key = block.person.public_key
            if key is not None and all(p.public_key != key for p in people):
                people.append(block.person)
        return people
