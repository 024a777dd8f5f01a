"""The ``confterm`` command: argparse sub-commands over the vault's services.

Each feature area registers its own sub-commands (``register(sub, common)``) from its own
module; this file only wires them, sets the language and turns every ConftermError into one
sentence on stderr with its exit code. A traceback in front of a user is a bug, so anything
unexpected is reported as one line too.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from confterm.errors import EXIT_BAD_INPUT, ConftermError
from confterm.i18n import LANGUAGES, default_language, set_language, t

# Each sub-command and the feature module that registers it (``register(sub, common)``).
# Only the module of the command being run is imported: reports, spreadsheets and the
# benchmark pull in reportlab, openpyxl and more, which the unlock screen should not wait
# for. ``confterm --help`` imports them all. tests/unit/test_cli_commands.py checks that this
# table names every command each module registers, so a new command cannot be forgotten.
COMMANDS: dict[str, str] = {
    "init": "vault_commands", "user": "vault_commands", "audit": "vault_commands",
    "demo": "tui_commands",
    "bench": "bench_commands",
    "backup": "backup_commands", "check": "backup_commands", "restore": "backup_commands",
    "import": "catalogue_commands", "export": "catalogue_commands",
    "report": "report_commands", "verify": "report_commands",
    "access": "access_commands",
    "location": "location_commands",
    "rules": "rules_commands", "levels": "rules_commands", "review-days": "rules_commands",
}
# Modules that add options to another module's command (``init --recovery-sheet`` comes
# from the reports' module), loaded with that command's home.
EXTENDED_BY: dict[str, tuple[str, ...]] = {"init": ("report_commands",)}
COMMAND_MODULES = [f"confterm.cli.{m}" for m in dict.fromkeys(COMMANDS.values())]
TUI_MODULE = "confterm.cli.tui_commands"  # runs when no command is given


def _common(default: object = None) -> argparse.ArgumentParser:
    """``--vault`` and ``--as``, accepted before the command and after it.

    Sub-commands get them with ``default=SUPPRESS``: a sub-parser writes its defaults
    over what the top level parsed, so ``confterm --vault X import f.csv`` would have
    silently used another vault."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--vault", metavar="DIR", default=default, help=t("cli.help_vault"))
    common.add_argument("--as", dest="as_person", metavar="NAME", default=default,
                        help=t("cli.help_as"))
    return common


def _wanted_command(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` ("" for none), or None when every command must
    be known (``--help`` at the top level, or a word that is not a command)."""
    pre = argparse.ArgumentParser(add_help=False, parents=[_common()])
    pre.add_argument("--lang")
    pre.add_argument("--idle-timeout")
    pre.add_argument("-h", "--help", action="store_true")
    pre.add_argument("command", nargs="?")
    try:
        known, _rest = pre.parse_known_args(list(argv))
    except SystemExit:  # a malformed option: let the full parser say what is wrong
        return None
    if known.command is None:
        return None if known.help else ""
    return known.command if known.command in COMMANDS else None


def _modules_for(argv: Sequence[str] | None) -> list[str]:
    if argv is None:
        return COMMAND_MODULES
    wanted = _wanted_command(argv)
    if wanted is None:
        return COMMAND_MODULES
    if wanted == "":
        return [TUI_MODULE]
    homes = (COMMANDS[wanted], *EXTENDED_BY.get(wanted, ()))
    return [f"confterm.cli.{m}" for m in homes]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv``, only with the sub-command it names (see COMMANDS)."""
    parser = argparse.ArgumentParser(
        prog="confterm", parents=[_common()], description=t("cli.description"),
        epilog=t("cli.epilog"), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.help_lang"))
    parser.add_argument("--idle-timeout", type=int, metavar="SECONDS",
                        help=t("cli.help_idle_timeout"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _modules_for(argv):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub, _common(argparse.SUPPRESS))
    return parser


def _language_from_argv(argv: Sequence[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGUAGES:
            return arg[7:]
    return default_language()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_from_argv(argv))
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        from confterm.cli.tui_commands import cmd_tui

        func = cmd_tui
    try:
        return int(func(args))
    except ConftermError as exc:
        print(f"confterm: {exc.message()}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `confterm … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a process ended by SIGPIPE
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(t("cli.os_error", reason=exc.strerror or type(exc).__name__, where=where),
              file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        print(t("cli.internal_error", kind=type(exc).__name__), file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
