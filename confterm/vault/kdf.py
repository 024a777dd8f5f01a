"""Argon2id key derivation and its calibration on the machine that creates a slot.

Calibrating the way password vaults do (measure, scale, measure again) keeps unlocking at
0.5-1 s on this machine whatever its speed, instead of a fixed cost that is either too weak
on a fast PC or unusable on a slow one. The chosen m/t/p are recorded in each slot, so a
slot made elsewhere still opens here.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw

MIN_MEMORY_KIB = 64 * 1024
MAX_MEMORY_KIB = 1024 * 1024
TARGET_SECONDS = (0.5, 1.0)
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: memory in KiB, time (passes), parallelism (lanes)."""

    memory_kib: int
    time_cost: int
    parallelism: int

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> KdfParams:
        params = cls(int(data["memory_kib"]), int(data["time_cost"]),  # type: ignore[call-overload]
                     int(data["parallelism"]))  # type: ignore[call-overload]
        if not (8 <= params.memory_kib <= 4 * 1024 * 1024 and 1 <= params.time_cost <= 64
                and 1 <= params.parallelism <= 16):
            raise ValueError("KDF parameters out of range")
        return params


# Used by tests and by the demo vault: still the 64 MiB floor, but one pass.
FAST_PARAMS = KdfParams(memory_kib=MIN_MEMORY_KIB, time_cost=1, parallelism=2)


def derive_key(secret: bytearray, salt: bytes, params: KdfParams) -> bytearray:
    """Argon2id(secret, salt) -> 32-byte key in a wipeable buffer."""
    raw = hash_secret_raw(
        secret=bytes(secret), salt=salt, time_cost=params.time_cost,
        memory_cost=params.memory_kib, parallelism=params.parallelism,
        hash_len=KEY_BYTES, type=Type.ID,
    )
    return bytearray(raw)


def _measure(params: KdfParams) -> float:
    probe = bytearray(b"calibration-probe")
    start = time.perf_counter()
    derive_key(probe, b"\x00" * 16, params)
    return time.perf_counter() - start


def calibrate(target: tuple[float, float] = TARGET_SECONDS) -> KdfParams:
    """Find Argon2id parameters that take between ``target`` seconds here.

    Memory grows first (it is what hurts attackers with GPUs), from the 64 MiB floor up to
    1 GiB, then passes. Each step is measured again, because Argon2's cost does not scale
    linearly from one run (FINDINGS.md).
    """
    low, high = target
    params = KdfParams(MIN_MEMORY_KIB, 1, 2)
    elapsed = _measure(params)
    for _ in range(12):
        if low <= elapsed <= high:
            break
        goal = (low + high) / 2
        if elapsed > high:
            if params.time_cost > 1:
                params = KdfParams(params.memory_kib, params.time_cost - 1, params.parallelism)
            elif params.memory_kib > MIN_MEMORY_KIB:
                params = KdfParams(max(MIN_MEMORY_KIB, params.memory_kib // 2), 1,
                                   params.parallelism)
            else:
                break  # slowest acceptable machine: keep the floor
        else:
            scale = goal / max(elapsed, 1e-3)
            memory = min(MAX_MEMORY_KIB, int(params.memory_kib * scale) // 1024 * 1024)
            if memory > params.memory_kib:
                params = KdfParams(memory, params.time_cost, params.parallelism)
            else:
                passes = max(params.time_cost + 1, int(params.time_cost * scale))
                params = KdfParams(params.memory_kib, passes, params.parallelism)
        elapsed = _measure(params)
    return params
