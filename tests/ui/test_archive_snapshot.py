"""Snapshots of the archive browser (Chinese, 120×32 and the smallest size, 80×24).

The catalogue is seeded with a fixed clock and every status shown is stable for years
(retention ended before 2026, or ends after 2030). Only the shell's and the Archive
area's commands are registered, so another area's new key does not change the footer.
Update after a deliberate change with ``pytest --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from confterm import areas, attention, commands
from confterm.app import ConftermApp
from tests.ui.archive_seed import Seeded, archive_template, archive_vault
from tests.ui.conftest import CUSTODIAN, on_screen, unlock, wait_for

__all__ = ["archive_template", "archive_vault"]
MakeApp = Callable[..., ConftermApp]
KEEP_AREAS = {"home", "archive"}


@pytest.fixture(autouse=True)
def archive_only(monkeypatch: pytest.MonkeyPatch) -> None:
    areas.discover()
    monkeypatch.setattr(areas, "_AREAS", {k: v for k, v in areas._AREAS.items()
                                          if k in KEEP_AREAS})
    monkeypatch.setattr(commands, "_REGISTRY", {
        k: v for k, v in commands._REGISTRY.items()
        if "." not in k or k.split(".")[0] in {"dialog", "archive", "record_picker"}
        or k.split(".")[0].startswith("archive_") or k in {"area.home", "area.archive"}})
    monkeypatch.setattr(attention, "_PROVIDERS", {})


async def _browser(pilot: Any) -> None:
    app = pilot.app
    await unlock(pilot, CUSTODIAN)
    await pilot.press("j")
    await wait_for(pilot, lambda: on_screen(app, "ArchiveScreen")
                   and app.screen.browser.records.counted)
    await pilot.press("down", "down", "space")
    await pilot.pause(0.3)  # the detail pane follows the cursor after a short pause


def test_archive_browser(snap_compare: Any, make_app: MakeApp,
                         archive_vault: tuple[Path, Seeded]) -> None:
    app = make_app(path=archive_vault[0], lang="zh_CN")
    assert snap_compare(app, terminal_size=(120, 32), run_before=_browser)


def test_archive_browser_small(snap_compare: Any, make_app: MakeApp,
                               archive_vault: tuple[Path, Seeded]) -> None:
    app = make_app(path=archive_vault[0], lang="zh_CN")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_browser)
