"""The detail pane: every field of one record, its computed retention end, the legal basis
of its period, its status and the reasons for it.

The status and reasons come from :func:`confterm.vault.catalogue.detail.record_detail`
(the same assessment the eligibility list and the destruction register use), so what the
pane says is what destruction will decide. The client's personal information stays masked.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from confterm.i18n import language, t
from confterm.vault.catalogue.detail import RecordDetail

_STATUS_COLOUR = {"eligible": "yellow", "on_hold": "magenta", "in_destruction": "red",
                  "destroyed": "red", "active": "green"}


def _yes(flag: object) -> str:
    return t("archive.yes") if flag else t("archive.no")


def _years(v: dict[str, Any]) -> str:
    start, end = v.get("start_year"), v.get("end_year")
    if start and end and start != end:
        return f"{start}–{end}"
    return str(end or start or "")


def detail_rows(d: RecordDetail) -> list[tuple[str, Text | str]]:
    """(label, value) pairs in reading order; empty values are left out."""
    v, lang = d.values, language()
    level = d.level_name_zh if lang == "zh_CN" else d.level_name_en
    status = Text(t(f"catalogue.status.{d.status}"), style=f"bold {_STATUS_COLOUR[d.status]}")
    ends = d.assessment.retention_ends
    end_text = ends.isoformat() if ends else (
        t("catalogue.period.permanent") if d.assessment.permanent else t("archive.no_end"))
    client = f"{d.client.name}（{d.client.credit_code}）" if lang == "zh_CN" \
        else f"{d.client.name} ({d.client.credit_code})"
    rows: list[tuple[str, Text | str]] = [
        ("archive_no", str(v["archive_no"])), ("title", str(v["title"])), ("status", status),
        ("ends", Text(end_text, style="bold"))]
    for reason in d.assessment.reasons:
        rows.append(("why", "·" + reason.text()))
    rows += [
        ("client", client), ("deregistered", d.client.deregistered_on or ""),
        ("category", d.rule.name()), ("period", d.rule.period_text()),
        ("basis", d.rule.basis()),
        ("fiscal_year", str(v["fiscal_year"] or "")), ("years", _years(v)),
        ("volume_no", str(v["volume_no"] or "")), ("books", str(v["books"] or "")),
        ("pages", str(v["pages"] or "")), ("medium", t(f"catalogue.medium.{v['medium']}")),
        ("level", level), ("labels", t("ui.list_sep").join(d.labels)),
        ("place", d.location_path or t("archive.no_place")),
        ("personal_info", _yes(v["personal_info"])),
        ("unresolved", str(v["unresolved_reason"]) if v["unresolved"] else _yes(False)),
    ]
    if v.get("extension_years"):
        rows.append(("extension", t("archive.extension_value", years=v["extension_years"],
                                    reason=v.get("extension_reason") or "")))
    for hold in d.holds:
        rows.append(("hold", t("archive.hold_value", id=hold.id, reason=hold.reason,
                               owner=hold.owner)))
    if d.on_loan:
        rows.append(("on_loan", _yes(True)))
    rows += [("reviewed", str(v.get("reviewed_at") or "")[:10]),
             ("notes", str(v.get("notes") or ""))]
    return [(label, value) for label, value in rows if str(value)]


def render_detail(d: RecordDetail) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    last = ""
    for label, value in detail_rows(d):
        table.add_row("" if label == last == "why" else t(f"archive.field.{label}"), value)
        last = label
    return table


class RecordDetailPane(VerticalScroll):
    """A scrollable pane with the highlighted record's detail."""

    DEFAULT_CSS = """
    RecordDetailPane { border-left: solid $primary; padding: 0 1; }
    RecordDetailPane > Static { width: 1fr; }
    """

    def compose(self) -> Any:
        yield Static(t("archive.detail_empty"), id="record-detail-body")

    def show(self, d: RecordDetail | None) -> None:
        body = self.query_one("#record-detail-body", Static)
        body.update(render_detail(d) if d is not None else t("archive.detail_empty"))
        self.scroll_home(animate=False)
