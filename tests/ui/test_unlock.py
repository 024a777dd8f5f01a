"""Unlocking: success, and a distinct, plain message for every way it can fail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events

from confterm.app import ConftermApp
from confterm.vault import lifecycle, store
from confterm.vault.keyslots import BACKUP, PRIMARY
from confterm.vault.secrets import passphrase_bytes
from tests.ui.conftest import (
    ADMIN,
    AUDITOR,
    on_screen,
    screen_text,
    status_text,
    type_unlock,
    unlock,
    wait_for,
)

MakeApp = Callable[..., ConftermApp]


async def test_unlock_opens_home_with_the_person_and_vault_facts(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, AUDITOR)
        text = screen_text(app)
        assert AUDITOR.name in text and "Auditor" in text
        assert "测试档案库" in text and "Audit events" in text
        assert app.session is not None and app.session.person.name == AUDITOR.name


async def test_people_list_comes_from_the_keyslot_file(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, "UnlockScreen"))
        text = screen_text(app)
        assert ADMIN.name in text and AUDITOR.name in text
        await pilot.press("down", "enter")  # pick the second person from the list
        assert app.screen.query_one("#unlock-name").value == "王秀英"
        assert app.focused is app.screen.query_one("#unlock-pass")


async def test_typing_a_name_on_the_list_types_it_and_unlocks_that_person(
        make_app: MakeApp) -> None:
    """The list has the focus when several people are enrolled; a person who just types
    their name and passphrase unlocks as themselves, not as the first one listed."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, "UnlockScreen"))
        await wait_for(pilot, lambda: app.focused is app.screen.query_one("#unlock-people"))
        for ch in AUDITOR.name:  # in one burst, as a terminal delivers an IME's text
            app.post_message(events.Key(ch, ch))
        await pilot.pause()
        assert app.screen.query_one("#unlock-name").value == AUDITOR.name
        await pilot.press("enter")
        assert app.focused is app.screen.query_one("#unlock-pass")
        await pilot.press(*AUDITOR.passphrase, "enter")
        await wait_for(pilot, lambda: app.session is not None)
        assert app.session is not None and app.session.person.name == AUDITOR.name


@pytest.mark.parametrize(("who", "passphrase", "expected"), [
    (ADMIN.name, "not the passphrase", "Wrong passphrase for 李建国."),
    ("无名氏", "whatever it is", 'No enrolled person is named "无名氏".'),
    (ADMIN.name, "", "The passphrase is empty."),
    ("", "whatever it is", "Pick or type a name first."),
])
async def test_each_failure_has_its_own_message(make_app: MakeApp, who: str, passphrase: str,
                                                expected: str) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_unlock(pilot, who, passphrase)
        assert await status_text(pilot) == expected
        assert on_screen(app, "UnlockScreen") and app.session is None
        if who:  # an attempt was made: the field is emptied (without a name, nothing was tried)
            assert app.screen.query_one("#unlock-pass").value == ""


async def test_back_off_after_three_wrong_passphrases(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await type_unlock(pilot, ADMIN.name, "wrong passphrase")
            assert (await status_text(pilot)).startswith("Wrong passphrase")
        await type_unlock(pilot, ADMIN.name, ADMIN.passphrase)
        text = await status_text(pilot)
        assert text.startswith("Too many failed attempts; try again in ") and text.endswith(" s.")
        assert app.session is None


async def test_damaged_keyslot_file(make_app: MakeApp, vault: Path) -> None:
    for name in (PRIMARY, BACKUP):
        (vault / name).write_bytes(b"confterm-keyslots 1 sha256=00\n{garbage")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.screen.loaded)
        assert "keyslot file is damaged" in screen_text(app)
        await type_unlock(pilot, ADMIN)
        assert "The keyslot file is damaged" in await status_text(pilot)


async def test_damaged_database_is_not_called_a_wrong_passphrase(make_app: MakeApp,
                                                                 vault: Path) -> None:
    db = vault / store.DB_NAME
    data = bytearray(db.read_bytes())
    data[200:4000] = bytes(3800)  # inside page 1, after SQLCipher's salt
    db.write_bytes(bytes(data))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_unlock(pilot, ADMIN)
        assert (await status_text(pilot)).startswith("The vault database is damaged")
        assert app.session is None


async def test_vault_in_use_by_another_confterm(make_app: MakeApp, vault: Path) -> None:
    other = lifecycle.open_vault(vault, AUDITOR.name, passphrase_bytes(AUDITOR.passphrase))
    try:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await type_unlock(pilot, ADMIN)
            assert "is in use by another confterm" in await status_text(pilot)
            assert app.session is None
    finally:
        other.close()


async def test_vault_missing(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(path=tmp_path / "nowhere")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.screen.loaded)
        assert "No vault directory at" in screen_text(app)


async def test_the_passphrase_buffer_is_wiped(make_app: MakeApp,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bytearray] = []
    real = lifecycle.open_vault

    def spy(path: Path, name: str, secret: bytearray, **kwargs: Any) -> Any:
        seen.append(secret)
        return real(path, name, secret, **kwargs)

    monkeypatch.setattr(lifecycle, "open_vault", spy)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_unlock(pilot, ADMIN.name, "a wrong one")
        await status_text(pilot)
        await unlock(pilot, ADMIN)
    assert len(seen) == 2
    assert all(len(s) > 0 and not any(s) for s in seen)


async def test_the_passphrase_field_cannot_be_copied_or_cut(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, "UnlockScreen"))
        field = app.screen.query_one("#unlock-pass")
        field.focus()
        await pilot.press(*"secret words")
        await pilot.press("ctrl+shift+a", "ctrl+c", "ctrl+x")
        assert app.clipboard == ""
        assert field.value == "secret words"  # cut did not remove (or copy) anything
        app.copy_to_clipboard("anything at all")  # every other copy path goes here
        assert app.clipboard == ""
