"""Fulfil an approved request: lend a record, take a loan back (counted), count copies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from textual.widget import Widget
from textual.widgets import Input, Select

from confterm.dialogs.form import row
from confterm.dialogs.request_dialog import RequestDialog
from confterm.errors import InputError
from confterm.i18n import t
from confterm.vault.access import fulfil
from confterm.vault.access.model import field_label
from confterm.vault.access.views import RequestDetail


def _number(widget: Input, field: str, blank_ok: bool = False) -> int | None:
    text = widget.value.strip()
    if not text and blank_ok:
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError("access.bad_count", field=field_label(field), value=text[:20]) from None


def _count_input(name: str, value: str = "") -> Input:
    return Input(value, id=name, compact=True, max_length=6, restrict=r"[0-9]*")


class LendDialog(RequestDialog[bool]):
    TITLE_KEY = "access.ui.lend_title"
    OK_KEY = "access.ui.lend_ok"

    def fields(self) -> Iterable[Widget]:
        choices = [(f"{r.archive_no}  {r.title}", r.id) for r in self.detail.lendable]
        due = min(date.today() + timedelta(days=14),
                  date.fromisoformat(self.detail.request.expires_on or "9999-12-31"))
        yield from row(t("access.ui.record"), Select(
            choices, value=choices[0][1] if choices else Select.NULL,
            allow_blank=not choices, id="lend-record", compact=True))
        yield from row(t("access.field.due_on"), Input(due.isoformat(), id="lend-due",
                                                       compact=True, max_length=10,
                                                       restrict=r"[0-9-]*"))
        yield from row(t("access.field.books_out"), _count_input("lend-books", "1"))
        yield from row(t("access.field.pages_out"), _count_input("lend-pages"))

    async def submit(self) -> None:
        record = self.query_one("#lend-record", Select).value
        if not isinstance(record, int):
            raise InputError("access.ui.nothing_to_lend")
        books = _number(self.query_one("#lend-books", Input), "books_out")
        pages = _number(self.query_one("#lend-pages", Input), "pages_out", blank_ok=True)
        loan = await self.service(fulfil.lend, self.detail.request.id, record,
                                  self.query_one("#lend-due", Input).value, books, pages)
        self.app.notify(t("access.ui.lent", archive_no=loan.archive_no, due=loan.due_on))
        self.dismiss(True)


class ReturnDialog(RequestDialog[bool]):
    TITLE_KEY = "access.ui.return_title"
    OK_KEY = "access.ui.return_ok"

    def __init__(self, detail: RequestDetail, loan_id: int | None = None) -> None:
        super().__init__(detail)
        self.loan_id = loan_id

    def fields(self) -> Iterable[Widget]:
        loans = self.detail.open_loans
        choices = [(t("access.ui.loan_choice", loan=x.id, archive_no=x.archive_no,
                      books=x.books_out, pages=x.pages_out if x.pages_out is not None else "-",
                      due=x.due_on), x.id) for x in loans]
        chosen = self.loan_id if any(x.id == self.loan_id for x in loans) else (
            loans[0].id if loans else Select.NULL)
        yield from row(t("access.ui.loan"), Select(choices, value=chosen,
                                                   allow_blank=not choices, id="return-loan",
                                                   compact=True))
        yield from row(t("access.field.books_back"), _count_input("return-books"))
        yield from row(t("access.field.pages_back"), _count_input("return-pages"))
        yield from row(t("access.field.missing_note"), Input(id="return-note", compact=True))

    async def submit(self) -> None:
        loan = self.query_one("#return-loan", Select).value
        if not isinstance(loan, int):
            raise InputError("access.ui.nothing_to_return")
        books = _number(self.query_one("#return-books", Input), "books_back")
        pages = _number(self.query_one("#return-pages", Input), "pages_back", blank_ok=True)
        back = await self.service(fulfil.return_loan, loan, books, pages,
                                  self.query_one("#return-note", Input).value)
        key = "access.ui.returned" if back.complete else "access.ui.returned_incomplete"
        self.app.notify(t(key, archive_no=back.archive_no),
                        severity="information" if back.complete else "warning")
        self.dismiss(True)


class CopiesDialog(RequestDialog[bool]):
    TITLE_KEY = "access.ui.copies_title"
    OK_KEY = "access.ui.copies_ok"

    def fields(self) -> Iterable[Widget]:
        choices = [(f"{r.archive_no}  {r.title}", r.id) for r in self.detail.records
                   if r.granted]
        yield from row(t("access.ui.record"), Select(
            choices, value=choices[0][1] if choices else Select.NULL,
            allow_blank=not choices, id="copies-record", compact=True))
        yield from row(t("access.field.copies"), _count_input("copies-count", "1"))
        yield from row(t("access.field.note"), Input(id="copies-note", compact=True))

    async def submit(self) -> None:
        record = self.query_one("#copies-record", Select).value
        if not isinstance(record, int):
            raise InputError("access.ui.nothing_to_copy")
        copies = _number(self.query_one("#copies-count", Input), "copies")
        await self.service(fulfil.record_copies, self.detail.request.id, record, copies,
                           self.query_one("#copies-note", Input).value)
        self.app.notify(t("access.ui.copies_done", copies=copies))
        self.dismiss(True)
