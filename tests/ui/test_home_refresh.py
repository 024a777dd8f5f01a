"""Home reads what needs attention again whenever a person comes back to it: a count left
from the unlock (a hold started in Archive, a rule changed) would mislead."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from confterm.app import ConftermApp
from confterm.vault.catalogue import holds
from tests.ui.archive_seed import Seeded, archive_template, archive_vault
from tests.ui.conftest import CUSTODIAN, on_screen, screen_text, unlock, wait_for

__all__ = ["archive_template", "archive_vault"]


async def test_home_counts_are_read_again_on_return(
        make_app: Callable[..., ConftermApp], archive_vault: tuple[Path, Seeded]) -> None:
    path, seeded = archive_vault
    app = make_app(path=path)
    async with app.run_test(size=(160, 45)) as pilot:
        await unlock(pilot, CUSTODIAN)
        await wait_for(pilot, lambda: on_screen(app, "HomeScreen"))
        assert "Legal holds in force" not in screen_text(app)
        await pilot.press("j")
        await wait_for(pilot, lambda: on_screen(app, "ArchiveScreen"))
        session: Any = app.session
        session.call(holds.create, "诉讼保全", "某区人民法院", "client",
                     client_id=seeded.clients[0])
        await pilot.press("h")
        await wait_for(pilot, lambda: "Legal holds in force: 1" in screen_text(app))
