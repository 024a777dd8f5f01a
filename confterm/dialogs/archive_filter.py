"""The archive browser's filters: client, category, level, status, place, years, label.

A client is named by its name (or part of it) or its credit code; a place by its barcode or
full path ("档案室A / 柜01 / 第1层 / 盒0001"); both are resolved on submit, and an
ambiguous or unknown name is said so in one sentence rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, Select

from confterm.dialogs.form import FormDialog, row
from confterm.errors import InputError
from confterm.i18n import t
from confterm.vault.catalogue import labels, locations
from confterm.vault.catalogue.filters import STATUSES, Filters
from confterm.vault.catalogue.sources import ClientSource
from confterm.vault.credit_code import normalise_credit_code
from confterm.vault.session import Ctx


def resolve_client(ctx: Ctx, text: str) -> int | None:
    """A client id from a name, part of a name, or a credit code."""
    text = text.strip()
    if not text:
        return None
    code = normalise_credit_code(text)
    found = ctx.conn.execute("SELECT id FROM clients WHERE credit_code = ?", (code,)).fetchone()
    if found:
        return int(found[0])
    matches = ClientSource(text).after(ctx, None, 6).rows
    exact = [c for c in matches if c.name == text]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0].id
    if not matches:
        raise InputError("archive.filter.no_client", text=text)
    raise InputError("archive.filter.many_clients", text=text,
                     names="、".join(c.name for c in matches[:3]))


def resolve_location(ctx: Ctx, text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    found = locations.by_barcode(ctx.conn, text)
    if found is not None:
        return found.id
    row_ = ctx.conn.execute("SELECT id FROM locations WHERE path = ?", (text,)).fetchone()
    if row_ is None:
        raise InputError("archive.move.unknown_target", target=text)
    return int(row_[0])


def _resolve(ctx: Ctx, client: str, place: str) -> tuple[int | None, int | None]:
    return resolve_client(ctx, client), resolve_location(ctx, place)


def _year(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise InputError("archive.filter.bad_year", field=t(f"archive.filter.{field}"),
                         value=text[:10])
    return int(text)


def _choice(value: Any) -> Any:
    return None if value is Select.NULL or value == "" else value


class FilterDialog(FormDialog[Filters | None]):
    """Returns the new filters (search text not included), or None when cancelled."""

    TITLE_KEY = "archive.filter.title"
    OK_KEY = "archive.filter.ok"

    def __init__(self, current: Filters, names: dict[str, dict[Any, str]]) -> None:
        super().__init__()
        self.current, self.names = current, names

    def _select(self, name: str, options: list[tuple[str, Any]], value: Any) -> Select[Any]:
        return Select(options, prompt=t("archive.filter.any"), value=value
                      if value is not None else Select.NULL, id=f"filter-{name}", compact=True)

    def fields(self) -> Iterable[Widget]:
        f, n = self.current, self.names
        yield from row(t("archive.filter.client"), Input(
            n.get("client", {}).get(f.client_id, "") if f.client_id else "",
            id="filter-client", compact=True, placeholder=t("archive.filter.client_hint")))
        yield from row(t("archive.filter.category"), self._select(
            "category", [(v, k) for k, v in n.get("category", {}).items()], f.category))
        yield from row(t("archive.filter.level"), self._select(
            "level", [(v, k) for k, v in n.get("level", {}).items()], f.level))
        yield from row(t("archive.filter.status"), self._select(
            "status", [(t(f"archive.status_short.{s}"), s) for s in STATUSES], f.status))
        yield from row(t("archive.filter.location"), Input(
            n.get("location", {}).get(f.location_id, "") if f.location_id else "",
            id="filter-location", compact=True, placeholder=t("archive.filter.location_hint")))
        yield from row(t("archive.filter.year_from"), Input(
            str(f.year_from or ""), id="filter-year_from", compact=True, max_length=4,
            restrict=r"[0-9]*"))
        yield from row(t("archive.filter.year_to"), Input(
            str(f.year_to or ""), id="filter-year_to", compact=True, max_length=4,
            restrict=r"[0-9]*"))
        yield from row(t("archive.filter.label"), self._select("label", [], None))

    async def reload(self) -> None:
        found = await self.service(lambda ctx: labels.all_labels(ctx.conn))
        select = self.query_one("#filter-label", Select)
        select.set_options([(name, label_id) for label_id, name in found])
        if self.current.label_id is not None:
            select.value = self.current.label_id
        self.query_one("#filter-client").focus()

    def _text(self, name: str) -> str:
        return self.query_one(f"#filter-{name}", Input).value

    async def submit(self) -> None:
        f, n = self.current, self.names
        client_text, place_text = self._text("client"), self._text("location")
        same_client = f.client_id is not None and \
            client_text.strip() == n.get("client", {}).get(f.client_id)
        same_place = f.location_id is not None and \
            place_text.strip() == n.get("location", {}).get(f.location_id)
        client_id, place_id = await self.service(
            _resolve, "" if same_client else client_text, "" if same_place else place_text)
        self.dismiss(Filters(
            client_id=f.client_id if same_client else client_id,
            category=_choice(self.query_one("#filter-category", Select).value),
            level=_choice(self.query_one("#filter-level", Select).value),
            status=_choice(self.query_one("#filter-status", Select).value),
            location_id=f.location_id if same_place else place_id,
            year_from=_year(self._text("year_from"), "year_from"),
            year_to=_year(self._text("year_to"), "year_to"),
            label_id=_choice(self.query_one("#filter-label", Select).value)))
