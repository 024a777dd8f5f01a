"""When was the last key, mouse or paste event? Measured on a monotonic clock.

A Textual timer reset on every key fires late (``Timer.reset`` only takes effect after the
current wait ends, FINDINGS.md), so instead every input event records the time here and a
short interval timer asks ``expired()``. The clock is injectable: tests move time forward
instead of sleeping for five minutes, and a wall-clock change never unlocks or locks early.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]


class IdleTracker:
    def __init__(self, timeout: float, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.timeout = float(timeout)
        self.last = clock()

    def mark(self) -> None:
        """Something happened: a person is at the keyboard."""
        self.last = self.clock()

    def idle_for(self) -> float:
        return max(0.0, self.clock() - self.last)

    def remaining(self) -> float:
        return max(0.0, self.timeout - self.idle_for())

    def expired(self) -> bool:
        return self.timeout > 0 and self.idle_for() >= self.timeout


class FakeClock:
    """A clock for tests: ``advance(seconds)`` moves it; nothing else does."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
