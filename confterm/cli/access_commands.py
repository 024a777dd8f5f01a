"""``confterm access overdue|list|export``: the access register from a script or a cron job.

Registering and deciding need a person at the terminal (the approver's presence), which is
the TUI's job. ``overdue`` exits 1 when any loan is overdue, so a scheduled check can raise
an alarm without parsing text. ``export`` fulfils an approved export request: the guard
decides, the command only names the request and the file (checked before unlocking).
"""

from __future__ import annotations

import argparse
from datetime import date

from confterm.errors import EXIT_OK, EXIT_VERIFY_FAILED, InputError
from confterm.i18n import LANGUAGES, language, t
from confterm.vault.access import register as access_register
from confterm.vault.access.register import FILTER_STATUSES, RegisterFilter

from .context import unlock


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("access.bad_date", field="--date", value=text[:20]) from None


def cmd_overdue(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        loans = session.call(access_register.overdue_loans, _day(args.date))
    for loan in loans:
        print(t("access.cli.overdue_line", loan=loan.id, archive_no=loan.archive_no,
                requester=loan.requester, due=loan.due_on, request=loan.request_id))
    print(t("access.cli.overdue_total", count=len(loans)))
    return EXIT_VERIFY_FAILED if loans else EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    flt = RegisterFilter(status=args.status, requester=args.requester, purpose=args.purpose,
                         archive_no=args.archive_no, client_text=args.client,
                         date_from=_day(args.date_from), date_to=_day(args.date_to))
    with unlock(args) as session:
        rows = session.call(access_register.list_requests, flt, None, args.limit)
    for r in rows:
        print("\t".join((str(r.id), t(f"access.kind.{r.kind}"), t(f"access.status.{r.status}"),
                         r.registered_at[:10], r.requester_name, r.requester_org, r.purpose,
                         r.first_archive_no, str(r.records), r.approver or "")))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from confterm.vault.access import content, content_export

    request_id = content.parse_request(args.request)
    path = content_export.check_target(args.out)  # refused before unlocking
    lang = args.file_lang or language()
    with unlock(args) as session:
        done = session.call(content_export.export_request, request_id, path, lang,
                            args.records)
    print(t("content.cli.exported", request=done.request_id, count=done.records,
            file=str(done.path), sha256=done.sha256))
    return EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    access = sub.add_parser("access", parents=[common], help=t("access.cli.help"))
    inner = access.add_subparsers(dest="access_command", metavar="COMMAND", required=True)
    overdue = inner.add_parser("overdue", parents=[common], help=t("access.cli.help_overdue"))
    overdue.add_argument("--date", metavar="YYYY-MM-DD", help=t("access.cli.help_date"))
    overdue.set_defaults(func=cmd_overdue)
    listing = inner.add_parser("list", parents=[common], help=t("access.cli.help_list"))
    listing.add_argument("--status", choices=FILTER_STATUSES)
    for name in ("requester", "purpose", "client", "archive-no"):
        listing.add_argument(f"--{name}", metavar="TEXT")
    listing.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    listing.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    listing.add_argument("--limit", type=int, default=200)
    listing.set_defaults(func=cmd_list)
    export = inner.add_parser("export", parents=[common], help=t("content.cli.help_export"))
    export.add_argument("request", metavar="REQUEST", help=t("content.cli.help_export_request"))
    export.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx",
                        help=t("content.cli.help_out"))
    export.add_argument("--records", metavar="NO[,NO…]",
                        help=t("content.cli.help_export_records"))
    export.add_argument("--lang", dest="file_lang", choices=LANGUAGES,
                        help=t("content.cli.help_lang"))
    export.set_defaults(func=cmd_export)
