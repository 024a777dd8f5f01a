"""Add a deregistered client, or edit one, field by field on one form.

The credit code is checked as it is typed (the check character catches a mistyped
character) and the verdict is shown on the line under it, so the person fixes it before
saving; a refused save names the field too.

The legal representative and the liquidation contact are personal information in
restricted processing (PIPL art. 47). Editing never reads them: the form shows only the
masked value the catalogue returns, and an empty field means "keep as is"; whatever is
typed replaces the stored value, which is audited only as "changed". Reading the values
stays the separate, audited reveal on the Clients view.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from textual import on
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from confterm.dialogs.form import FormDialog, row
from confterm.dialogs.record_form import tall_form
from confterm.errors import ConftermError, InputError
from confterm.i18n import t
from confterm.vault.catalogue import clients
from confterm.vault.catalogue.clients import Client, ClientInput
from confterm.vault.credit_code import normalise_credit_code

TEXT_FIELDS = ("name", "credit_code", "deregistered_on", "custody_agreement")
PI_FIELDS = clients.PI_FIELDS


def field_label(field: str) -> str:
    return t(f"archive.client_field.{field}")


def code_verdict(text: str) -> tuple[str, bool]:
    """(what the line under the code says, whether the code is good); nothing while the
    code is still being typed and not yet 18 characters long."""
    code = normalise_credit_code(text)
    if not code:
        return "", False
    try:
        clients.valid_code(code)
    except ConftermError as exc:
        if len(code) < 18 and exc.key == "catalogue.credit_code.length":  # still typing
            return "", False
        return t("forms.field_error", field=field_label("credit_code"),
                 message=exc.message()), False
    return t("forms.client.code_ok"), True


def parse_day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("forms.bad_date", field=field_label("deregistered_on"),
                         value=text[:20]) from None


class ClientForm(FormDialog[int | None]):
    """New client (``client`` None) or edit; returns the client's id."""

    OK_KEY = "forms.save"
    DEFAULT_CSS = """
    ClientForm .form-grid TextArea { height: 3; min-height: 3; }
    ClientForm .form-hint { color: $text-muted; }
    ClientForm #cf-code-check.error { color: $error; text-style: bold; }
    ClientForm #cf-code-check.good { color: $success; }
    """

    def __init__(self, client: Client | None = None) -> None:
        super().__init__()
        self.client = client

    def title_text(self) -> str:
        if self.client is None:
            return t("forms.client.title_new")
        return t("forms.client.title_edit", client=self.client.name)

    def start(self) -> dict[str, str]:
        c = self.client
        if c is None:
            return dict.fromkeys((*TEXT_FIELDS, "notes"), "")
        return {"name": c.name, "credit_code": c.credit_code,
                "deregistered_on": c.deregistered_on or "",
                "custody_agreement": c.custody_agreement, "notes": c.notes}

    def fields(self) -> Iterable[Widget]:
        start = self.start()
        yield from row(field_label("name"), Input(start["name"], id="cf-name", compact=True))
        yield from row(field_label("credit_code"), Input(
            start["credit_code"], id="cf-credit_code", compact=True, max_length=24))
        yield from row("", Static("", id="cf-code-check", classes="form-hint"))
        yield from row(field_label("deregistered_on"), Input(
            start["deregistered_on"], id="cf-deregistered_on", compact=True,
            restrict=r"[0-9-]*", max_length=10, placeholder="YYYY-MM-DD"))
        for field in PI_FIELDS:
            masked = getattr(self.client, field, "") if self.client else ""
            hint = t("forms.client.pi_keep", masked=masked) if masked else ""
            yield from row(field_label(field), Input(id=f"cf-{field}", compact=True,
                                                     placeholder=hint))
        yield from row(field_label("custody_agreement"), Input(
            start["custody_agreement"], id="cf-custody_agreement", compact=True))
        yield from row(field_label("notes"), TextArea(start["notes"], id="cf-notes",
                                                      compact=True))
        if self.client is not None:
            yield from row("", Static(t("forms.client.pi_note"), classes="form-hint"))

    def on_mount(self) -> None:
        tall_form(self, 90)
        self.query_one("#cf-name").focus()

    @on(Input.Changed, "#cf-credit_code")
    def _code_typed(self, event: Input.Changed) -> None:
        text, good = code_verdict(event.value)
        line = self.query_one("#cf-code-check", Static)
        line.update(text)
        line.set_class(good, "good")
        line.set_class(bool(text) and not good, "error")

    def text(self, field: str) -> str:
        return self.query_one(f"#cf-{field}", Input).value

    def typed(self) -> dict[str, Any]:
        """The form as ClientInput fields; personal fields only when something was typed."""
        out: dict[str, Any] = {f: self.text(f) for f in ("name", "credit_code",
                                                         "custody_agreement")}
        out["deregistered_on"] = parse_day(self.text("deregistered_on"))
        out["notes"] = self.query_one("#cf-notes", TextArea).text
        for field in PI_FIELDS:
            if self.text(field).strip():
                out[field] = self.text(field)
        return out

    async def submit(self) -> None:
        try:
            clients.valid_code(self.text("credit_code"))
        except ConftermError as exc:
            raise InputError("forms.field_error", field=field_label("credit_code"),
                             message=exc.message()) from None
        values = self.typed()
        if self.client is None:
            client_id: int = await self.service(clients.create, ClientInput(**values))
            self.app.notify(t("forms.client.created", client=values["name"].strip()))
            self.dismiss(client_id)
            return
        start = {**self.start(), "deregistered_on": parse_day(self.start()["deregistered_on"])}
        changed = {k: v for k, v in values.items() if k in PI_FIELDS or v != start.get(k)}
        if not changed:
            self.say(t("forms.nothing_changed"))
            return
        await self.service(clients.update, self.client.id, self.client.version, changed)
        self.app.notify(t("forms.client.saved", client=values["name"].strip()))
        self.dismiss(self.client.id)
