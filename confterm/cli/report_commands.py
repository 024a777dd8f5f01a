"""``confterm report KIND`` and ``confterm verify``: signed reports from the command line.

Everything that can be wrong with the request (kind, dates, output path, copies, purpose,
a mistyped short code) is refused before the vault is unlocked and before any slow work,
each with one sentence and exit code 2. ``verify`` exits 0 only when every check passed,
else 1 with the reasons.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from confterm.errors import EXIT_OK, EXIT_VERIFY_FAILED, InputError
from confterm.i18n import LANGUAGES, language, t
from confterm.reports import codes
from confterm.vault import people, presence
from confterm.vault.access.content import parse_request
from confterm.vault.reporting import deliver, kinds, produce, run
from confterm.vault.reporting.common import period
from confterm.vault.reporting.glyphs import Missing
from confterm.vault.reporting.inventory import GROUPS
from confterm.vault.secrets import wipe
from confterm.vault.session import VaultSession

from . import report_output as out
from .context import unlock
from .prompts import read_secret

CA_KIND = "ca-certificate"


def _options(args: argparse.Namespace) -> kinds.ReportOptions:
    target = args.register or args.session or args.appraisal
    return kinds.ReportOptions(
        kind=args.kind, lang=args.report_lang or language(), purpose=args.purpose or "",
        date_from=args.date_from, date_to=args.date_to, by=args.by, client=args.client,
        location=args.location, level=args.level, include_destroyed=args.include_destroyed,
        target=target, request=args.request, records=args.records)


def _check_request(args: argparse.Namespace, options: kinds.ReportOptions) -> Path | None:
    """Every refusal that needs no vault, before unlocking."""
    if not args.out and not args.print:
        raise InputError("reporting.cli.no_destination")
    produce.check_purpose(options.purpose)
    period(options.date_from, options.date_to)
    if options.kind == "record-content":
        parse_request(options.request)
    if not 1 <= args.copies <= 99:
        raise InputError("reporting.bad_copies", copies=args.copies)
    return deliver.check_writable(Path(args.out)) if args.out else None


def _glyph_gate(accept: bool) -> Callable[[list[Missing]], None]:
    def check(missing: list[Missing]) -> None:
        if not missing:
            return
        first = missing[0]
        if not accept:
            raise InputError("reporting.missing_glyphs", count=len(missing),
                             chars=" ".join(m.char for m in missing[:12]),
                             char=first.char, codepoint=first.codepoint, where=first.where)
        print(t("reporting.cli.missing_warning", count=len(missing),
                chars=" ".join(f"{m.char} ({m.codepoint})" for m in missing[:12])),
              file=sys.stderr)
    return check


def _cosigners(session: VaultSession, names: list[str]) -> list[presence.Presence]:
    present: list[presence.Presence] = []
    try:
        for name in names:
            if name == session.person.name:
                raise InputError("reporting.cosigner_is_generator", person=name)
            secret = read_secret("reporting.cli.cosigner_passphrase", person=name)
            try:
                present.append(presence.verify(session, name, secret, people.ROLES, None))
            finally:
                wipe(secret)
    except BaseException:
        for p in present:
            p.dispose()
        raise
    return present


def _progress(done: int, total: int, step: str, params: dict[str, object]) -> None:
    if step != "done":
        print(t(f"reporting.step.{step}", **params), file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    if args.kind == CA_KIND:
        return out.write_ca(args)
    options = _options(args)
    kinds.get(options.kind)
    target = _check_request(args, options)
    with unlock(args) as session:
        typed: bytearray | None = None
        if options.kind == "recovery-sheet":
            from confterm.vault.reporting.recovery import check_recovery_key

            typed = read_secret("reporting.cli.recovery_key")
            try:
                canonical = check_recovery_key(session, typed)
            finally:
                wipe(typed)
            options.recovery_key = canonical.decode("ascii")
            wipe(canonical)
        present = _cosigners(session, args.cosign or [])
        try:
            role = t("reporting.r.cosigner", options.lang)
            made = run.generate(session, options, [(p, role, "") for p in present],
                                progress=_progress,
                                check_glyphs=_glyph_gate(args.accept_missing_glyphs))
        finally:
            for p in present:
                p.dispose()
        out.issued_summary(made)
        if target is not None:
            saved = deliver.save(session, made.issued, made.produced.pdf, target,
                                 options.purpose)
            print(t("reporting.cli.saved", path=str(saved)))
        if args.print:
            printed = deliver.print_report(session, made.issued, made.produced.pdf,
                                           args.printer, args.copies, options.purpose)
            print(t("reporting.cli.queued" if printed.queued else "reporting.cli.printed",
                    printer=printed.printer, job=printed.job_id, copies=printed.copies))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    if args.code:
        if args.file or args.ca:
            raise InputError("reporting.cli.code_or_file")
        if not args.code.strip().upper().startswith(codes.QR_PREFIX + ":"):
            codes.parse_short_code(args.code)  # a typo is bad input: refuse before unlocking
        from confterm.vault.reporting import issued

        with unlock(args) as session:
            found = session.call(issued.lookup, args.code)
        return out.stored(found)
    if not args.file:
        raise InputError("reporting.cli.verify_what")
    pdf = out.read_pdf(Path(args.file))
    from confterm.vault.reporting import verify_file

    if args.ca:
        verdict = verify_file.offline(pdf, out.read_ca(Path(args.ca)))
    else:
        with unlock(args) as session:
            verdict = session.call(verify_file.in_vault, pdf)
    return EXIT_OK if out.verdict(verdict, args.file) else EXIT_VERIFY_FAILED


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("report", parents=[common], help=t("reporting.cli.help_report"))
    p.add_argument("kind", choices=[*kinds.KIND_NAMES, CA_KIND], metavar="KIND",
                   help=", ".join([*kinds.KIND_NAMES, CA_KIND]))
    p.add_argument("--out", metavar="FILE", help=t("reporting.cli.help_out"))
    p.add_argument("--print", action="store_true", help=t("reporting.cli.help_print"))
    p.add_argument("--printer", metavar="P", help=t("reporting.cli.help_printer"))
    p.add_argument("--copies", type=int, default=1, metavar="N")
    p.add_argument("--lang", dest="report_lang", choices=LANGUAGES,
                   help=t("reporting.cli.help_lang"))
    p.add_argument("--purpose", metavar="TEXT", help=t("reporting.cli.help_purpose"))
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--by", choices=GROUPS, default="client", help=t("reporting.cli.help_by"))
    p.add_argument("--client", metavar="TEXT", help=t("reporting.cli.help_client"))
    p.add_argument("--location", metavar="TEXT", help=t("reporting.cli.help_location"))
    p.add_argument("--level", metavar="CODE", help=t("reporting.cli.help_level"))
    p.add_argument("--include-destroyed", action="store_true")
    p.add_argument("--register", metavar="ID", help=t("reporting.cli.help_register"))
    p.add_argument("--session", metavar="ID", help=t("reporting.cli.help_session"))
    p.add_argument("--appraisal", metavar="ID", help=t("reporting.cli.help_appraisal"))
    p.add_argument("--request", metavar="N", help=t("content.cli.help_request"))
    p.add_argument("--records", metavar="NO[,NO…]", help=t("content.cli.help_records"))
    p.add_argument("--cosign", action="append", metavar="NAME",
                   help=t("reporting.cli.help_cosign"))
    p.add_argument("--accept-missing-glyphs", action="store_true",
                   help=t("reporting.cli.help_accept_glyphs"))
    p.set_defaults(func=cmd_report)

    v = sub.add_parser("verify", parents=[common], help=t("reporting.cli.help_verify"))
    v.add_argument("file", nargs="?", metavar="REPORT.pdf")
    v.add_argument("--ca", metavar="FILE", help=t("reporting.cli.help_ca"))
    v.add_argument("--code", metavar="CODE", help=t("reporting.cli.help_code"))
    v.set_defaults(func=cmd_verify)

    from .report_init import extend_init

    extend_init(sub)
