"""Snapshots of the unlock, home and lock screens (80×24, the smallest supported size).

The vault is built with fixed times and ids, so its audit head (shown on home) is the same
on every run. Update after a deliberate change with ``pytest --snapshot-update`` and look
at the SVGs in tests/ui/__snapshots__/ before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from confterm import areas, attention, commands
from confterm.app import ConftermApp
from tests.ui.conftest import ADMIN, on_screen, unlock, wait_for

MakeApp = Callable[..., ConftermApp]
SHELL_AREAS = {"home", "people", "audit"}


@pytest.fixture(autouse=True)
def shell_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the shell's own areas, commands and (no) attention providers: other features'
    screens change on their own schedule and must not change these pictures."""
    areas.discover()
    monkeypatch.setattr(areas, "_AREAS", {k: v for k, v in areas._AREAS.items()
                                          if k in SHELL_AREAS})
    monkeypatch.setattr(commands, "_REGISTRY", {
        k: v for k, v in commands._REGISTRY.items()
        if k.split(".")[0] in {"people", "audit", "dialog"} or "." not in k
        or k in {f"area.{a}" for a in SHELL_AREAS}})
    monkeypatch.setattr(attention, "_PROVIDERS", {})


async def _unlock_screen_ready(pilot: Any) -> None:
    await wait_for(pilot, lambda: on_screen(pilot.app, "UnlockScreen"))


async def _home_ready(pilot: Any) -> None:
    await unlock(pilot, ADMIN)


async def _locked(pilot: Any) -> None:
    await unlock(pilot, ADMIN)
    await pilot.press("ctrl+l")
    await wait_for(pilot, lambda: on_screen(pilot.app, "LockScreen"))


def test_unlock_screen(snap_compare: Any, make_app: MakeApp, fixed_vault: Path) -> None:
    app = make_app(path=fixed_vault, lang="zh_CN")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_unlock_screen_ready)


def test_home_screen(snap_compare: Any, make_app: MakeApp, fixed_vault: Path) -> None:
    app = make_app(path=fixed_vault, lang="zh_CN")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_home_ready)


def test_home_screen_in_english(snap_compare: Any, make_app: MakeApp,
                                fixed_vault: Path) -> None:
    app = make_app(path=fixed_vault, lang="en")
    assert snap_compare(app, terminal_size=(100, 28), run_before=_home_ready)


def test_lock_screen(snap_compare: Any, make_app: MakeApp, fixed_vault: Path) -> None:
    app = make_app(path=fixed_vault, lang="zh_CN")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_locked)
