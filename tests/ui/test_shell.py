"""The shell: help and palette from the command declarations, extension points, safety."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from confterm import areas, attention, commands
from confterm.app import ConftermApp
from confterm.attention import AttentionItem
from confterm.palette import CommandsProvider
from confterm.screens.base import ConftermScreen
from tests.ui.conftest import ADMIN, AUDITOR, on_screen, screen_text, unlock, wait_for

MakeApp = Callable[..., ConftermApp]


def test_no_two_commands_share_a_key_on_one_screen() -> None:
    areas.discover()
    assert commands.clashes() == []


async def test_help_explains_the_screen_and_lists_its_keys(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot, ADMIN)
        await pilot.press("a")
        await wait_for(pilot, lambda: on_screen(app, "AuditScreen"))
        await pilot.press("f1")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        text = screen_text(app)
        assert "newest first" in text  # the audit screen's explanation
        for key, label in [("v", "Verify chain"), ("/", "Filter"), ("Ctrl+L", "Lock"),
                           ("F1 / ?", "Help"), ("h", "Home"), ("PgUp / PgDn", "page")]:
            assert any(key in line and label in line for line in text.splitlines()), key
        await pilot.press("escape")
        await wait_for(pilot, lambda: on_screen(app, "AuditScreen"))


async def test_palette_lists_this_screens_commands_and_no_screenshot(make_app: MakeApp
                                                                     ) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot, AUDITOR)
        system = [c.title for c in app.get_system_commands(app.screen)]
        assert not any("screenshot" in title.lower() for title in system)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        provider = CommandsProvider(app.screen_stack[-2])  # the screen under the palette
        labels = [hit.display async for hit in provider.discover()]
        assert "Lock" in labels and "Audit trail" in labels and "Help" in labels
        assert "People" not in labels  # an auditor may not open it
        await pilot.press(*"audit", "enter")
        await wait_for(pilot, lambda: on_screen(app, "AuditScreen"))


async def test_no_vault_content_reaches_the_clipboard(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot, ADMIN)
        app.screen.query_one("#home-facts").focus()
        await pilot.press("ctrl+c")
        app.copy_to_clipboard("测试档案库")
        assert app.clipboard == ""


async def test_terminal_too_small_shows_a_message_not_a_broken_layout(make_app: MakeApp
                                                                      ) -> None:
    app = make_app()
    async with app.run_test(size=(60, 16)) as pilot:
        await wait_for(pilot, lambda: app.screen.loaded)
        text = screen_text(app)
        assert "The terminal is too small (60×16). Make it at least 80×24." in text
        assert "Passphrase" not in text
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: "Passphrase" in screen_text(app))
        assert "too small" not in screen_text(app)


class _ExtraScreen(ConftermScreen):
    SCREEN_ID = "extra"
    HELP_KEY = "ui.help.home"

    def compose(self) -> Any:
        from textual.widgets import Static

        yield Static("the extra area")


@pytest.fixture
def extra_area() -> Iterator[None]:
    """What another engineer's module does: register an area and an attention provider."""

    def overdue(ctx: Any) -> list[AttentionItem]:
        count = ctx.conn.execute("SELECT count(*) FROM people").fetchone()[0]
        return [AttentionItem("ui.home.people_count", {"active": count, "total": count},
                              "warning", "extra")]

    def broken(ctx: Any) -> list[AttentionItem]:
        raise RuntimeError("a bug in some feature")

    areas.register_area(areas.Area("extra", "ui.area.home", "z", _ExtraScreen,
                                   roles=("auditor",), order=50))
    before = dict(attention._PROVIDERS)
    attention.register_attention(overdue)
    attention.register_attention(broken)
    yield
    areas._AREAS.pop("extra")
    commands._REGISTRY.pop("area.extra")
    # Remove only what this fixture added: other modules' providers must survive.
    attention._PROVIDERS.clear()
    attention._PROVIDERS.update(before)


async def test_other_areas_and_attention_providers_plug_in(make_app: MakeApp,
                                                           extra_area: None) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot, AUDITOR)
        text = screen_text(app)
        assert "▲ 5 active (5 in total)" in text  # the provider's line, as a warning
        assert 'Could not compute the "broken" reminders.' in text  # others still shown
        assert " z " in text  # the new area's key, in the area list and footer
        await pilot.press("z")
        await wait_for(pilot, lambda: "the extra area" in screen_text(app))
