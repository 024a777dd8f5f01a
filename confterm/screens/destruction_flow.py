"""The destruction area's actions: each collects input or presences, calls one vault
service, and shows the outcome. Split from the screen to keep both readable.

Presences (step-up) are disposed of as soon as the service that signs with them returns,
whatever happened.
"""

from __future__ import annotations

import re
from typing import Any

from textual import work

from confterm.dialogs.destruction import FieldsDialog
from confterm.i18n import t
from confterm.screens.destruction_session import SessionFlowMixin
from confterm.vault.destruction import appraisal, config, register
from confterm.vault.destruction.common import SLOT_ROLES, SLOTS


class FlowMixin(SessionFlowMixin):
    """Mixed into DestructionScreen (which provides service, show_error, targets...)."""

    view: str
    appraisal_id: int | None
    register_id: int | None
    session_id: int | None
    marked: set[int]

    # helpers provided by the screen
    def _s(self) -> Any:
        return self

    async def _ask(self, title: str, fields: list[tuple[str, str, str]],
                   required: list[str] | None = None, explain: str = "") -> dict[str, str] | None:
        result: dict[str, str] | None = await self._s().app.push_screen_wait(
            FieldsDialog(title, fields, explain,
                         [f[0] for f in fields] if required is None else required))
        return result

    async def _run(self, fn: Any, *args: Any) -> Any:
        """Call a service; show its refusal and return None instead of raising."""
        try:
            return await self._s().service(fn, *args)
        except Exception as exc:
            self._s().show_error(exc)
            return None

    def _done(self, key: str, view: str | None = None, **params: object) -> None:
        screen = self._s()
        screen.notify(t(key, **params))
        if view:
            screen.view = view
        screen.start_reload()

    # ---- appraisal ----------------------------------------------------------------------

    @work(exit_on_error=False, group="flow")
    async def action_appraise(self) -> None:
        ids = self._s().targets()
        if self.view != "eligible" or not ids:
            return
        aid = await self._run(appraisal.create_appraisal, ids)
        if aid is not None:
            self.appraisal_id = aid
            self.marked.clear()
            self._done("destruction.ui.appraisal_created", "appraisal", count=len(ids))

    @work(exit_on_error=False, group="flow")
    async def action_decide(self, decision: str) -> None:
        ids = self._s().targets()
        if self.view != "appraisal" or self.appraisal_id is None or not ids:
            return
        years: int | None = None
        reason = ""
        if decision == "extend":
            got = await self._ask(t("destruction.ui.extend_title"), [
                ("years", "destruction.col.extend", "10"),
                ("reason", "destruction.col.reason", "")])
            if got is None:
                return
            years = int(got["years"]) if got["years"].isdigit() else -1
            reason = got["reason"]
        elif decision == "unresolved":
            got = await self._ask(t("destruction.ui.unresolved_title"),
                                  [("reason", "destruction.col.reason", "")])
            if got is None:
                return
            reason = got["reason"]
        if await self._run(appraisal.decide, self.appraisal_id, ids, decision, years,
                           reason) is not None:
            self._s().start_reload()

    @work(exit_on_error=False, group="flow")
    async def action_issue(self) -> None:
        if self.appraisal_id is None:
            return
        got = await self._ask(t("destruction.ui.issue_title"), [
            ("opinion", "destruction.r.opinion", t("destruction.ui.default_opinion"))])
        if got is None:
            return
        number = await self._run(appraisal.issue_appraisal, self.appraisal_id, got["opinion"])
        if number:
            self._done("destruction.ui.issued", "appraisal", number=number)

    # ---- configuration (administrator) ---------------------------------------------------

    @work(exit_on_error=False, group="flow")
    async def action_configure(self) -> None:
        """Who signs registers (per statutory slot) and who witnesses for IT."""
        current, it = await self._s().service(_configuration)
        fields = [(slot, f"destruction.slot.{slot}", current.get(slot, "")) for slot in SLOTS]
        fields.append(("it_people", "destruction.ui.it_people_field", "、".join(sorted(it))))
        got = await self._ask(t("destruction.ui.configure_title"), fields, required=[],
                              explain=t("destruction.ui.configure_explain"))
        if got is None:
            return
        pairs = [(slot, got[slot]) for slot in SLOTS if got.get(slot)]
        names = [n for n in re.split(r"[、,，;；\s]+", got.get("it_people", "")) if n]
        if await self._run(config.set_signatories, pairs) is None:
            return
        if await self._run(config.set_it_people, names) is None:
            return
        self._done("destruction.ui.configured")

    # ---- register -----------------------------------------------------------------------

    @work(exit_on_error=False, group="flow")
    async def action_create_register(self) -> None:
        if self.appraisal_id is None:
            return
        got = await self._ask(t("destruction.ui.register_title"), [
            ("basis", "destruction.r.legal_basis", t("destruction.ui.default_basis"))])
        if got is None:
            return
        rid = await self._run(register.create_register, self.appraisal_id, got["basis"])
        if rid is not None:
            self.register_id = rid
            self._done("destruction.ui.register_created", "register")

    @work(exit_on_error=False, group="flow")
    async def action_sign(self) -> None:
        if self.register_id is None:
            return
        pending = await self._s().service(_pending_slots, self.register_id)
        if not pending:
            return
        slot, person, number = pending[0]
        got = await self._ask(t("destruction.ui.sign_title", slot=t(f"destruction.slot.{slot}"),
                                person=person, number=number), [
            ("decision", "destruction.ui.decision_field", "approve"),
            ("opinion", "destruction.r.opinion", t("destruction.ui.default_sign_opinion"))],
            required=["decision"], explain=t("destruction.ui.sign_explain"))
        if got is None:
            return
        presence = await self._s().step_up(SLOT_ROLES[slot], t(
            "destruction.ui.sign_purpose", person=person, number=number), "register")
        if presence is None:
            return
        with presence:
            status = await self._run(register.sign_register, self.register_id, slot, presence,
                                     got["decision"], got["opinion"])
        if status:
            self._done("destruction.ui.signed", "register",
                       status=t(f"destruction.status.{status}"))

    # ---- history ------------------------------------------------------------------------

    def action_open_entry(self) -> None:
        screen = self._s()
        if self.view != "history":
            return
        row = screen.query_one("#d-table").cursor_row
        if row is None or row >= len(screen.data.keys):
            return
        kind, ident = screen.data.kinds[row], screen.data.keys[row]
        if kind == "appraisal":
            self.appraisal_id = ident
        elif kind == "register":
            self.register_id = ident
        else:
            self.session_id = ident
        screen.show_view(kind)

    @work(exit_on_error=False, group="flow")
    async def action_print_report(self) -> None:
        """Open Reports on the register, certificate or appraisal opinion shown here (the
        Reports screen asks for the purpose, generates, signs, prints or saves it)."""
        from confterm.screens.reports import ReportsScreen

        kind, table, ident = {
            "appraisal": ("appraisal", "destruction_appraisals", self.appraisal_id),
            "register": ("destruction-register", "destruction_registers", self.register_id),
            "session": ("destruction-certificate", "destruction_sessions", self.session_id),
        }.get(self.view, (None, None, None))
        if kind is None or ident is None:
            return
        number = await self._run(_number_of, table, ident)
        if number is not None:
            self._s().app.push_screen(ReportsScreen(kind, number))


def _configuration(ctx: Any) -> tuple[dict[str, str], set[str]]:
    return dict(config.signatories(ctx.conn)), config.it_people(ctx.conn)


def _number_of(ctx: Any, table: str, ident: int) -> str:
    row = ctx.conn.execute(f"SELECT coalesce(number, '') FROM {table} WHERE id = ?",
                           (ident,)).fetchone()
    return str(row[0]) if row and row[0] else str(ident)


def _pending_slots(ctx: Any, register_id: int) -> list[tuple[str, str, str]]:
    return [(r[0], r[1], r[2]) for r in ctx.conn.execute(
        "SELECT s.slot, s.person, g.number FROM destruction_signoffs s JOIN"
        " destruction_registers g ON g.id = s.register_id WHERE s.register_id = ? AND"
        " s.decision IS NULL ORDER BY s.position", (register_id,))]
