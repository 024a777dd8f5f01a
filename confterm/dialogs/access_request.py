"""Register an access request (查阅 / 复制 / 借出 / 导出): who asks, why, under what law,
for which records. The vault service refuses what the law does not allow (no purpose, no
legal basis, no records); this form only gathers the answers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from textual import work
from textual.widget import Widget
from textual.widgets import Input, Select

from confterm.commands import Command, declare
from confterm.dialogs.form import FormDialog, row
from confterm.i18n import t
from confterm.vault.access import requests
from confterm.vault.access.model import ID_DOC_TYPES, KINDS, RELATIONS, RequestDraft, parse_day
from confterm.vault.session import Ctx


def _register(ctx: Ctx, values: dict[str, str]) -> int:
    """Resolve the typed archive numbers and register, in one call on the DB thread."""
    numbers = [n for part in values["records"].replace("，", ",").splitlines()
               for n in part.split(",")]
    ids = requests.resolve_archive_numbers(ctx, numbers)
    source = None
    if values.get("query"):
        found, source = requests.resolve_saved_query(ctx, int(values["query"]))
        ids = list(dict.fromkeys([*ids, *found]))
    draft = RequestDraft(
        values["kind"], values["requester_name"], values["requester_org"],
        values["id_doc_type"], values["id_doc_number"], values["relation"], values["purpose"],
        values["legal_basis"], parse_day(values["wanted_from"], "wanted_from"),
        parse_day(values["wanted_to"], "wanted_to"), tuple(ids), source)
    return requests.register(ctx, draft).id


def _saved_queries(ctx: Ctx) -> list[tuple[str, int]]:
    return [(str(r[1]), int(r[0])) for r in ctx.conn.execute(
        "SELECT id, name FROM saved_queries ORDER BY name")]


def _select(name: str, choices: tuple[str, ...], prefix: str) -> Select[str]:
    return Select([(t(f"access.{prefix}.{c}"), c) for c in choices], value=choices[0],
                  allow_blank=False, id=f"req-{name}", compact=True)


class RegisterRequestDialog(FormDialog[int | None]):
    """Returns the new request's number, or None when cancelled. F3 opens the archive
    browser to pick the records (their archive numbers fill the records field)."""

    SCREEN_ID = "access_register"
    TITLE_KEY = "access.ui.register_title"
    OK_KEY = "access.ui.register_ok"
    DEFAULT_CSS = """
    RegisterRequestDialog .dialog { width: 90; overflow-y: auto; }
    """

    def __init__(self, archive_numbers: Iterable[str] = ()) -> None:
        super().__init__()
        self.archive_numbers = ", ".join(archive_numbers)

    def fields(self) -> Iterable[Widget]:
        today = date.today()
        yield from row(t("access.field.kind"), _select("kind", KINDS, "kind"))
        for name in ("requester_name", "requester_org"):
            yield from row(t(f"access.field.{name}"), Input(id=f"req-{name}", compact=True))
        yield from row(t("access.field.id_doc_type"),
                       _select("id_doc_type", ID_DOC_TYPES, "id_doc"))
        yield from row(t("access.field.id_doc_number"),
                       Input(id="req-id_doc_number", compact=True, max_length=40))
        yield from row(t("access.field.relation"), _select("relation", RELATIONS, "relation"))
        for name in ("purpose", "legal_basis"):
            yield from row(t(f"access.field.{name}"), Input(id=f"req-{name}", compact=True))
        yield from row(t("access.field.wanted_from"),
                       Input(today.isoformat(), id="req-wanted_from", compact=True,
                             max_length=10, restrict=r"[0-9-]*"))
        yield from row(t("access.field.wanted_to"),
                       Input((today + timedelta(days=14)).isoformat(), id="req-wanted_to",
                             compact=True, max_length=10, restrict=r"[0-9-]*"))
        yield from row(t("access.field.saved_query"),
                       Select([], prompt=t("access.ui.no_saved_query"), id="req-query",
                              compact=True))
        yield from row(t("access.field.records"),
                       Input(self.archive_numbers, id="req-records", compact=True))

    async def reload(self) -> None:
        choices = await self.service(_saved_queries)
        self.query_one("#req-query", Select).set_options(choices)

    def on_mount(self) -> None:
        self.query_one("#req-requester_name").focus()

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in ("kind", "id_doc_type", "relation"):
            out[name] = str(self.query_one(f"#req-{name}", Select).value)
        for name in ("requester_name", "requester_org", "id_doc_number", "purpose",
                     "legal_basis", "wanted_from", "wanted_to", "records"):
            out[name] = self.query_one(f"#req-{name}", Input).value
        query = self.query_one("#req-query", Select).value
        out["query"] = str(query) if isinstance(query, int) else ""
        return out

    @work(exit_on_error=False, group="pick")
    async def action_pick(self) -> None:
        from confterm.screens.record_picker import RecordPicker

        picked = await self.app.push_screen_wait(RecordPicker(t("access.ui.pick_records")))
        if picked:
            field = self.query_one("#req-records", Input)
            typed = [n.strip() for n in field.value.replace("，", ",").split(",") if n.strip()]
            field.value = ", ".join(dict.fromkeys([*typed, *picked.archive_numbers]))

    async def submit(self) -> None:
        request_id = await self.service(_register, self.values())
        # The ID number is not kept in the form once registered (it is masked from now on).
        self.query_one("#req-id_doc_number", Input).value = ""
        self.app.notify(t("access.ui.registered", request=request_id))
        self.dismiss(request_id)


for _command in (
    Command("access_register.pick", "access.ui.cmd.pick", "f3", "screen.pick",
            ("access_register",), priority=True),
    Command("access_register.cancel", "ui.cmd.cancel", "escape", "screen.cancel",
            ("access_register",)),
):
    declare(_command)
