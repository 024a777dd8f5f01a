"""Changing records from the archive screens: classify, labels, move to a box, move a box.

Each dialog gathers the answers and calls one vault service on the database thread; the
service checks roles, writes the change and its audit event (before and after) in one
transaction. Classifying and moving records go through change control: what is controlled
(every level, the place of a record holding personal information) becomes a batch of
proposals for an approver, and the notice says so. Moving a box that holds such records
asks an approver to step up and countersign. A refusal (a full box, a record being
destroyed, the query's count changed meanwhile) is shown on the dialog's message line and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from confterm.dialogs.archive_scope import Scope
from confterm.dialogs.form import FormDialog, row, wide
from confterm.dialogs.step_up import StepUpDialog
from confterm.errors import ConflictError, InputError, PermissionDenied
from confterm.i18n import t
from confterm.vault.access import change_batch
from confterm.vault.access.change_batch import BatchOutcome
from confterm.vault.access.decisions import Signer
from confterm.vault.catalogue import holds, labels, location_tree, locations
from confterm.vault.catalogue.common import local_today
from confterm.vault.session import Ctx


def scope_select(scopes: list[Scope], widget_id: str) -> Select[int]:
    return Select([(s.describe(), i) for i, s in enumerate(scopes)], value=0,
                  allow_blank=False, id=widget_id, compact=True)


class ScopedDialog(FormDialog[int | None]):
    """A form whose first field says what the change applies to."""

    def __init__(self, scopes: list[Scope]) -> None:
        super().__init__()
        self.scopes = scopes

    def scope(self) -> Scope:
        if not self.scopes:
            raise InputError("records.nothing_selected")
        found = self.query("#scope")
        value = found.first(Select).value if found else 0
        return self.scopes[int(value) if isinstance(value, int) else 0]

    def scope_row(self) -> Iterable[Widget]:
        if len(self.scopes) <= 1:
            text = self.scopes[0].describe() if self.scopes else t("archive.nothing")
            yield from row(t("archive.form.scope"), Static(text))
        else:
            yield from row(t("archive.form.scope"), scope_select(self.scopes, "scope"))

    def text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def done(self, key: str, n: int) -> None:
        self.app.notify(t(key, n=n))
        self.dismiss(n)


def _scope_ids(ctx: Ctx, scope: Scope) -> list[int]:
    """The scope's records. A query is resolved to ids here, on the database thread, so the
    count the person confirmed is checked against what will really change."""
    ids = list(scope.ids)
    if scope.kind == "query" and scope.filters is not None:
        ids = holds.matching_ids(ctx.conn, scope.filters, local_today(ctx))
        if scope.exact and len(ids) != scope.count:
            raise ConflictError("records.selection_changed", expected=scope.count,
                                found=len(ids))
    return ids


def _classify(ctx: Ctx, scope: Scope, level: str, reason: str) -> BatchOutcome:
    return change_batch.classify(ctx, _scope_ids(ctx, scope), level, reason)


def batch_notice(outcome: BatchOutcome) -> str:
    """What happened, in the words a custodian needs: what changed now, what waits for an
    approver (and where to find it)."""
    parts = []
    if outcome.applied:
        parts.append(t("archive.batch.applied", n=outcome.applied))
    if outcome.proposed:
        parts.append(t("archive.batch.proposed", n=outcome.proposed, batch=outcome.batch_id))
    if outcome.unchanged:
        parts.append(t("archive.batch.unchanged", n=outcome.unchanged))
    if outcome.skipped:
        parts.append(t("archive.batch.skipped", n=outcome.skipped))
    return t("ui.list_sep").join(parts)


class ClassifyDialog(ScopedDialog):
    """Set the classification level of a record, the marked records or the whole query."""

    TITLE_KEY = "archive.classify.title"
    OK_KEY = "archive.classify.ok"

    def __init__(self, scopes: list[Scope], levels: dict[str, str]) -> None:
        super().__init__(scopes)
        self.levels = levels

    def fields(self) -> Iterable[Widget]:
        yield from self.scope_row()
        yield from row(t("archive.form.level"), Select(  # no default: a hurried OK
            [(name, code) for code, name in self.levels.items()],  # must not downgrade
            prompt=t("archive.classify.pick"), id="classify-level", compact=True))
        yield from row(t("archive.form.reason"), Input(id="classify-reason", compact=True))
        yield from wide(Static(t("archive.classify.note"), classes="form-note"))

    def on_mount(self) -> None:
        self.query_one("#classify-level").focus()

    async def submit(self) -> None:
        picked = self.query_one("#classify-level", Select).value
        if picked is Select.NULL:
            raise InputError("archive.classify.no_level")
        level = str(picked)
        self.say(t("archive.working"), "busy")
        outcome = await self.service(_classify, self.scope(), level,
                                     self.text("classify-reason"))
        self.app.notify(batch_notice(outcome))
        self.dismiss(outcome.applied)


class LabelsDialog(ScopedDialog):
    """Add and/or remove free labels (comma-separated) on a record or the marked records."""

    TITLE_KEY = "archive.labels.title"
    OK_KEY = "archive.labels.ok"

    def __init__(self, scopes: list[Scope], known: list[str]) -> None:
        super().__init__([s for s in scopes if s.kind in ("record", "selection")])
        self.known = known

    def fields(self) -> Iterable[Widget]:
        yield from self.scope_row()
        suggest = SuggestFromList(self.known) if self.known else None
        yield from row(t("archive.labels.add"), Input(id="labels-add", compact=True,
                                                      suggester=suggest))
        yield from row(t("archive.labels.remove"), Input(id="labels-remove", compact=True,
                                                         suggester=suggest))
        if self.known:
            yield from wide(Static(t("archive.labels.known", names="、".join(self.known[:30])),
                                   classes="form-note"))

    @staticmethod
    def split(text: str) -> list[str]:
        return [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",")
                if p.strip()]

    async def submit(self) -> None:
        scope = self.scope()
        add, remove = self.split(self.text("labels-add")), self.split(self.text("labels-remove"))
        changed = await self.service(labels.change, list(scope.ids), add, remove)
        self.done("archive.labels.done", changed)


def resolve_place(ctx: Ctx, text: str, kinds: tuple[str, ...]) -> int:
    """A location by barcode or full path, of one of ``kinds``; InputError naming it."""
    text = text.strip()
    if not text:
        raise InputError("archive.move.no_target")
    found = location_tree.find(ctx.conn, text)  # the CLI's rule: any spacing around "/"
    if found is None:
        raise InputError("archive.move.unknown_target", target=text)
    if found.kind not in kinds:
        raise InputError("archive.move.wrong_kind", target=found.path,
                         kind=t(f"archive.kind.{found.kind}"),
                         wanted=t("ui.list_sep").join(t(f"archive.kind.{k}") for k in kinds))
    return found.id


def place_paths(ctx: Ctx, kinds: tuple[str, ...], limit: int = 20_000) -> list[str]:
    marks = ",".join("?" * len(kinds))
    return [str(r[0]) for r in ctx.conn.execute(
        f"SELECT path FROM locations WHERE kind IN ({marks}) ORDER BY path LIMIT ?",
        (*kinds, limit))]


def _move_records(ctx: Ctx, ids: list[int], target: str, reason: str) -> BatchOutcome:
    return change_batch.move(ctx, ids, resolve_place(ctx, target, ("box",)), reason)


def _move_place(ctx: Ctx, location_id: int, kind: str, target: str, reason: str,
                approver: Signer | None) -> int:
    parents = locations.PARENT_KINDS[kind]
    wanted = tuple(k for k in parents if k is not None)
    moved = locations.move_location(ctx, location_id, resolve_place(ctx, target, wanted),
                                    reason, approver)
    return moved.record_count


class MoveDialog(FormDialog[int | None]):
    """Move records into a box, or a box (shelf, cabinet) under another parent."""

    TITLE_KEY = "archive.move.title"
    OK_KEY = "archive.move.ok"

    def __init__(self, what: str, *, ids: tuple[int, ...] = (), location: Any = None) -> None:
        super().__init__()
        self.what, self.ids, self.location = what, ids, location

    @property
    def target_kinds(self) -> tuple[str, ...]:
        if self.location is None:
            return ("box",)
        return tuple(k for k in locations.PARENT_KINDS[self.location.kind] if k is not None)

    def fields(self) -> Iterable[Widget]:
        yield from row(t("archive.form.scope"), Static(self.what))
        yield from row(t("archive.move.target"), Input(
            id="move-target", compact=True, placeholder=t("archive.move.target_hint")))
        yield from row(t("archive.form.reason"), Input(id="move-reason", compact=True))

    async def reload(self) -> None:
        paths = await self.service(place_paths, self.target_kinds)
        self.query_one("#move-target", Input).suggester = SuggestFromList(paths)
        self.query_one("#move-target").focus()

    async def submit(self) -> None:
        target = self.query_one("#move-target", Input).value
        reason = self.query_one("#move-reason", Input).value
        if self.location is None:
            outcome = await self.service(_move_records, list(self.ids), target, reason)
            self.app.notify(batch_notice(outcome))
            self.dismiss(outcome.applied)
            return
        args = (self.location.id, self.location.kind, target, reason)
        try:
            n = await self.service(_move_place, *args, None)
        except PermissionDenied as exc:
            if exc.key != "records.move_needs_approver":
                raise
            n = await self._move_with_approver(args, exc.message())
            if n is None:
                return
        self.app.notify(t("archive.move.done", n=n))
        self.dismiss(n)

    async def _move_with_approver(self, args: tuple[Any, ...], why: str) -> int | None:
        """The box holds records in restricted processing: an approver (not the person
        moving it) steps up and countersigns, or nothing moves."""
        self.say(why)
        app: Any = self.app
        found = await app.push_screen_wait(StepUpDialog(
            "approver", t("archive.move.step_up", path=self.location.path), "change"))
        if found is None:
            return None
        with found as presence:
            return int(await self.service(_move_place, *args, presence))
