"""Benchmark figures of the TUI: process start to the unlock screen's first frame, and
unlock to home against the KDF alone (target: KDF + 300 ms).

``figures(ctx)`` fits the benchmark runner (add ``"confterm.bench_ui"`` to its
FIGURE_MODULES); ``python -m confterm.bench_ui VAULT NAME`` prints the medians for any
vault (the passphrase is read from standard input). No test asserts on these times.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

from confterm.vault import keyslots
from confterm.vault.kdf import derive_key
from confterm.vault.secrets import passphrase_bytes, wipe

MARKER = b"unlock the vault"  # the unlock screen's title in English (ui.unlock.title)


def first_frame_seconds(vault: Path, columns: int = 100, rows: int = 30,
                        timeout: float = 20.0) -> float:
    """Seconds from spawning ``confterm --vault VAULT`` on a pseudo-terminal until the
    unlock screen's title has been written to it; the process is then terminated."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "confterm", "--vault", str(vault),
                             "--lang", "en"], stdin=slave, stdout=slave, stderr=slave,
                            env=env, start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if MARKER in seen:
                    return time.perf_counter() - start
        raise RuntimeError("the unlock screen did not appear")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)


def kdf_seconds(vault: Path, name: str, passphrase: str) -> float:
    """Argon2id alone, with the person's own slot parameters."""
    slot = keyslots.load(vault).file.find(name)
    assert slot is not None
    secret = passphrase_bytes(passphrase)
    start = time.perf_counter()
    wipe(derive_key(secret, slot.salt, slot.kdf))
    elapsed = time.perf_counter() - start
    wipe(secret)
    return elapsed


async def _unlock_to_home(vault: Path, name: str, passphrase: str, think: float) -> float:
    from confterm.app import create_app

    app = create_app(vault, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        while not getattr(app.screen, "loaded", False):
            await pilot.pause(0.01)
        await asyncio.sleep(think)  # a person reads the screen and types the passphrase
        screen: Any = app.screen
        screen.query_one("#unlock-name").value = name
        screen.query_one("#unlock-pass").value = passphrase
        start = time.perf_counter()
        screen.action_unlock()  # what Enter in the passphrase field does
        while not (type(app.screen).__name__ == "HomeScreen"
                   and getattr(app.screen, "loaded", False)):
            await asyncio.sleep(0.002)
        elapsed = time.perf_counter() - start
        await pilot.press("ctrl+l")
    return elapsed


def unlock_to_home_seconds(vault: Path, name: str, passphrase: str, think: float = 2.0) -> float:
    """Seconds from submitting the passphrase to a loaded home screen (facts and attention
    included), in a headless app in a fresh process (so the first unlock's imports count);
    ``think`` seconds pass on the unlock screen first, as when a person types."""
    code = ("import sys; from pathlib import Path; from confterm.bench_ui import _in_process; "
            "print(_in_process(Path(sys.argv[1]), sys.argv[2], sys.stdin.readline()"
            ".rstrip('\\n'), float(sys.argv[3])))")
    out = subprocess.run([sys.executable, "-c", code, str(vault), name, str(think)],
                         input=passphrase + "\n", capture_output=True, text=True, check=True,
                         timeout=120)
    return float(out.stdout.strip().splitlines()[-1])


def _in_process(vault: Path, name: str, passphrase: str, think: float) -> float:
    return asyncio.run(_unlock_to_home(vault, name, passphrase, think))


def paired(vault: Path, name: str, passphrase: str, runs: int) -> tuple[list[float],
                                                                       list[float]]:
    """Unlock-to-home and KDF-alone samples (ms) taken alternately, so a busy machine
    slows both alike instead of whichever phase ran while it was busy."""
    homes, kdfs = [], []
    for _ in range(runs):
        kdfs.append(kdf_seconds(vault, name, passphrase) * 1000)
        homes.append(unlock_to_home_seconds(vault, name, passphrase) * 1000)
    return homes, kdfs


def figures(ctx: Any) -> list[Any]:
    """For the benchmark runner (BenchContext): its vault and person."""
    from confterm.bench.harness import Figure
    from confterm.bench.runner import BENCH_PASSPHRASE, BENCH_PERSON

    repeat = 3 if ctx.quick else ctx.repeat
    frames = [first_frame_seconds(ctx.vault) * 1000 for _ in range(repeat)]
    homes, kdfs = paired(ctx.vault, BENCH_PERSON, BENCH_PASSPHRASE, repeat)
    return [
        Figure("process start to unlock screen", "ms", frames, target="< 1000 ms"),
        Figure("unlock to home screen (TUI)", "ms", homes, "Argon2id alone", kdfs,
               target="≤ KDF + 300 ms", note=f"Argon2id {ctx.params}"),
    ]


def main(argv: list[str]) -> int:
    vault, name = Path(argv[0]), argv[1]
    runs = int(argv[2]) if len(argv) > 2 else 7
    passphrase = sys.stdin.readline().rstrip("\n")
    frames = [first_frame_seconds(vault) * 1000 for _ in range(runs)]
    homes, kdfs = paired(vault, name, passphrase, runs)
    extra = [h - k for h, k in zip(homes, kdfs, strict=True)]
    print(f"process start to unlock screen: median {statistics.median(frames):.0f} ms "
          f"(min {min(frames):.0f}, max {max(frames):.0f})")
    print(f"unlock to home: median {statistics.median(homes):.0f} ms; Argon2id alone: median "
          f"{statistics.median(kdfs):.0f} ms; paired difference: median "
          f"{statistics.median(extra):.0f} ms (min {min(extra):.0f}, max {max(extra):.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
