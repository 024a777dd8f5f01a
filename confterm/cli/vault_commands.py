"""Sub-commands of the vault core: init, user, audit verify."""

from __future__ import annotations

import argparse
import sys
from typing import Protocol

from confterm.errors import EXIT_OK, EXIT_VERIFY_FAILED
from confterm.i18n import t
from confterm.vault import audit, lifecycle, people
from confterm.vault.kdf import FAST_PARAMS, KdfParams
from confterm.vault.policy import check_passphrase
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx

from .context import unlock, vault_path
from .prompts import read_new_secret, read_secret


def _kdf(args: argparse.Namespace) -> KdfParams | None:
    return FAST_PARAMS if getattr(args, "fast_kdf", False) else None


class InitExtension(Protocol):
    """Something more ``init`` does: checked before the passphrase is asked, run after the
    recovery key is shown (so a failure there never costs the only copy of the key)."""

    def precheck(self, args: argparse.Namespace) -> None: ...

    def after_create(self, args: argparse.Namespace, created: lifecycle.Created, name: str,
                     secret: bytearray) -> None: ...


INIT_EXTENSIONS: list[InitExtension] = []


def cmd_init(args: argparse.Namespace) -> int:
    path = vault_path(args)
    name = people.check_name(args.name)
    lifecycle.check_new_vault_target(path)
    for extension in INIT_EXTENSIONS:
        extension.precheck(args)
    secret = read_new_secret(name)
    try:
        check_passphrase(bytes(secret).decode("utf-8"), person=name)
        if not args.fast_kdf:
            print(t("cli.calibrating"), file=sys.stderr)
        created = lifecycle.create_vault(path, name, secret, vault_name=args.vault_name,
                                         params=_kdf(args))
        try:
            print(t("cli.created", path=str(created.path), person=name))
            print(t("cli.recovery_once"))
            print("    " + created.recovery_key.decode("ascii"))
            sys.stdout.flush()
            for extension in INIT_EXTENSIONS:
                extension.after_create(args, created, name, secret)
        finally:
            wipe(created.recovery_key)
    finally:
        wipe(secret)
    return EXIT_OK


def cmd_user_add(args: argparse.Namespace) -> int:
    roles = people.parse_roles(args.role)
    name = people.check_name(args.name)
    with unlock(args) as session:
        secret = read_new_secret(name)
        try:
            lifecycle.enrol(session, name, roles, secret, params=_kdf(args))
        finally:
            wipe(secret)
    print(t("cli.enrolled", person=name, roles=", ".join(sorted(roles))))
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        old = read_secret("cli.current_passphrase", person=session.person.name)
        new = read_new_secret(session.person.name)
        try:
            lifecycle.change_passphrase(session, old, new)
        finally:
            wipe(old)
            wipe(new)
        print(t("cli.passphrase_changed", person=session.person.name))
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        lifecycle.disable(session, args.name)
    print(t("cli.disabled", person=args.name))
    return EXIT_OK


def cmd_user_reset(args: argparse.Namespace) -> int:
    path = vault_path(args)
    key = read_secret("cli.recovery_key")
    new = read_new_secret(args.name)
    try:
        lifecycle.reset_with_recovery(path, key, args.name, new, params=_kdf(args))
    finally:
        wipe(key)
        wipe(new)
    print(t("cli.passphrase_changed", person=args.name))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        everyone = session.call(lambda ctx: people.list_people(ctx.conn))
    for p in everyone:
        roles = ", ".join(t(f"people.role.{r}") for r in sorted(p.roles))
        state = t("cli.disabled_state") if not p.active else ""
        print(f"{p.name}\t{roles}\t{state}".rstrip())
    return EXIT_OK


def _verify(ctx: Ctx, code: str | None) -> tuple[audit.ChainReport, audit.CheckpointCheck | None]:
    report = audit.verify_chain(ctx.conn)
    check = audit.check_checkpoint(ctx.conn, code) if code else None
    return report, check


def cmd_audit_verify(args: argparse.Namespace) -> int:
    if args.checkpoint:
        audit.parse_checkpoint_code(args.checkpoint)  # a typo is bad input: fail before unlocking
    with unlock(args) as session:
        report, check = session.call(_verify, args.checkpoint)
    if not report.intact:
        print(t(report.reason or "audit.hash_mismatch", seq=report.first_bad), file=sys.stderr)
        return EXIT_VERIFY_FAILED
    print(t("audit.intact", count=report.count,
            head=audit.checkpoint_code(report.count, report.head_hash)))
    if check is not None:
        if not check.ok:
            print(t(check.reason or "audit.truncated", seq=check.count), file=sys.stderr)
            return EXIT_VERIFY_FAILED
        print(t("audit.checkpoint_ok", code=args.checkpoint, seq=check.count))
    return EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help=t("cli.help_init"))
    p.add_argument("--name", required=True, help=t("cli.help_admin_name"))
    p.add_argument("--vault-name", help=t("cli.help_vault_name"))
    p.add_argument("--fast-kdf", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_init)

    user = sub.add_parser("user", help=t("cli.help_user"))
    usub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = usub.add_parser("add", parents=[common], help=t("cli.help_user_add"))
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, help=", ".join(people.ROLES))
    add.add_argument("--fast-kdf", action="store_true", help=argparse.SUPPRESS)
    add.set_defaults(func=cmd_user_add)
    pw = usub.add_parser("passwd", parents=[common], help=t("cli.help_user_passwd"))
    pw.set_defaults(func=cmd_user_passwd)
    dis = usub.add_parser("disable", parents=[common], help=t("cli.help_user_disable"))
    dis.add_argument("name")
    dis.set_defaults(func=cmd_user_disable)
    lst = usub.add_parser("list", parents=[common], help=t("cli.help_user_list"))
    lst.set_defaults(func=cmd_user_list)
    rst = usub.add_parser("reset", parents=[common], help=t("cli.help_user_reset"))
    rst.add_argument("name")
    rst.add_argument("--fast-kdf", action="store_true", help=argparse.SUPPRESS)
    rst.set_defaults(func=cmd_user_reset)

    aud = sub.add_parser("audit", help=t("cli.help_audit"))
    asub = aud.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    ver = asub.add_parser("verify", parents=[common], help=t("cli.help_audit_verify"))
    ver.add_argument("--checkpoint", help=t("cli.help_checkpoint"))
    ver.set_defaults(func=cmd_audit_verify)

