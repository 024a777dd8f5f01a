"""What an archive action applies to: this record, the marked records, everything the
current query matches, or a client. The dialogs show the choices with their sizes, so a
person sees "all 12,345 records matching the query" before confirming, and the services
re-check that number (classify_query's ``expected``) when the change is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from confterm.i18n import t
from confterm.vault.catalogue.filters import Filters

KINDS = ("record", "selection", "query", "client")


@dataclass(frozen=True)
class Scope:
    kind: str
    ids: tuple[int, ...] = ()
    filters: Filters | None = None
    count: int = 0
    exact: bool = True
    client_id: int | None = None
    label: str = ""  # the record's number or the client's name

    def describe(self) -> str:
        count = f"{self.count:,}" if self.exact else t("archive.at_least", n=f"{self.count:,}")
        return t(f"archive.scope.{self.kind}", count=count, label=self.label)


def scopes_for(current_id: int | None, current_no: str, marked: list[int],
               filters: Filters | None, count: int, exact: bool,
               client: tuple[int, str] | None = None) -> list[Scope]:
    """The scopes an action could take from the browser, most specific first."""
    out = []
    if marked:
        out.append(Scope("selection", tuple(marked), count=len(marked)))
    if current_id is not None:
        out.append(Scope("record", (current_id,), count=1, label=current_no))
    if filters is not None and not filters.empty and count:
        out.append(Scope("query", filters=filters, count=count, exact=exact))
    if client is not None:
        out.append(Scope("client", client_id=client[0], label=client[1]))
    return out
