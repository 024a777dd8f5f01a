"""Sub-commands: backup DEST | backup verify SRC | backup list | backup warn-days N,
restore SRC --vault DIR, and check. Thin: every decision lives in confterm.vault."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from confterm.errors import EXIT_OK, EXIT_VERIFY_FAILED, AuthError, DamageError, InputError
from confterm.i18n import t
from confterm.vault import (
    backup,
    backup_adopt,
    backup_register,
    backup_verify,
    check,
    lifecycle,
    restore,
)
from confterm.vault.secrets import wipe

from .context import default_vault, unlock, vault_path, who
from .prompts import read_secret


class Progress:
    """Stage names with a percentage on stderr when it is a terminal; silent otherwise."""

    def __init__(self, prefix: str = "backup.stage.") -> None:
        self.prefix = prefix
        self.last = ""
        self.tty = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.tty:  # scripts read stderr for the one-sentence error only
            return
        label = t(self.prefix + stage)
        if stage != self.last:
            if self.last:
                print(file=sys.stderr)
            self.last = stage
            print(label, end="", file=sys.stderr, flush=True)
        elif total > 1:
            print(f"\r{label} {100 * done // max(total, 1)}%", end="", file=sys.stderr,
                  flush=True)

    def end(self) -> None:
        if self.tty and self.last:
            print(file=sys.stderr)


def cmd_backup(args: argparse.Namespace) -> int:
    words = list(args.words)
    if words[0] == "verify" and len(words) == 2:
        return _verify(args, Path(words[1]))
    if words[0] == "list" and len(words) == 1:
        return _list(args)
    if words[0] == "warn-days" and len(words) == 2:
        return _warn_days(args, words[1])
    if len(words) != 1:
        raise InputError("backup.usage_words")
    with unlock(args) as session:
        progress = Progress()
        try:
            result = backup.create_backup(session, Path(words[0]), args.label, args.kept_at,
                                          progress)
        finally:
            progress.end()
    print(t("backup.written", path=str(result.path), size=result.manifest.total_size,
            events=result.report.events))
    print(t("backup.registered", label=result.manifest.label,
            kept_at=result.manifest.kept_at or "—"))
    if not result.manifest.kept_at:
        print(t("backup.kept_at_hint"), file=sys.stderr)
    return EXIT_OK


def _unlock_backup(pre: backup_verify.Preflight, name: str,
                   secret: bytearray) -> bytearray:
    try:
        return backup_verify.unlock(pre, name, secret)
    except AuthError as exc:
        if exc.key != "backup.wrong_passphrase":
            raise
    again = read_secret("backup.backup_passphrase", person=name)
    try:
        return backup_verify.unlock(pre, name, again)
    finally:
        wipe(again)


def _verify(args: argparse.Namespace, src: Path) -> int:
    pre = backup_verify.preflight(src.expanduser())  # damage found before any passphrase
    record = bool(args.record)
    name = who(args, vault_path(args) if record else pre.path)
    secret = read_secret("cli.passphrase", person=name)
    session = None
    try:
        if record:
            session = lifecycle.open_vault(vault_path(args), name, secret)
            if session.vault_id != pre.manifest.vault_id:
                raise InputError("backup.record_other_vault", path=str(pre.path))
            dek = _unlock_backup(pre, name, secret)
        else:
            dek = backup_verify.unlock(pre, name, secret)
        try:
            progress = Progress()
            report = backup_verify.verify_contents(pre, dek, progress)
            progress.end()
        finally:
            wipe(dek)
        _print_report(report)
        if report.ok and session is not None:
            if backup_adopt.adopt(session, pre.path):
                print(t("backup.verify_adopted"))
            session.call(backup_register.mark_verified, pre.manifest.backup_id,
                         str(pre.path), report.events)
            print(t("backup.verify_recorded"))
    finally:
        wipe(secret)
        if session is not None:
            session.close()
    return EXIT_OK if report.ok else EXIT_VERIFY_FAILED


def _print_report(report: backup_verify.VerifyReport) -> None:
    m = report.manifest
    if not report.ok:
        print(t("backup.verify_bad", path=str(report.path)), file=sys.stderr)
        for problem in report.problems:
            print("  " + t(problem.key, **problem.params), file=sys.stderr)
        return
    print(t("backup.verify_ok", path=str(report.path)))
    print(t("backup.verify_facts", vault=m.vault_name, created=m.created_at,
            person=m.created_by, label=m.label))
    print(t("backup.verify_counts", events=report.events,
            people=report.tables.get("people", 0), tables=len(report.tables),
            rows=sum(report.tables.values())))
    if report.newer_migrations:
        print(t("backup.verify_newer", migration=report.newer_migrations[0]))


def _list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        rows = session.call(backup_register.list_backups)
        warning = session.call(backup_register.backup_warning)
    if not rows:
        print(t("backup.list_empty"))
    for r in rows:
        print(t("backup.list_row", created=r.created_at[:19], label=r.label,
                kept_at=r.kept_at or "—", head=r.head_seq, size=r.size_bytes,
                verified=(r.verified_at or t("backup.never"))[:19], location=r.location))
    if warning is not None:
        print(t(warning.key, **warning.params), file=sys.stderr)
    return EXIT_OK


def _warn_days(args: argparse.Namespace, text: str) -> int:
    if not text.isdigit():
        raise InputError("backup.bad_warn_days", maximum=backup_register.MAX_WARN_DAYS)
    with unlock(args) as session:
        session.call(backup_register.set_warn_days, int(text))
    print(t("backup.warn_days_set", days=int(text)))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    if not args.vault:
        raise InputError("backup.restore_needs_vault")
    chosen = [x for x in (args.current, args.newer, args.no_newer_history) if x]
    if len(chosen) > 1:
        raise InputError("backup.restore_history_exclusive")
    src, target = Path(args.src).expanduser(), Path(args.vault).expanduser()
    pre = restore.preflight_restore(src, target)  # refusals that need no passphrase
    name = who(args, pre.path)
    candidates = [default_vault()]  # the backup's own origin is tried first anyway
    if os.environ.get("CONFTERM_VAULT"):
        candidates.insert(0, Path(os.environ["CONFTERM_VAULT"]))
    secret = read_secret("backup.backup_passphrase", person=name)
    progress = Progress()
    try:
        result = restore.restore(
            src, target, name, secret,
            current=Path(args.current) if args.current else None,
            newer=Path(args.newer) if args.newer else None, candidates=candidates,
            no_newer_history=args.no_newer_history, progress=progress)
    finally:
        progress.end()
        wipe(secret)
    m = result.manifest
    print(t("backup.restored", path=str(result.path), created=m.created_at,
            events=m.audit_count, seq=result.audit_seq))
    if result.history_path is not None:
        print(t("backup.restored_history", source=t(f"backup.history_{result.history}",
                                                    path=str(result.history_path))))
    else:
        if result.unreadable is not None:
            print(t("backup.restored_unreadable", path=str(result.unreadable)))
        print(t("backup.restored_no_history"))
    if result.purged:
        print(t("backup.restored_purged", count=len(result.purged)))
        for line in result.purged:
            print("    " + line)
    else:
        print(t("backup.restored_nothing_purged"))
    if result.migrations_applied:
        print(t("backup.restored_migrations", names=", ".join(result.migrations_applied)))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    path = vault_path(args)
    if not lifecycle.is_vault(path):
        lifecycle.load_slots(path)  # raises the message that fits: missing, not a vault...
    before = check.keyslot_status(path)
    total = len(check.CHECKS)

    def progress(name: str, done: int, _total: int) -> None:
        if name == "check" and done < total and sys.stderr.isatty():
            step = check.CHECKS[done]
            print(t("backup.check_progress", step=done + 1, total=total,
                    name=t(f"backup.check_name.{step}")), file=sys.stderr, flush=True)

    if before.key == "backup.check_keyslots_both_damaged":
        return _report_lines([before], not_run=check.CHECKS[1:])
    try:
        session = unlock(args)
    except DamageError as exc:
        failed = check.CheckLine("cipher_integrity", False, "backup.check_database_open_failed",
                                 {"reason": exc.message()})
        return _report_lines([before, failed], not_run=check.CHECKS[2:])
    with session:
        lines = check.run_checks(session, progress, keyslots_before=before)
    return _report_lines(lines)


def _report_lines(lines: list[check.CheckLine], not_run: tuple[str, ...] = ()) -> int:
    for line in lines:
        mark = "✔" if line.ok else "✘"
        print(f"{mark} {t(line.key, **line.params)}")
    for name in not_run:
        print(f"- {t('backup.check_not_run', check=t(f'backup.check_name.{name}'))}")
    failed = sum(1 for line in lines if not line.ok) + len(not_run)
    count = len(lines) + len(not_run)
    if failed:
        print(t("backup.check_summary_bad", failed=failed, count=count))
        return EXIT_VERIFY_FAILED
    print(t("backup.check_summary_ok", count=count))
    return EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", parents=[common], help=t("backup.help_backup"),
                       description=t("backup.usage_words"))
    p.add_argument("words", nargs="+", metavar="DEST", help=t("backup.help_words"))
    p.add_argument("--label", help=t("backup.help_label"))
    p.add_argument("--kept-at", metavar="PLACE", help=t("backup.help_kept_at"))
    p.add_argument("--record", action="store_true", help=t("backup.help_record"))
    p.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", parents=[common], help=t("backup.help_restore"))
    r.add_argument("src", metavar="SRC")
    r.add_argument("--current", metavar="DIR", help=t("backup.help_current"))
    r.add_argument("--newer", metavar="SRC2", help=t("backup.help_newer"))
    r.add_argument("--no-newer-history", action="store_true",
                   help=t("backup.help_no_newer_history"))
    r.set_defaults(func=cmd_restore)

    c = sub.add_parser("check", parents=[common], help=t("backup.help_check"))
    c.set_defaults(func=cmd_check)
