"""Chinese lines up in the audit list; the CLI opens the TUI with its options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from confterm import areas
from confterm.app import ConftermApp
from confterm.cli import main
from confterm.widgets.audit_list import columns, format_row


def test_columns_line_up_with_double_width_names() -> None:
    widths = columns(1_000_001, 100)
    rows = [format_row(cells, widths, 100) for cells in (
        ["7", "2026-01-15 10:00:00", "欧阳娜娜", "person.enrol", "person:欧阳娜娜"],
        ["1000001", "2026-01-15 10:00:01", "Li Jianguo", "record.read", "record:42"],
        ["12", "2026-01-15 10:00:02", "张伟", "destruction.session_verified_with_a_long_name",
         "session:JX-2026-001"])]
    assert {cell_len(row) for row in rows} == {100}
    starts = []
    for row in rows:  # the action column starts at the same cell in every row
        prefix = row[:row.index(next(a for a in ("person.", "record.", "destruction.")
                                     if a in row))]
        starts.append(cell_len(prefix))
    assert len(set(starts)) == 1
    assert "…" in rows[2]  # a cut value says it was cut


def test_idle_timeout_out_of_range_is_refused(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "--vault", str(tmp_path), "--idle-timeout", "2"]) == 2
    assert "out of range" in capsys.readouterr().err


def test_the_tui_gets_the_command_line_options(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[ConftermApp] = []
    monkeypatch.setattr(ConftermApp, "run", lambda self, *a, **k: started.append(self))
    assert main(["--lang", "en", "--idle-timeout", "60", "--vault", str(tmp_path / "v")]) == 0
    app = started[0]
    assert app.vault_path == tmp_path / "v" and app.idle_override == 60 and app.lang_forced


def test_a_broken_area_module_does_not_stop_unlocking(monkeypatch: pytest.MonkeyPatch) -> None:
    real = areas.importlib.import_module

    def flaky(name: str, *args: Any) -> Any:
        if name == "confterm.screens.audit":
            raise SyntaxError("someone's half-saved file")
        return real(name, *args)

    monkeypatch.setattr(areas, "_discovered", [False])
    monkeypatch.setattr(areas, "FAILED", {})
    monkeypatch.setattr(areas.importlib, "import_module", flaky)
    areas.discover()
    assert areas.FAILED == {"confterm.screens.audit": "SyntaxError"}
    assert areas.get("home") is not None
