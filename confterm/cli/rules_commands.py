"""``confterm rules|levels|review-days``: the catalogue's rules from a script.

The same audited services as the F9 screen (``rules``, ``classify``, ``rules_admin``):
only an administrator may change anything, everyone who can unlock may list. Periods,
ranks and days are parsed by ``rules_admin`` so the CLI refuses exactly what the screen
refuses, in the same sentence. ``rules edit`` prints how many records' retention ends
moved, which is what an administrator checks after changing a period.
"""

from __future__ import annotations

import argparse
from typing import Any

from confterm.errors import EXIT_OK, InputError
from confterm.i18n import t
from confterm.vault.catalogue import classify, rules, rules_admin
from confterm.vault.retention_rules import COUNTED_FROM, RetentionRule
from confterm.vault.session import Ctx

from .context import unlock

TEXT_OPTIONS = ("name_zh", "name_en", "basis_zh", "basis_en")


def _years(args: argparse.Namespace, category: str) -> int | str | None:
    """The period asked for, or "keep" (rules.edit's marker) when none was given."""
    if args.permanent:
        return None
    if args.years is not None:
        return rules_admin.parse_years(args.years, category)
    return "keep"


def _rule_line(rule: RetentionRule, version: int) -> str:
    return "\t".join((rule.category, rule.name(), rule.period_text(),
                      t(f"rules.counted_from.{rule.counted_from}"),
                      t("rules.yes") if rule.firm_rule else "-", str(version), rule.basis()))


def cmd_rules_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        listed = session.call(lambda ctx: rules.list_rules(ctx.conn))
    print("\t".join(t(f"rules.col.{c}") for c in ("category", "name", "period",
                                                  "counted_from", "firm_rule", "version",
                                                  "basis")))
    for rule, version in listed:
        print(_rule_line(rule, version))
    return EXIT_OK


def _edit(ctx: Ctx, category: str, version: int | None,
          changes: dict[str, Any]) -> tuple[int, RetentionRule]:
    recomputed = rules.edit(ctx, category, version, **changes)
    after = next(r for r, _v in rules.list_rules(ctx.conn) if r.category == category)
    return recomputed, after


def cmd_rules_edit(args: argparse.Namespace) -> int:
    category = args.category.strip()
    changes: dict[str, Any] = {"years": _years(args, category)}
    if args.counted_from is not None:
        changes["counted_from"] = args.counted_from
    if args.firm_rule is not None:
        changes["firm_rule"] = args.firm_rule
    if args.aliases is not None:
        changes["aliases"] = rules_admin.parse_aliases(args.aliases)
    for name in TEXT_OPTIONS:
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name).strip()
    if changes == {"years": "keep"}:
        raise InputError("rules.cli.nothing_to_change", category=category)
    with unlock(args) as session:
        recomputed, after = session.call(_edit, category, args.expect_version, changes)
    print(t("rules.cli.edited", category=category, name=after.name(),
            period=after.period_text(), count=f"{recomputed:,}"))
    return EXIT_OK


def cmd_rules_add(args: argparse.Namespace) -> int:
    category = args.category.strip()
    years = _years(args, category)
    if isinstance(years, str):  # "keep": a new category has no period to keep
        raise InputError("rules.cli.period_required", category=category)
    rule = RetentionRule(category=category, years=years,
                         counted_from=args.counted_from or COUNTED_FROM[0],
                         firm_rule=bool(args.firm_rule),
                         aliases=rules_admin.parse_aliases(args.aliases or ""),
                         **{n: (getattr(args, n) or "").strip() for n in TEXT_OPTIONS})
    with unlock(args) as session:
        session.call(rules.add, rule)
    print(t("rules.added", category=category, name=rule.name()))
    return EXIT_OK


def cmd_levels_list(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        levels, usage = session.call(lambda ctx: (classify.levels(ctx.conn),
                                                  rules_admin.level_usage(ctx.conn)))
    print("\t".join(t(f"rules.col.{c}") for c in ("rank", "code", "name_zh", "name_en",
                                                  "builtin", "records")))
    for lv in levels:
        print("\t".join((str(lv.rank), lv.code, lv.name_zh, lv.name_en,
                         t("rules.yes") if lv.builtin else "-", str(usage.get(lv.code, 0)))))
    return EXIT_OK


def _set_level(ctx: Ctx, code: str, rank: int | None, zh: str | None, en: str | None) -> bool:
    """Edit an existing level (options not given stay) or add a new one; True if added."""
    current = next((lv for lv in classify.levels(ctx.conn) if lv.code == code), None)
    if current is None:
        if rank is None or not zh or not en:
            raise InputError("rules.cli.new_level_needs", code=code)
        rules_admin.add_level(ctx, code, rank, zh, en)
        return True
    classify.save_level(ctx, code, current.rank if rank is None else rank,
                        current.name_zh if zh is None else zh,
                        current.name_en if en is None else en)
    return False


def cmd_levels_set(args: argparse.Namespace) -> int:
    code = args.code.strip()
    rank = None if args.rank is None else rules_admin.parse_rank(args.rank)
    with unlock(args) as session:
        added = session.call(_set_level, code, rank, args.zh, args.en)
    print(t("rules.level_added" if added else "rules.level_saved", code=code))
    return EXIT_OK


def cmd_levels_remove(args: argparse.Namespace) -> int:
    with unlock(args) as session:
        session.call(rules_admin.remove_level, args.code.strip())
    print(t("rules.level_removed", code=args.code.strip()))
    return EXIT_OK


def cmd_review_days(args: argparse.Namespace) -> int:
    days = None if args.days is None else rules_admin.parse_review_days(args.days)
    with unlock(args) as session:
        if days is not None:
            session.call(classify.set_review_days, days)
        current = session.call(lambda ctx: classify.review_days(ctx.conn))
    print(t("rules.review_saved" if days is not None else "rules.review_line", days=current))
    return EXIT_OK


def _rule_options(parser: argparse.ArgumentParser) -> None:
    period = parser.add_mutually_exclusive_group()
    period.add_argument("--years", metavar="N", help=t("rules.cli.help_years"))
    period.add_argument("--permanent", action="store_true", help=t("rules.cli.help_permanent"))
    parser.add_argument("--counted-from", choices=COUNTED_FROM,
                        help=t("rules.cli.help_counted_from"))
    firm = parser.add_mutually_exclusive_group()
    firm.add_argument("--firm-rule", dest="firm_rule", action="store_true", default=None,
                      help=t("rules.cli.help_firm_rule"))
    firm.add_argument("--legal-minimum", dest="firm_rule", action="store_false", default=None,
                      help=t("rules.cli.help_legal_minimum"))
    parser.add_argument("--aliases", metavar="A,B,…", help=t("rules.cli.help_aliases"))
    for name in TEXT_OPTIONS:
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar="TEXT",
                            help=t(f"rules.field.{name}"))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser("rules", parents=[common], help=t("rules.cli.help"))
    inner = top.add_subparsers(dest="rules_command", metavar="COMMAND", required=True)
    inner.add_parser("list", parents=[common], help=t("rules.cli.help_list")
                     ).set_defaults(func=cmd_rules_list)
    edit = inner.add_parser("edit", parents=[common], help=t("rules.cli.help_edit"))
    edit.add_argument("category", metavar="CATEGORY")
    _rule_options(edit)
    edit.add_argument("--expect-version", type=int, metavar="N",
                      help=t("rules.cli.help_expect_version"))
    edit.set_defaults(func=cmd_rules_edit)
    add = inner.add_parser("add", parents=[common], help=t("rules.cli.help_add"))
    add.add_argument("category", metavar="CATEGORY")
    _rule_options(add)
    add.set_defaults(func=cmd_rules_add)

    levels = sub.add_parser("levels", parents=[common], help=t("rules.cli.help_levels"))
    inner = levels.add_subparsers(dest="levels_command", metavar="COMMAND", required=True)
    inner.add_parser("list", parents=[common], help=t("rules.cli.help_levels_list")
                     ).set_defaults(func=cmd_levels_list)
    put = inner.add_parser("set", parents=[common], help=t("rules.cli.help_levels_set"))
    put.add_argument("code", metavar="CODE")
    put.add_argument("--rank", metavar="N")
    put.add_argument("--zh", metavar="NAME", help=t("rules.field.name_zh"))
    put.add_argument("--en", metavar="NAME", help=t("rules.field.name_en"))
    put.set_defaults(func=cmd_levels_set)
    remove = inner.add_parser("remove", parents=[common], help=t("rules.cli.help_levels_remove"))
    remove.add_argument("code", metavar="CODE")
    remove.set_defaults(func=cmd_levels_remove)

    review = sub.add_parser("review-days", parents=[common], help=t("rules.cli.help_review"))
    review.add_argument("days", metavar="N", nargs="?")
    review.set_defaults(func=cmd_review_days)
