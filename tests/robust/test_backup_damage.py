"""A corrupted or truncated backup: verify fails with the reason, restore refuses.

Three layers are exercised: damage the manifest's digests catch (before any passphrase),
damage hidden behind recomputed digests (the manifest MAC catches it), and a database that
was already damaged when its digests and MAC were made (SQLCipher's page authentication
catches it). No case may verify, none may read as a wrong passphrase, and a refused restore
leaves nothing behind.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from confterm.errors import AuthError, ConftermError
from confterm.vault import backup, backup_verify, keyslots, restore, store
from confterm.vault.backup_format import MANIFEST, file_digest, read_manifest
from confterm.vault.secrets import passphrase_bytes
from tests.robust.robust_util import ADMIN, PASS_A, make_vault, open_admin, record

CASES_PER_LAYER = 60


def verify_outcome(src: Path) -> str:
    """'refused:<key>' or 'problem:<key>' for a detected backup; 'OK' or 'AUTH' are bugs."""
    try:
        pre = backup_verify.preflight(src)
        dek = backup_verify.unlock(pre, ADMIN, passphrase_bytes(PASS_A))
        report = backup_verify.verify_contents(pre, dek)
    except AuthError as exc:
        return f"AUTH:{exc.key}"
    except ConftermError as exc:
        return f"refused:{exc.key}"
    except Exception as exc:
        return f"UNCLEAR:{type(exc).__name__}"
    return f"problem:{report.problems[0].key}" if report.problems else "OK"


def restore_refuses(src: Path, target: Path) -> bool:
    try:
        restore.restore(src, target, ADMIN, passphrase_bytes(PASS_A), no_newer_history=True)
    except ConftermError:
        return not target.exists() and not list(target.parent.glob(f".{target.name}.*"))
    return False


@pytest.fixture(scope="module")
def good_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytearray]:
    base = tmp_path_factory.mktemp("damage")
    vault = make_vault(base / "vault")
    with open_admin(vault) as s:
        def fill(ctx: object) -> None:
            conn = ctx.conn  # type: ignore[attr-defined]
            conn.execute("CREATE TABLE pad(n INTEGER PRIMARY KEY, body TEXT)")
            for n in range(60):
                with ctx.transaction():  # type: ignore[attr-defined]
                    conn.execute("INSERT INTO pad VALUES (?, ?)", (n, "凭证" * 300))
                    ctx.audit("robust.edit", "pad", n, {})  # type: ignore[attr-defined]
        s.call(fill)
        made = backup.create_backup(s, base / "good")
        dek = s.data_key_copy()
    return made.path, dek


def _reseal(src: Path, dek: bytearray | None) -> None:
    """Recompute the digests (and, with the key, the MAC) after a file was changed."""
    manifest = read_manifest(src)
    for name in manifest.files:
        manifest.files[name] = file_digest(src / name)
    if dek is not None:
        manifest.mac = manifest.compute_mac(dek)
    (src / MANIFEST).write_bytes(manifest.serialise())


@pytest.mark.slow
@pytest.mark.parametrize("layer", ["digests", "manifest_mac", "page_authentication"])
def test_damaged_backups_never_verify_and_never_restore(
        good_backup: tuple[Path, bytearray], tmp_path: Path, layer: str) -> None:
    good, dek = good_backup
    rng = random.Random(layer)
    outcomes: Counter[str] = Counter()
    bad: list[str] = []
    started = time.monotonic()
    for i in range(CASES_PER_LAYER):
        work = tmp_path / f"b{i}"
        shutil.copytree(good, work)
        name = rng.choice([store.DB_NAME, store.DB_NAME, keyslots.PRIMARY, MANIFEST]) \
            if layer == "digests" else store.DB_NAME
        data = bytearray((work / name).read_bytes())
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]  # truncated (removed mid-copy)
            what = f"{name} truncated to {len(data)}"
        else:
            offset = rng.randrange(len(data))
            data[offset] ^= 1 << rng.randrange(8)
            what = f"{name} bit flip at {offset}"
        (work / name).write_bytes(bytes(data))
        if layer != "digests":
            _reseal(work, dek if layer == "page_authentication" else None)
        outcome = verify_outcome(work)
        kind = outcome.split(":")[0]
        outcomes[kind] += 1
        if kind not in ("refused", "problem"):
            bad.append(f"{layer} case {i} ({what}): verify says {outcome}")
        elif not restore_refuses(work, tmp_path / f"r{i}"):
            bad.append(f"{layer} case {i} ({what}): restore did not refuse cleanly")
        shutil.rmtree(work)
    record(f"damaged backups: {layer}", cases=CASES_PER_LAYER,
           refused_before_contents=outcomes["refused"], failed_contents_check=outcomes["problem"],
           verified_ok=outcomes["OK"], wrong_passphrase=outcomes["AUTH"],
           restores_refused=CASES_PER_LAYER - len(bad),
           seconds=round(time.monotonic() - started, 1))
    assert bad == [], bad[:10]


def test_the_undamaged_backup_verifies(good_backup: tuple[Path, bytearray]) -> None:
    """Control: the damage cases fail because of the damage, not the fixture."""
    assert verify_outcome(good_backup[0]) == "OK"
    data = json.loads((good_backup[0] / MANIFEST).read_text(encoding="utf-8"))
    assert data["audit"]["count"] >= 61
