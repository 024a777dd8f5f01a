"""Every single-byte change of the keyslot file: never "wrong passphrase".

- Both copies changed the same way: unlocking says the keyslot file is damaged.
- One copy changed (either one): unlocking still works and repairs the damaged copy.

Each byte position gets several different changes (bit 0, bit 7, and a random other value);
``CONFTERM_ROBUST_ALL_BYTES=1`` tries all 255 other values at every position (long run).
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from pathlib import Path

import pytest

from confterm.errors import AuthError, DamageError
from confterm.vault import keyslots, lifecycle
from confterm.vault.kdf import KdfParams
from confterm.vault.secrets import passphrase_bytes
from tests.robust.robust_util import ADMIN, PASS_A, ROBUST_PARAMS, make_vault, open_admin, record

EXHAUSTIVE = os.environ.get("CONFTERM_ROBUST_ALL_BYTES") == "1"


def _variants(original: int, rng: random.Random) -> list[int]:
    if EXHAUSTIVE:
        return [v for v in range(256) if v != original]
    random_other = (original + rng.randrange(1, 256)) % 256
    return sorted({original ^ 0x01, original ^ 0x80, random_other})


def _unlock(vault: Path) -> str:
    try:
        with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(PASS_A)):
            return "unlocked"
    except DamageError:
        return "damage"
    except AuthError as exc:
        return f"AUTH:{exc.key}"
    except Exception as exc:
        return f"UNCLEAR:{type(exc).__name__}"


def _both_intact_and_equal(vault: Path) -> bool:
    try:
        a, b = (keyslots.parse((vault / n).read_bytes()) for n in (keyslots.PRIMARY,
                                                                    keyslots.BACKUP))
    except ValueError:
        return False
    return a.generation == b.generation and a.serialise() == b.serialise()


@pytest.fixture(scope="module")
def slot_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    vault = make_vault(tmp_path_factory.mktemp("slots") / "vault")
    with open_admin(vault) as s:  # a second person: a file like a real one, ~2 KB
        lifecycle.enrol(s, "王秀英", frozenset({"custodian"}),
                        passphrase_bytes("custodian passphrase long"),
                        params=KdfParams(ROBUST_PARAMS.memory_kib, 1, 1))
    return vault


@pytest.mark.slow
def test_both_copies_changed_the_same_way_is_damage_never_wrong_passphrase(
        slot_vault: Path) -> None:
    original = (slot_vault / keyslots.PRIMARY).read_bytes()
    rng = random.Random(1)
    outcomes: Counter[str] = Counter()
    bad: list[str] = []
    started = time.monotonic()
    for index in range(len(original)):
        for value in _variants(original[index], rng):
            changed = bytearray(original)
            changed[index] = value
            for name in (keyslots.PRIMARY, keyslots.BACKUP):
                (slot_vault / name).write_bytes(bytes(changed))
            outcome = _unlock(slot_vault)
            outcomes[outcome] += 1
            if outcome not in ("damage", "unlocked"):
                bad.append(f"byte {index} -> {value:#04x}: {outcome}")
    for name in (keyslots.PRIMARY, keyslots.BACKUP):
        (slot_vault / name).write_bytes(original)
    record("keyslot bytes: both copies", file_bytes=len(original),
           changes=sum(outcomes.values()), damage=outcomes["damage"],
           unlocked_benign=outcomes["unlocked"],
           wrong_passphrase=sum(v for k, v in outcomes.items() if k.startswith("AUTH")),
           other=sum(v for k, v in outcomes.items() if k.startswith("UNCLEAR")),
           seconds=round(time.monotonic() - started, 1))
    assert bad == [], bad[:20]
    assert outcomes["damage"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("damaged", [keyslots.PRIMARY, keyslots.BACKUP])
def test_one_copy_changed_still_unlocks_and_is_repaired(slot_vault: Path,
                                                        damaged: str) -> None:
    original = (slot_vault / keyslots.PRIMARY).read_bytes()
    intact = keyslots.BACKUP if damaged == keyslots.PRIMARY else keyslots.PRIMARY
    rng = random.Random(2)
    outcomes: Counter[str] = Counter()
    bad: list[str] = []
    started = time.monotonic()
    for index in range(len(original)):
        values = _variants(original[index], rng)
        for value in values if EXHAUSTIVE else [rng.choice(values)]:
            changed = bytearray(original)
            changed[index] = value
            (slot_vault / intact).write_bytes(original)
            (slot_vault / damaged).write_bytes(bytes(changed))
            outcome = _unlock(slot_vault)
            if outcome == "unlocked" and not _both_intact_and_equal(slot_vault):
                outcome = "NOT_REPAIRED"
            outcomes[outcome] += 1
            if outcome != "unlocked":
                bad.append(f"{damaged} byte {index} -> {value:#04x}: {outcome}")
    for name in (keyslots.PRIMARY, keyslots.BACKUP):
        (slot_vault / name).write_bytes(original)
    record(f"keyslot bytes: only {damaged}", changes=sum(outcomes.values()),
           unlocked_and_repaired=outcomes["unlocked"],
           wrong_passphrase=sum(v for k, v in outcomes.items() if k.startswith("AUTH")),
           lockouts_or_other=sum(v for k, v in outcomes.items() if k != "unlocked"),
           seconds=round(time.monotonic() - started, 1))
    assert bad == [], bad[:20]
