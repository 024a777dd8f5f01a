from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from tests.unit.destruction.world import World, build


@pytest.fixture
def world(vault: Path) -> Iterator[World]:
    w = build(vault, ADMIN, ADMIN_PASS)
    yield w
    w.session.close()
