"""A demo vault (every report kind has data) built once and copied for each test."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from confterm.vault.demo import create_demo_vault
from confterm.vault.session import VaultSession
from tests.unit.reporting.reporting_tools import open_as

# The reports engine's helpers (external tools, the private cupsd fixture) live beside
# its tests; they import each other by bare module name.
sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reporting") / "demo"
    create_demo_vault(path)
    return path


@pytest.fixture
def demo_vault(demo_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_template, tmp_path / "demo"))


@pytest.fixture
def demo(demo_vault: Path) -> Iterator[VaultSession]:
    session = open_as(demo_vault)
    yield session
    session.close()
