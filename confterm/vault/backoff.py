"""Failed-unlock back-off that survives a restart.

After three failures for a person, each further attempt must wait twice as long as the
last (2 s, 4 s, ... up to 5 minutes). The counter lives in a small file beside the keyslots
(written atomically), so killing and restarting confterm does not reset it. The refusal is
immediate, with the seconds left: the UI never hangs.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from pathlib import Path

from confterm.errors import AuthError
from confterm.vault.atomic import write_atomic

FILE = "attempts.json"
FREE_FAILURES = 3
MAX_DELAY = 300.0


def delay_for(failures: int) -> float:
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - FREE_FAILURES + 1))


class Backoff:
    def __init__(self, vault_dir: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = vault_dir / FILE
        self.clock = clock

    def _load(self) -> dict[str, dict[str, float]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def check(self, person: str) -> None:
        entry = self._load().get(person)
        if not entry:
            return
        wait = float(entry.get("last", 0)) + delay_for(int(entry.get("failures", 0))) \
            - self.clock()
        if wait > 0:
            raise AuthError("auth.backoff", seconds=int(wait + 0.999))

    def failed(self, person: str) -> int:
        data = self._load()
        entry = data.get(person, {})
        failures = int(entry.get("failures", 0)) + 1
        data[person] = {"failures": failures, "last": self.clock()}
        self._save(data)
        return failures

    def succeeded(self, person: str) -> None:
        data = self._load()
        if person in data:
            del data[person]
            self._save(data)

    def _save(self, data: dict[str, dict[str, float]]) -> None:
        # A read-only vault directory must not turn a wrong passphrase into a crash.
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(data, ensure_ascii=False).encode())
