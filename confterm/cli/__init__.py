"""The ``confterm`` command: argparse sub-commands over the vault's services.

Each feature area registers its own sub-commands (``register(sub, common)``) from its own
module; this file only wires them, sets the language and turns every ConftermError into one
sentence on stderr with its exit code. A traceback in front of a user is a bug, so anything
unexpected is reported as one line too.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from confterm.errors import EXIT_BAD_INPUT, ConftermError
from confterm.i18n import LANGUAGES, default_language, set_language, t

# Feature modules that add sub-commands; each has register(sub, common).
COMMAND_MODULES = [
    "confterm.cli.vault_commands",
    "confterm.cli.tui_commands",
    "confterm.cli.bench_commands",
    "confterm.cli.backup_commands",
    "confterm.cli.catalogue_commands",
    "confterm.cli.report_commands",
    "confterm.cli.access_commands",
    "confterm.cli.location_commands",
    "confterm.cli.rules_commands",
]


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--vault", metavar="DIR", help=t("cli.help_vault"))
    common.add_argument("--as", dest="as_person", metavar="NAME", help=t("cli.help_as"))
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="confterm", parents=[common], description=t("cli.description"),
        epilog=t("cli.epilog"), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.help_lang"))
    parser.add_argument("--idle-timeout", type=int, metavar="SECONDS",
                        help=t("cli.help_idle_timeout"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub, common)
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
    parser = build_parser()
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
