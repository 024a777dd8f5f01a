"""UI test fixtures: a small vault with one person per role, an app on a fake clock.

Vaults use FAST_PARAMS (64 MiB, one pass) so unlocking takes ~0.1 s; the app's idle clock
is a FakeClock that only moves when a test advances it, and the idle timer polls every
50 ms, so "five minutes idle" is one ``clock.advance(301)`` and a short pause.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from confterm.app import ConftermApp, create_app
from confterm.i18n import set_language
from confterm.idle import FakeClock
from confterm.vault import audit, lifecycle, store
from confterm.vault.kdf import FAST_PARAMS
from confterm.vault.people import parse_roles
from confterm.vault.secrets import passphrase_bytes

VAULT_NAME = "测试档案库"


@dataclass(frozen=True)
class Who:
    name: str
    roles: str
    passphrase: str


ADMIN = Who("李建国", "administrator,custodian,approver,witness,auditor",
            "correct horse battery staple")
CUSTODIAN = Who("王秀英", "custodian", "custodian passphrase one")
APPROVER = Who("张伟", "approver", "approver passphrase two")
WITNESS = Who("陈静", "witness", "witness passphrase three")
AUDITOR = Who("赵敏", "auditor", "auditor passphrase four")
EVERYONE = (ADMIN, CUSTODIAN, APPROVER, WITNESS, AUDITOR)


@pytest.fixture(autouse=True)
def _english() -> Any:
    set_language("en")
    yield
    set_language("en")


def build_vault(path: Path) -> Path:
    created = lifecycle.create_vault(path, ADMIN.name, passphrase_bytes(ADMIN.passphrase),
                                     params=FAST_PARAMS, vault_name=VAULT_NAME)
    session = lifecycle.open_vault(path, ADMIN.name, passphrase_bytes(ADMIN.passphrase))
    with session:
        for who in EVERYONE[1:]:
            lifecycle.enrol(session, who.name, parse_roles(who.roles),
                            passphrase_bytes(who.passphrase), params=FAST_PARAMS)
    assert created.path == path
    return path


@pytest.fixture(scope="session")
def template_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_vault(tmp_path_factory.mktemp("template") / "vault")


@pytest.fixture
def vault(template_vault: Path, tmp_path: Path) -> Path:
    """A fresh copy of the five-person vault (building one costs ~1 s of Argon2id)."""
    return Path(shutil.copytree(template_vault, tmp_path / "vault"))


@pytest.fixture
def fixed_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vault whose audit chain (times, ids, hashes) is the same on every run, for
    snapshots; opened through the relative path ``vault`` so the screen shows no tmp dir."""
    def fixed_now() -> str:  # one instant: the hashes must not depend on how many calls
        return "2026-01-15T02:00:00.000000Z"  # other features' migrations make

    with monkeypatch.context() as patch:
        patch.setattr(store, "utc_now", fixed_now)
        patch.setattr(audit, "utc_now", fixed_now)
        patch.setattr(lifecycle.uuid, "uuid4", lambda: uuid.UUID(int=0x5EED))
        (tmp_path / "fixed").mkdir()
        build_vault(tmp_path / "fixed" / "vault")
    monkeypatch.chdir(tmp_path / "fixed")
    return Path("vault")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(vault: Path, clock: FakeClock) -> Callable[..., ConftermApp]:
    def make(**kwargs: Any) -> ConftermApp:
        kwargs.setdefault("lang", "en")
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("idle_poll", 0.05)
        kwargs.setdefault("kdf_params", FAST_PARAMS)
        path = kwargs.pop("path", vault)
        return create_app(path, **kwargs)

    return make


def screen_text(app: ConftermApp) -> str:
    """Everything the terminal shows now, as text (wide characters once each)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object],
                   timeout: float = 10.0) -> None:
    steps = int(timeout / 0.02)
    for _ in range(steps):
        if condition():
            await pilot.pause()  # let the screen draw what the condition waited for
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached in time")


def on_screen(app: ConftermApp, name: str) -> bool:
    return type(app.screen).__name__ == name and bool(getattr(app.screen, "loaded", True))


async def type_unlock(pilot: Pilot[Any], who: Who | str, passphrase: str | None = None) -> None:
    """Fill the unlock screen's fields and press Enter (typing key by key costs ~50 ms a
    key under Pilot; the typing itself is covered by the copy/cut test)."""
    app: Any = pilot.app
    await wait_for(pilot, lambda: on_screen(app, "UnlockScreen"))
    name = who if isinstance(who, str) else who.name
    secret = passphrase if passphrase is not None else (
        who.passphrase if isinstance(who, Who) else "")
    app.screen.query_one("#unlock-name").value = name
    field = app.screen.query_one("#unlock-pass")
    field.value = secret
    field.focus()
    await pilot.pause()
    await pilot.press("enter")


async def unlock(pilot: Pilot[Any], who: Who = ADMIN) -> None:
    await type_unlock(pilot, who)
    await wait_for(pilot, lambda: on_screen(pilot.app, "HomeScreen"))  # type: ignore[arg-type]


async def status_text(pilot: Pilot[Any]) -> str:
    """The unlock screen's message line once the unlock attempt has finished."""
    app: Any = pilot.app
    await wait_for(pilot, lambda: not app.screen.busy)
    return str(app.screen.query_one("#unlock-status").render())


Runner = Callable[[Pilot[Any]], Awaitable[None]]
