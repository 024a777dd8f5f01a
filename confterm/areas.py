"""The areas of the application (Home, People, Audit, Archive, Access, ...).

Each feature registers its area from its own module in ``confterm/screens/``; every module
there is imported once at unlock (``discover``), so adding an area is one new file and no
edit to the shell:

    # confterm/screens/archive.py
    from confterm.areas import Area, register_area

    class ArchiveScreen(ConftermScreen): ...

    register_area(Area("archive", "archive.area", "r", ArchiveScreen,
                       roles=("custodian", "auditor"), order=20))

Registering an area also declares its navigation command (key, label, roles), so it
appears in the footer, the palette, the help screen and the home screen's area list.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from confterm.commands import ANY, Command, declare

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True)
class Area:
    id: str
    label_key: str  # catalogue key of the area's name
    key: str  # key that opens it from any screen of the unlocked vault
    screen: Callable[[], Screen]  # builds the area's screen
    roles: tuple[str, ...] = ()  # any one of these may open it; () means everyone
    order: int = 100  # position in lists (Home 0, People 90, Audit 95)
    summary_key: str | None = None  # one line under the area's name on the home screen
    in_footer: bool = False  # the key is shown in the footer (Home); all are in help/palette

    def allowed(self, roles: frozenset[str]) -> bool:
        return not self.roles or any(r in roles for r in self.roles)


_AREAS: dict[str, Area] = {}
FAILED: dict[str, str] = {}  # module -> exception name, shown on the home screen
_discovered = [False]
_discovering = threading.Lock()


def register_area(area: Area) -> Area:
    _AREAS[area.id] = area
    declare(Command(f"area.{area.id}", area.label_key, area.key,
                    f"app.open_area('{area.id}')", scope=(ANY,), roles=area.roles,
                    show=area.in_footer))
    return area


def discover() -> None:
    """Import every module of ``confterm.screens`` once, so each registers its area.

    A module that fails to import is recorded in ``FAILED`` (the home screen says so) and
    its area is missing; the others, and unlocking, still work."""
    if _discovered[0]:
        return
    with _discovering:  # the unlock screen starts this on a thread; unlock may join it
        if _discovered[0]:
            return
        import confterm.screens as package

        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            name = f"{package.__name__}.{info.name}"
            try:
                importlib.import_module(name)
            except Exception as exc:  # one broken feature must not stop anyone unlocking
                FAILED[name] = type(exc).__name__
        _discovered[0] = True


def get(area_id: str) -> Area | None:
    discover()
    return _AREAS.get(area_id)


def areas_for(roles: frozenset[str]) -> list[Area]:
    """The areas this person may open, in display order."""
    discover()
    return sorted((a for a in _AREAS.values() if a.allowed(roles)),
                  key=lambda a: (a.order, a.id))
