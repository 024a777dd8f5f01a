"""What each view of the destruction area shows: columns and rows, fetched on the database
thread (plain functions of ``ctx``), so the screen only renders."""

from __future__ import annotations

from dataclasses import dataclass, field

from confterm.i18n import t
from confterm.vault.destruction import appraisal, eligibility, history, sessions
from confterm.vault.session import Ctx

PAGE = 200


@dataclass
class View:
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # history: what each row is
    header: str = ""
    after: tuple[str, int] | None = None  # keyset of the eligible list's last row
    live: bool = False  # session view: open for check-off


def _cols(*names: str) -> list[str]:
    return [t(f"destruction.col.{n}") for n in names]


def eligible(ctx: Ctx, after: tuple[str, int] | None = None) -> View:
    rows = eligibility.eligible_page(ctx, after, PAGE)
    view = View(_cols("archive_no", "title", "client", "category", "retention_end"))
    for r in rows:
        view.rows.append([r.archive_no, r.title, r.client_name,
                          t(f"catalogue.category.{r.category}"), r.retention_end])
        view.keys.append(r.id)
    view.after = (rows[-1].retention_end, rows[-1].id) if rows else after
    view.header = t("destruction.ui.eligible_header", count=eligibility.eligible_count(ctx))
    return view


def current_ids(ctx: Ctx) -> tuple[int | None, int | None, int | None]:
    """Latest appraisal, live register and live session, to open the views on."""
    one = ctx.conn.execute
    a = one("SELECT max(id) FROM destruction_appraisals WHERE status <> 'cancelled'").fetchone()
    g = one("SELECT max(id) FROM destruction_registers WHERE status IN ('signing', 'signed',"
            " 'in_session')").fetchone()
    s = one("SELECT max(id) FROM destruction_sessions WHERE status IN ('open', 'paused',"
            " 'purged')").fetchone()
    return a[0], g[0], s[0]


def appraisal_view(ctx: Ctx, appraisal_id: int | None) -> View:
    view = View(_cols("archive_no", "title", "client", "decision", "extend", "reason"))
    if appraisal_id is None:
        view.header = t("destruction.ui.no_appraisal")
        return view
    row = ctx.conn.execute("SELECT coalesce(number, ''), status FROM destruction_appraisals"
                           " WHERE id = ?", (appraisal_id,)).fetchone()
    for i in appraisal.items(ctx, appraisal_id):
        view.rows.append([i.archive_no, i.title, i.client_name,
                          t(f"destruction.decision.{i.decision}") if i.decision else "—",
                          t("destruction.r.years", years=i.extend_years) if i.extend_years
                          else "", i.reason])
        view.keys.append(i.record_id)
    view.header = t("destruction.ui.appraisal_header", number=row[0] or f"#{appraisal_id}",
                    status=t(f"destruction.status.{row[1]}"), count=len(view.rows))
    return view


def register_view(ctx: Ctx, register_id: int | None) -> View:
    view = View(_cols("no", "archive_no", "title", "books", "years", "period", "barcode"))
    if register_id is None:
        view.header = t("destruction.ui.no_register")
        return view
    g = ctx.conn.execute("SELECT number, status FROM destruction_registers WHERE id = ?",
                         (register_id,)).fetchone()
    for r in ctx.conn.execute(
            "SELECT position, archive_no, title, books, coalesce(start_year, fiscal_year),"
            " coalesce(end_year, fiscal_year), required_period, barcode, record_id FROM"
            " destruction_register_items WHERE register_id = ? ORDER BY position",
            (register_id,)):
        view.rows.append([str(r[0]), r[1], r[2], str(r[3]), f"{r[4]}–{r[5]}",
                          t("destruction.r.years", years=r[6]) if r[6] else "", r[7]])
        view.keys.append(int(r[8]))
    signs = []
    for slot, person, decision in ctx.conn.execute(
            "SELECT slot, person, decision FROM destruction_signoffs WHERE register_id = ?"
            " ORDER BY position", (register_id,)):
        said = t(f"destruction.decision.{decision}") if decision else "…"
        signs.append(f"{t(f'destruction.slot.{slot}')} {person}：{said}")
    view.header = t("destruction.ui.register_header", number=g[0],
                    status=t(f"destruction.status.{g[1]}"), count=len(view.rows),
                    signatures="；".join(signs))
    return view


def session_view(ctx: Ctx, session_id: int | None) -> View:
    view = View(_cols("no", "archive_no", "title", "barcode", "state", "checked_at"))
    if session_id is None:
        view.header = t("destruction.ui.no_session")
        return view
    s = sessions.info(ctx.conn, session_id)
    for r in ctx.conn.execute(
            "SELECT s.position, i.archive_no, i.title, i.barcode, s.state, s.checked_at,"
            " s.note, s.record_id FROM destruction_session_items s JOIN"
            " destruction_register_items i ON i.record_id = s.record_id AND i.register_id = ?"
            " WHERE s.session_id = ? ORDER BY s.position", (s.register_id, session_id)):
        state = t(f"destruction.item_state.{r[4]}") + (f"：{r[6]}" if r[6] else "")
        view.rows.append([str(r[0]), r[1], r[2], r[3], state,
                          (r[5] or "")[11:19]])
        view.keys.append(int(r[7]))
    view.live = s.status == "open"
    witnesses = "、".join(sessions.current_witnesses(ctx.conn, session_id))
    view.header = t("destruction.ui.session_header", number=s.number, register=s.register_no,
                    status=t(f"destruction.status.{s.status}"),
                    checked=s.counts.get("checked", 0), total=s.total,
                    excluded=s.counts.get("excluded", 0), blocked=s.counts.get("blocked", 0),
                    witnesses=witnesses or "—", executor=s.executor)
    return view


def history_view(ctx: Ctx) -> View:
    view = View(_cols("kind", "number", "status", "when", "who", "items", "detail"))
    for e in history.everything(ctx):
        view.rows.append([t(f"destruction.ui.kind.{e.kind}"), e.number or f"#{e.id}",
                          t(f"destruction.status.{e.status}"), e.when[:16].replace("T", " "),
                          e.who, str(e.items), e.detail])
        view.keys.append(e.id)
        view.kinds.append(e.kind)
    view.header = t("destruction.ui.history_header", count=len(view.rows))
    return view
