"""Keep Python's cyclic garbage collector out of the time between a key and its frame.

Why: measured in the archive browser at 1,000,000 records, the tail of page-down and of
search as you type was mostly collections: full ones took 20-90 ms on this 2-core machine
(generation 2 holds Textual's strip caches, ~50,000 objects, all created after the
``gc.freeze`` at unlock), and they fell wherever allocations happened to cross the
threshold, often right between a key and the frame answering it. Here a list disables
the collector when it starts answering (a cursor move, a restart, a missing page being
read) and enables it again once the screen has refreshed (``call_after_refresh``): the
collection that was due runs right after the frame instead of before it. No collection is
skipped, only moved. Reference counting frees almost everything anyway; only cycles wait.

A hold ends at the latest after ``MAX_HOLD`` seconds (a release lost with a removed widget
cannot leave the collector off), holds nest, and a collector someone else disabled is left
alone (it is not ours to enable).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

MAX_HOLD = 1.0
_holds = 0


def not_held() -> None:
    """The release of a hold that was not taken."""


def hold() -> Callable[[], None]:
    """Disable the collector; returns the release (idempotent, also called after MAX_HOLD)."""
    global _holds
    if _holds == 0 and not gc.isenabled():
        return not_held
    if _holds == 0:
        gc.disable()
    _holds += 1
    done = False

    def release() -> None:
        nonlocal done
        global _holds
        if done:
            return
        done = True
        _holds -= 1
        if _holds == 0:
            gc.enable()

    try:
        asyncio.get_running_loop().call_later(MAX_HOLD, release)
    except RuntimeError:  # no event loop (a test calling a list directly): nothing to defer to
        release()
    return release


def held() -> bool:
    """True while a hold of this module keeps the collector off (tests)."""
    return _holds > 0
