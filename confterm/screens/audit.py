"""Audit trail (auditor, administrator): browse newest first, filter, verify the chain."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Label, ProgressBar, Static

from confterm.areas import Area, register_area
from confterm.commands import Command, declare
from confterm.errors import InputError
from confterm.i18n import catalogue, t
from confterm.screens.base import ConftermScreen
from confterm.vault import audit, audit_query
from confterm.vault.audit_query import AuditFilter, AuditRow
from confterm.vault.session import Ctx
from confterm.widgets.audit_list import AuditList, action_name, local_time
from confterm.widgets.top_bar import TopBar


def _choices(ctx: Ctx) -> tuple[list[str], list[str]]:
    return audit_query.actors(ctx.conn), audit_query.actions(ctx.conn)


def _parse_day(text: str, field: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("ui.audit.bad_date", field=field, value=text[:20]) from None


CODE = re.compile(r"[a-z_.]+")
"""What an action code (or the start of one, "person.") looks like; anything else typed
in the action filter is looked for in the actions' names, in both languages."""


def named(words: str) -> tuple[str, ...]:
    """The actions whose name in either language holds ``words`` (case ignored)."""
    wanted = words.casefold()
    return tuple(sorted(
        key.removeprefix("audit_action.") for key, names in catalogue().items()
        if key.startswith("audit_action.")
        and any(wanted in text.casefold() for text in names.values())))


def readable_details(text: str) -> str:
    """An event's details a line per field ("legal_basis: 《会计档案管理办法》…"), so a
    long one wraps instead of running off as one line of JSON."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict):
        return json.dumps(data, ensure_ascii=False)
    return "\n".join(f"{key}: {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
                     for key, v in data.items())


class AuditScreen(ConftermScreen):
    SCREEN_ID = "audit"
    HELP_KEY = "ui.help.audit"

    def __init__(self) -> None:
        super().__init__()
        self.filter = AuditFilter()
        self.action_text = ""  # as typed (a code prefix or words of a name), kept over F2

    def compose(self) -> ComposeResult:
        f = self.filter
        yield TopBar(t("ui.area.audit"))
        with Horizontal(id="audit-filters"):
            yield Label(t("ui.audit.actor"))
            yield Input(f.actor or "", id="audit-actor", compact=True)
            yield Label(t("ui.audit.action"))
            yield Input(self.action_text, id="audit-action", compact=True)
            yield Label(t("ui.audit.from"))
            yield Input(str(f.date_from or ""), id="audit-from", compact=True,
                        placeholder="YYYY-MM-DD", max_length=10, restrict=r"[0-9-]*")
            yield Label(t("ui.audit.to"))
            yield Input(str(f.date_to or ""), id="audit-to", compact=True,
                        placeholder="YYYY-MM-DD", max_length=10, restrict=r"[0-9-]*")
        yield Static(id="audit-header")
        yield AuditList(id="audit-list")
        yield Static(id="audit-detail")
        with Horizontal(id="audit-status-bar"):
            yield Static(id="audit-status")
            yield ProgressBar(id="audit-progress", show_eta=False)
        yield Footer(show_command_palette=False)

    async def reload(self) -> None:
        self.query_one("#audit-progress").display = False
        actors, actions = await self.service(_choices)
        self.query_one("#audit-actor", Input).suggester = SuggestFromList(actors)
        self.query_one("#audit-action", Input).suggester = SuggestFromList(actions)
        events = self.query_one(AuditList)
        await events.reset(self.filter)
        self.query_one("#audit-header", Static).update(events.header())
        self._status()
        events.focus()

    def _status(self) -> None:
        events = self.query_one(AuditList)
        if events.filtered:
            text = t("ui.audit.status_filtered", shown=events.count,
                     more="+" if events.more else "")
        else:
            text = t("ui.audit.status_all", count=events.count)
        self.query_one("#audit-status", Static).update(text)

    def on_resize(self) -> None:
        if self.loaded:
            self.query_one("#audit-header", Static).update(self.query_one(AuditList).header())

    @on(AuditList.Highlighted)
    def _detail(self, event: AuditList.Highlighted) -> None:
        self._status()
        row: AuditRow | None = event.row
        detail = self.query_one("#audit-detail", Static)
        if row is None:
            detail.update("")
            return
        detail.update(Text(t("ui.audit.detail", seq=row.seq, time=local_time(row.ts),
                             actor=row.actor,
                             action=f"{action_name(row.action)} ({row.action})",
                             object=row.object_text,
                             details=readable_details(row.details))))

    @on(Input.Submitted, "#audit-filters Input")
    def _apply(self) -> None:
        def value(name: str) -> str:
            return self.query_one(f"#audit-{name}", Input).value.strip()

        action = self.action_text = value("action")
        try:
            self.filter = AuditFilter(
                actor=value("actor") or None,
                action=action if CODE.fullmatch(action) else None,  # a code or its start,
                actions=named(action) if action else None,  # and any action so named
                date_from=_parse_day(value("from"), t("ui.audit.from")),
                date_to=_parse_day(value("to"), t("ui.audit.to")))
        except InputError as exc:
            self.show_error(exc)
            return
        self.start_reload()

    def action_focus_filter(self) -> None:
        self.query_one("#audit-actor").focus()

    def action_clear_filter(self) -> None:
        for field in self.query("#audit-filters Input").results(Input):
            field.value = ""
        self.filter, self.action_text = AuditFilter(), ""
        self.start_reload()

    @work(exclusive=True, group="verify", exit_on_error=False)
    async def action_verify(self) -> None:
        bar = self.query_one("#audit-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        loop = asyncio.get_running_loop()

        def progress(done: int, total: int) -> None:  # on the database thread
            loop.call_soon_threadsafe(lambda: bar.update(total=max(total, 1), progress=done))

        self.query_one("#audit-status", Static).update(t("ui.audit.verifying"))
        try:
            report = await self.service(lambda ctx: audit.verify_chain(ctx.conn, progress))
        except Exception as exc:
            self.show_error(exc)
            return
        finally:
            bar.display = False
        if report.intact:
            text = t("audit.intact", count=report.count,
                     head=audit.checkpoint_code(report.count, report.head_hash))
            self.notify(text, timeout=10)
        else:
            text = t(report.reason or "audit.hash_mismatch", seq=report.first_bad)
            self.notify(text, severity="error", timeout=30)
        self.query_one("#audit-status", Static).update(text)


for _command in (
    Command("audit.filter", "ui.audit.cmd_filter", "slash", "screen.focus_filter",
            scope=("audit",), key_display="/"),
    Command("audit.clear", "ui.audit.cmd_clear", "c", "screen.clear_filter", scope=("audit",)),
    Command("audit.verify", "ui.audit.cmd_verify", "v", "screen.verify", scope=("audit",)),
    Command("audit.move", "ui.audit.cmd_move", "up,down", "", scope=("audit",), show=False,
            key_display="↑ / ↓"),
    Command("audit.page", "ui.audit.cmd_page", "pageup,pagedown", "", scope=("audit",),
            show=False, key_display="PgUp / PgDn"),
    Command("audit.ends", "ui.audit.cmd_ends", "home,end", "", scope=("audit",), show=False,
            key_display="Home / End"),
):
    declare(_command)

register_area(Area("audit", "ui.area.audit", "a", AuditScreen,
                   roles=("auditor", "administrator"), order=95,
                   summary_key="ui.area.audit_summary"))
