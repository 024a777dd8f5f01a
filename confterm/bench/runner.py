"""Runs every figure module against one temporary vault and always removes it."""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from confterm.errors import ConftermError, InputError
from confterm.vault import lifecycle
from confterm.vault.kdf import FAST_PARAMS, KdfParams
from confterm.vault.secrets import passphrase_bytes, wipe
from confterm.vault.session import VaultSession

from .harness import Figure

MAX_ROWS = 5_000_000
BYTES_PER_ROW = 4096  # database + search index + WAL headroom, measured ~1.5 KB; be generous
BENCH_PERSON = "基准测试员"
BENCH_PASSPHRASE = "benchmark vault passphrase"

# Modules with figures(ctx) -> list[Figure], in the order they run.
FIGURE_MODULES: list[str] = [
    "confterm.bench.core_figures",
    "confterm.vault.catalogue.bench",
    "confterm.bench.destruction_figures",
    "confterm.bench.report_figures",
    "confterm.bench.browser_figures",
    "confterm.bench_ui",
]


@dataclass
class BenchContext:
    """What a figure module gets: the size, a work folder, a vault, and progress output."""

    rows: int
    workdir: Path
    vault: Path
    params: KdfParams
    repeat: int = 7
    quick: bool = False
    progress: Callable[[str], None] = lambda _msg: None
    shared: dict[str, object] = field(default_factory=dict)

    def open(self) -> VaultSession:
        secret = passphrase_bytes(BENCH_PASSPHRASE)
        try:
            return lifecycle.open_vault(self.vault, BENCH_PERSON, secret)
        finally:
            wipe(secret)


def check_rows(rows: int, workdir: Path) -> None:
    """Refuse absurd sizes and a disk too small, before any work starts."""
    if rows < 1:
        raise InputError("bench.rows_too_small", rows=rows)
    if rows > MAX_ROWS:
        raise InputError("bench.rows_too_large", rows=rows, maximum=MAX_ROWS)
    free = shutil.disk_usage(workdir).free
    need = rows * BYTES_PER_ROW + 200 * 1024 * 1024
    if free < need:
        raise InputError("bench.no_disk", path=str(workdir), need_mb=need // 2**20,
                         free_mb=free // 2**20)


@contextmanager
def temporary_workdir(parent: Path | None = None) -> Iterator[Path]:
    """A private folder removed on exit, on ctrl+c and on SIGTERM alike."""
    path = Path(tempfile.mkdtemp(prefix="confterm-bench-", dir=parent))

    def on_term(_sig: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


def create_bench_vault(vault: Path) -> None:
    """The benchmark's vault: one person with the bench passphrase, the demo KDF floor."""
    secret = passphrase_bytes(BENCH_PASSPHRASE)
    try:
        created = lifecycle.create_vault(vault, BENCH_PERSON, secret, params=FAST_PARAMS,
                                         vault_name="bench")
        wipe(created.recovery_key)
    finally:
        wipe(secret)


def run(rows: int, *, modules: list[str] | None = None, repeat: int = 7, quick: bool = False,
        progress: Callable[[str], None] | None = None, parent: Path | None = None,
        failures: list[str] | None = None) -> list[Figure]:
    """Measure every figure module; a module that fails is named in ``failures``."""
    parent = parent or Path(os.environ.get("TMPDIR", tempfile.gettempdir()))
    check_rows(rows, parent)
    say = progress or (lambda msg: print(msg, file=sys.stderr, flush=True))
    figures: list[Figure] = []
    failures = failures if failures is not None else []
    with temporary_workdir(parent) as workdir:
        vault = workdir / "vault"
        say(f"creating a temporary vault in {workdir}")
        create_bench_vault(vault)
        ctx = BenchContext(rows, workdir, vault, FAST_PARAMS, repeat, quick, say)
        for name in modules or FIGURE_MODULES:
            short = name.rsplit(".", 1)[-1]
            say(f"measuring: {short}")
            try:
                figures.extend(importlib.import_module(name).figures(ctx))
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # one broken area must not hide every other figure
                message = exc.message() if isinstance(exc, ConftermError) else repr(exc)
                failures.append(f"{short}: {message}")
                say(f"FAILED {short}: {message}")
    return figures
