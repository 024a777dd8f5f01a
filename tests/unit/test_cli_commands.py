"""The command table: every sub-command is reachable, and running one (or the TUI) does
not import what only other commands need (reportlab, openpyxl), so start-up stays quick."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from confterm.cli import COMMAND_MODULES, COMMANDS, _common, main


@pytest.mark.parametrize("module", COMMAND_MODULES)
def test_the_table_names_exactly_the_commands_each_module_registers(module: str) -> None:
    sub = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(module).register(sub, _common())
    short = module.rsplit(".", 1)[1]
    assert set(sub.choices) == {c for c, m in COMMANDS.items() if m == short}


def _imported_after(argv: list[str]) -> set[str]:
    code = ("import sys; from confterm.cli import build_parser; "
            f"build_parser({argv!r}); "
            "print(' '.join(m for m in ('reportlab', 'openpyxl', 'confterm.bench.runner')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("argv", [["--vault", "/tmp/v"], ["demo"], ["audit", "verify", "--help"],
                                  ["--lang", "en", "user", "list"]])
def test_running_one_command_loads_only_its_module(argv: list[str]) -> None:
    assert _imported_after(argv) == set()


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    shown = capsys.readouterr().out
    assert all(command in shown for command in COMMANDS)


def test_an_unknown_command_is_one_sentence_naming_the_choices(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "en", "frobnicate"])
    assert exit_.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_an_extended_command_keeps_its_added_options() -> None:
    from confterm.cli import build_parser

    args = build_parser(["init", "--recovery-sheet", "sheet.pdf"]).parse_args(
        ["init", "--vault", "/tmp/v", "--name", "甲", "--recovery-sheet", "sheet.pdf"])
    assert args.recovery_sheet == "sheet.pdf"
