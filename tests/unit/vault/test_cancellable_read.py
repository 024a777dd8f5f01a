"""A read a newer request supersedes stops at once; the connection is unchanged after."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from confterm.vault.session import Cancelled, VaultSession

SLOW = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000000)"
        " SELECT count(*) FROM n")


def slow_count(ctx: Any) -> int:
    return int(ctx.conn.execute(SLOW).fetchone()[0])


def quick(ctx: Any) -> int:
    return int(ctx.conn.execute("SELECT 41 + 1").fetchone()[0])


async def test_a_cancelled_read_stops_and_the_next_call_runs(session: VaultSession) -> None:
    cancel = threading.Event()
    started = time.monotonic()
    slow = asyncio.ensure_future(session.acall_cancellable(cancel, slow_count))
    await asyncio.sleep(0.2)
    cancel.set()
    with pytest.raises(Cancelled):
        await slow
    assert time.monotonic() - started < 2  # the query alone runs for many seconds
    assert await session.acall(quick) == 42
    # the check is gone with the read: an ordinary call never sees a stale flag
    assert session.call(lambda ctx: ctx.conn.execute(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000)"
        " SELECT count(*) FROM n").fetchone()[0]) == 100000


async def test_an_uncancelled_read_returns_and_a_cancelled_one_never_starts(
        session: VaultSession) -> None:
    assert await session.acall_cancellable(threading.Event(), quick) == 42
    gone = threading.Event()
    gone.set()
    with pytest.raises(Cancelled):
        await session.acall_cancellable(gone, quick)


async def test_an_error_of_the_read_itself_is_not_taken_for_a_cancel(
        session: VaultSession) -> None:
    with pytest.raises(Exception, match="no such table"):
        await session.acall_cancellable(
            threading.Event(), lambda ctx: ctx.conn.execute("SELECT * FROM nowhere"))
