"""Slow work for the TUI (Argon2id, keyslot rewrites) on worker threads, never the UI's.

``open_for_ui`` runs the Argon2id step, opens the database and reads what the shell needs
right after (idle timeout, the person's language) in one go, so the event loop keeps
drawing the "unlocking…" line. ``run_secret`` is the general form: the thread owns the
passphrase buffer and wipes it when done (wiping it from the UI side while the thread may
still read it could turn a right passphrase into a counted failure), and if the waiting
screen is gone by then (closed, or the vault locked), a result holding keys is disposed of
at once instead of lingering.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from confterm.vault import lifecycle, settings
from confterm.vault.secrets import wipe
from confterm.vault.session import VaultSession

P = ParamSpec("P")
T = TypeVar("T")
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="confterm-work")


@dataclass
class Unlocked:
    session: VaultSession
    idle_timeout: int
    lang: str | None


async def in_thread(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking call (``session.call`` chains, file reads) off the event loop."""
    return await asyncio.wrap_future(_POOL.submit(fn, *args, **kwargs))


async def run_secret(fn: Callable[..., T], *args: Any, secrets: Sequence[bytearray],
                     on_orphan: Callable[[T], None] | None = None) -> T:
    """``fn(*args)`` on a worker thread; ``secrets`` are wiped once it has finished."""

    def owned() -> T:
        try:
            return fn(*args)
        finally:
            for secret in secrets:
                wipe(secret)

    future = _POOL.submit(owned)
    try:
        return await asyncio.wrap_future(future)
    except asyncio.CancelledError:
        if future.cancelled():  # never started: nobody else will wipe them
            for secret in secrets:
                wipe(secret)
        elif on_orphan is not None:
            def orphaned(done: Future[T]) -> None:
                if not done.cancelled() and done.exception() is None:
                    on_orphan(done.result())

            future.add_done_callback(orphaned)
        raise


def _open(path: Path, name: str, secret: bytearray) -> Unlocked:
    session = lifecycle.open_vault(path, name, secret)
    try:
        timeout = session.call(lambda ctx: settings.idle_timeout(ctx.conn))
    except BaseException:
        session.close()
        raise
    return Unlocked(session, timeout, session.person.lang)


def _close(unlocked: Unlocked) -> None:
    unlocked.session.close(wait=False)


async def open_for_ui(path: Path, name: str, secret: bytearray) -> Unlocked:
    """Unlock off the event loop; ``secret`` is wiped whatever happens."""
    return await run_secret(_open, path, name, secret, secrets=[secret], on_orphan=_close)
