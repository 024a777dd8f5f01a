"""Inventory (档案清册) by client, location or classification level.

It lists catalogue facts only (archive number, title, category, years, volume, books,
level, location, end of retention, state): no personal information, so no access request
is needed to print it. The rows are sorted by the chosen group, and a summary table gives
records and books per group, so a shelf check or a handover can count against paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from confterm.errors import InputError
from confterm.i18n import t
from confterm.reports.model import Column, Report, Table
from confterm.vault.reporting.common import base_report, check_size, new_report_id
from confterm.vault.session import Ctx

GROUPS = ("client", "location", "level")
_LIKE_ESCAPE = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})


@dataclass(frozen=True)
class InventoryOptions:
    by: str = "client"
    client: str | None = None  # part of a client's name, or its credit code
    location: str | None = None  # part of a location path
    level: str | None = None  # a classification level code
    include_destroyed: bool = False


def _where(opts: InventoryOptions) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if not opts.include_destroyed:
        clauses.append("r.state <> 'destroyed'")
    if opts.client:
        like = "%" + opts.client.strip().translate(_LIKE_ESCAPE) + "%"
        clauses.append("(c.name LIKE ? ESCAPE '\\' OR c.credit_code = ?)")
        params += [like, opts.client.strip().upper()]
    if opts.location:
        like = "%" + opts.location.strip().translate(_LIKE_ESCAPE) + "%"
        clauses.append("l.path LIKE ? ESCAPE '\\'")
        params.append(like)
    if opts.level:
        clauses.append("r.level = ?")
        params.append(opts.level.strip())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_ORDER = {"client": "c.name, c.id, r.archive_no",
          "location": "coalesce(l.path, '~'), r.archive_no",
          "level": "lv.rank DESC, r.archive_no"}
_FROM = (" FROM records r JOIN clients c ON c.id = r.client_id"
         " JOIN classification_levels lv ON lv.code = r.level"
         " JOIN retention_rules rr ON rr.category = r.category"
         " LEFT JOIN locations l ON l.id = r.location_id")


def _state(lang: str, state: str, held: int, unresolved: int) -> str:
    notes = [t(f"reporting.inv.state.{state}", lang)]
    if held:
        notes.append(t("reporting.inv.held", lang))
    if unresolved:
        notes.append(t("reporting.inv.unresolved", lang))
    return "，".join(notes) if lang == "zh_CN" else ", ".join(notes)


def _category(lang: str, code: str, zh: str, en: str) -> str:
    own = zh if lang == "zh_CN" else en
    return own or t(f"catalogue.category.{code}", lang)


def _group_label(by: str, lang: str, row: tuple[object, ...]) -> str:
    if by == "client":
        return f"{row[0]}（{row[1]}）" if lang == "zh_CN" else f"{row[0]} ({row[1]})"
    if by == "location":
        return str(row[11]) or t("reporting.inv.no_location", lang)
    return str(row[10])


def inventory_report(ctx: Ctx, lang: str, opts: InventoryOptions) -> Report:
    if opts.by not in GROUPS:
        raise InputError("reporting.bad_group", value=opts.by, choices=", ".join(GROUPS))
    if opts.level and ctx.conn.execute("SELECT 1 FROM classification_levels WHERE code = ?",
                                       (opts.level.strip(),)).fetchone() is None:
        codes = [r[0] for r in ctx.conn.execute(
            "SELECT code FROM classification_levels ORDER BY rank")]
        raise InputError("reporting.bad_level", value=opts.level, choices=", ".join(codes))
    where, params = _where(opts)
    count = ctx.conn.execute(f"SELECT count(*){_FROM}{where}", params).fetchone()[0]
    check_size(int(count), t("reporting.kind.inventory", lang))
    level_name = "lv.name_zh" if lang == "zh_CN" else "lv.name_en"
    rows = ctx.conn.execute(
        f"SELECT c.name, c.credit_code, r.archive_no, r.title, r.category, rr.name_zh,"
        f" rr.name_en, r.fiscal_year, r.start_year, r.end_year, {level_name},"
        f" coalesce(l.path, ''), r.volume_no, r.books, r.retention_end, r.state, r.hold_count,"
        f" r.unresolved{_FROM}{where} ORDER BY {_ORDER[opts.by]}", params).fetchall()
    others = [c for c in ("client", "location", "level") if c != opts.by]
    widths = {"client": 2.2, "location": 1.6, "level": 0.75}
    columns = [Column(t("reporting.col.no", lang), 0.45, "right"),
               Column(t("reporting.col.archive_no", lang), 1.9),
               Column(t("reporting.col.title", lang), 2.6),
               Column(t("reporting.col.category", lang), 1.2),
               Column(t("reporting.col.years", lang), 0.8, "center"),
               Column(t("reporting.col.volume", lang), 0.5, "center"),
               Column(t("reporting.col.books", lang), 0.6, "right"),
               *(Column(t(f"reporting.col.{c}", lang), widths[c]) for c in others),
               Column(t("reporting.col.retention_end", lang), 0.9, "center"),
               Column(t("reporting.col.state", lang), 1.0)]
    groups: dict[str, list[list[str]]] = {}
    books: dict[str, int] = {}
    for n, r in enumerate(rows, start=1):
        group = _group_label(opts.by, lang, r)
        years = f"{r[8] or r[7]}–{r[9] or r[7]}" if (r[8] or r[9]) else str(r[7])
        end = t("reporting.inv.permanent", lang) if r[14] == "9999-12-31" else str(r[14])
        cells = {"client": str(r[0]), "location": str(r[11]) or "—", "level": str(r[10])}
        groups.setdefault(group, []).append(
            [str(n), str(r[2]), str(r[3]), _category(lang, str(r[4]), str(r[5]), str(r[6])),
             years, str(r[12]) or "—", str(r[13]), *(cells[c] for c in others), end,
             _state(lang, str(r[15]), int(r[16]), int(r[17]))])
        books[group] = books.get(group, 0) + int(r[13])
    total_books = sum(books.values())
    report = base_report(ctx, new_report_id(ctx, "INV"), "inventory", lang,
                         t(f"reporting.title.inventory_{opts.by}", lang))
    report.landscape = True
    report.metadata = [
        (t("reporting.r.grouped_by", lang), t(f"reporting.col.{opts.by}", lang)),
        (t("reporting.r.filters", lang), _filters(opts, lang)),
        (t("reporting.r.records", lang), str(len(rows))),
        (t("reporting.r.books", lang), str(total_books)),
        (t("reporting.r.groups", lang), str(len(groups)))]
    label = t(f"reporting.col.{opts.by}", lang)
    for group, body in groups.items():
        totals = [""] * len(columns)
        totals[1] = t("reporting.r.totals_records", lang, records=len(body))
        totals[6] = str(books[group])
        report.blocks.append(Table(columns, body, totals, caption=f"{label}：{group}"
                                   if lang == "zh_CN" else f"{label}: {group}"))
    summary = [[str(i), g, str(len(b)), str(books[g])] for i, (g, b) in
               enumerate(groups.items(), start=1)]
    report.blocks.append(Table(
        [Column(t("reporting.col.no", lang), 0.4, "right"), Column(label, 4.0),
         Column(t("reporting.col.records", lang), 0.8, "right"),
         Column(t("reporting.col.books", lang), 0.8, "right")],
        summary or [["—"] * 4], [t("reporting.r.totals", lang), "", str(len(rows)),
                                 str(total_books)],
        caption=t("reporting.r.summary", lang)))
    return report


def _filters(opts: InventoryOptions, lang: str) -> str:
    parts = []
    if opts.client:
        parts.append(t("reporting.r.filter_client", lang, value=opts.client))
    if opts.location:
        parts.append(t("reporting.r.filter_location", lang, value=opts.location))
    if opts.level:
        parts.append(t("reporting.r.filter_level", lang, value=opts.level))
    parts.append(t("reporting.r.with_destroyed" if opts.include_destroyed
                   else "reporting.r.without_destroyed", lang))
    return "；".join(parts) if lang == "zh_CN" else "; ".join(parts)
