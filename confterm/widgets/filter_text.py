"""What a set of filters reads as, chip by chip ("客户：… · 年度：2012–2012"), in the
person's language: under the archive browser's search box, and for a hold kept on a saved
query (which would otherwise show its JSON)."""

from __future__ import annotations

from typing import Any

from confterm.i18n import t
from confterm.vault.catalogue.filters import Filters

Names = dict[str, dict[Any, str]]
"""Display names by kind (category, level, client, location, label), from
``record_browser.names`` on the database thread."""


def filter_chips(f: Filters, n: Names, with_text: bool = False) -> list[str]:
    parts = []
    if with_text and f.text:
        parts.append(t("archive.chip.text", value=f.text))
    if f.client_id is not None:
        parts.append(t("archive.chip.client", value=n.get("client", {}).get(f.client_id, "?")))
    if f.category:
        parts.append(t("archive.chip.category",
                       value=n.get("category", {}).get(f.category, f.category)))
    if f.level:
        parts.append(t("archive.chip.level", value=n.get("level", {}).get(f.level, f.level)))
    if f.status:
        parts.append(t("archive.chip.status", value=t(f"archive.status_short.{f.status}")))
    if f.location_id is not None:
        parts.append(t("archive.chip.location",
                       value=n.get("location", {}).get(f.location_id, "?")))
    if f.year_from is not None or f.year_to is not None:
        parts.append(t("archive.chip.years", start=f.year_from or "…", end=f.year_to or "…"))
    if f.label_id is not None:
        parts.append(t("archive.chip.label", value=n.get("label", {}).get(f.label_id, "?")))
    return parts
