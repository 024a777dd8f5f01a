"""The supervised session's actions of the destruction area: start (witnesses step up),
exclude, pause, resume (witnesses again), media blocks and their validation, completion
(each current witness signs) and the verification's outcome."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from textual import work

from confterm.i18n import t
from confterm.vault.destruction import completion, media, register, sessions


class SessionFlowMixin:
    """Mixed into DestructionScreen through FlowMixin (which gives _ask, _run, _done)."""

    view: str
    register_id: int | None
    session_id: int | None

    def _s(self) -> Any:
        return self

    async def _ask(self, title: str, fields: list[tuple[str, str, str]],
                   required: list[str] | None = None, explain: str = "") -> Any: ...

    async def _run(self, fn: Any, *args: Any) -> Any: ...

    def _done(self, key: str, view: str | None = None, **params: object) -> None: ...

    # ---- session ------------------------------------------------------------------------

    async def _witnesses(self, count: int, purpose: str) -> list[Any] | None:
        found: list[Any] = []
        while len(found) < count:
            presence = await self._s().step_up("witness", purpose, "destruction")
            if presence is None:
                for p in found:
                    p.dispose()
                return None
            if presence.name in {p.name for p in found}:
                presence.dispose()
                continue
            found.append(presence)
        return found

    @work(exit_on_error=False, group="flow")
    async def action_start_session(self) -> None:
        if self.register_id is None:
            return
        got = await self._ask(t("destruction.ui.start_title"), [
            ("method", "destruction.r.method", t("destruction.ui.default_method")),
            ("place", "destruction.r.place", ""),
            ("media", "destruction.ui.media_field", "no")], required=["method", "place"])
        if got is None:
            return
        media_flag = got["media"].strip().lower() in ("y", "yes", "是", "1")
        info = await self._run(register.get, self.register_id)
        if info is None:
            return
        witnesses = await self._witnesses(2 if info.electronic or media_flag else 1,
                                          t("destruction.ui.witness_purpose", number=info.number))
        if witnesses is None:
            return
        with ExitStack() as stack:
            for w in witnesses:
                stack.enter_context(w)
            sid = await self._run(sessions.start_session, self.register_id, got["method"],
                                  got["place"], witnesses, media_flag)
        if sid is not None:
            self.session_id = sid
            self._done("destruction.ui.started", "session")

    @work(exit_on_error=False, group="flow")
    async def action_exclude(self) -> None:
        rid = self._s().selected()
        if self.view != "session" or self.session_id is None or rid is None:
            return
        got = await self._ask(t("destruction.ui.exclude_title"),
                              [("reason", "destruction.col.reason", "")])
        if got:
            await self._run(sessions.exclude_item, self.session_id, rid, got["reason"])
            self._s().start_reload()

    @work(exit_on_error=False, group="flow")
    async def action_pause(self) -> None:
        if self.session_id is None:
            return
        got = await self._ask(t("destruction.ui.pause_title"),
                              [("reason", "destruction.col.reason", "")])
        if got:
            await self._run(sessions.pause_session, self.session_id, got["reason"])
            self._s().start_reload()

    async def _current_witnesses(self, purpose: str) -> list[Any] | None:
        names = await self._s().service(_witness_names, self.session_id)
        return await self._witnesses(max(1, len(names)), purpose)

    @work(exit_on_error=False, group="flow")
    async def action_resume(self) -> None:
        if self.session_id is None:
            return
        witnesses = await self._current_witnesses(t("destruction.ui.resume_purpose"))
        if witnesses is None:
            return
        with ExitStack() as stack:
            for w in witnesses:
                stack.enter_context(w)
            blocked = await self._run(sessions.resume_session, self.session_id, witnesses)
        if blocked is not None:
            self._done("destruction.ui.resumed", "session", blocked=blocked)

    @work(exit_on_error=False, group="flow")
    async def action_medium(self) -> None:
        if self.session_id is None:
            return
        got = await self._s().media_dialog()
        if got and await self._run(media.record_medium, self.session_id, got) is not None:
            self._done("destruction.ui.medium_recorded", "session")

    @work(exit_on_error=False, group="flow")
    async def action_validate(self) -> None:
        if self.session_id is None:
            return
        pending = await self._s().service(_unvalidated, self.session_id)
        if not pending:
            return
        presence = await self._s().step_up(media.VALIDATOR_ROLES, t(
            "destruction.ui.validate_purpose", serial=pending[0][1]), None)
        if presence is None:
            return
        with presence:
            await self._run(media.validate_medium, pending[0][0], presence)
        self._s().start_reload()

    @work(exit_on_error=False, group="flow")
    async def action_complete(self) -> None:
        if self.session_id is None:
            return
        info = await self._run(sessions.get, self.session_id)
        if info is None:
            return
        if info.status == "purged":  # interrupted after the purge: finish it
            result = await self._run(completion.finalize, self.session_id)
            if result is not None:
                self._show_verification(result[0])
            return
        witnesses = await self._current_witnesses(t("destruction.ui.complete_purpose",
                                                    number=info.number))
        if witnesses is None:
            return
        with ExitStack() as stack:
            for w in witnesses:
                stack.enter_context(w)
            done = await self._run(completion.complete_session, self.session_id, witnesses)
        if done is not None:
            self._show_verification(done.verification, destroyed=done.destroyed)

    def _show_verification(self, result: Any, destroyed: int | None = None) -> None:
        screen = self._s()
        key = "destruction.ui.completed_ok" if result.ok else "destruction.ui.completed_bad"
        screen.notify(t(key, destroyed=destroyed if destroyed is not None else result.records,
                        pages=result.db_pages, residues=result.residues),
                      severity="information" if result.ok else "error", timeout=15)
        screen.start_reload()


def _witness_names(ctx: Any, session_id: int) -> list[str]:
    return sessions.current_witnesses(ctx.conn, session_id)


def _unvalidated(ctx: Any, session_id: int) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in ctx.conn.execute(
        "SELECT id, serial FROM destruction_media WHERE session_id = ? AND validator IS NULL"
        " ORDER BY id", (session_id,))]
