"""The process the robustness tests kill: it does one kind of work in a loop and prints an
acknowledgement line (flushed) after each operation has *returned*, i.e. committed.

    python -m tests.robust.child edits    VAULT PASSPHRASE
    python -m tests.robust.child passwd   VAULT PASSPHRASE   (alternates PASS_A / PASS_B)
    python -m tests.robust.child rewrite  VAULT PASSPHRASE   (enrol + disable: slot rewrites)
    python -m tests.robust.child backup   VAULT PASSPHRASE DEST
    python -m tests.robust.child diskfull VAULT PASSPHRASE DEST STAGE LIMIT

``diskfull`` sets RLIMIT_FSIZE to LIMIT bytes when the backup reaches STAGE (SIGXFSZ
ignored, so writes fail with EFBIG the way a full disk fails them) and reports the outcome.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import sys
from pathlib import Path

from confterm.errors import ConftermError
from confterm.vault import backup, lifecycle, people
from confterm.vault.secrets import passphrase_bytes
from confterm.vault.session import Ctx, VaultSession
from tests.robust.robust_util import ADMIN, PASS_A, PASS_B, ROBUST_PARAMS


def say(line: str) -> None:
    os.write(1, (line + "\n").encode("utf-8"))  # unbuffered: acked means really sent


def _edit(ctx: Ctx, n: int, body: bytes) -> int:
    with ctx.transaction():
        ctx.conn.execute("INSERT INTO robust_rows(n, body) VALUES (?, ?)", (n, body))
        if n > 1 and n % 3 == 0:
            ctx.conn.execute("UPDATE robust_rows SET body = ? WHERE n = ?",
                             (body[: len(body) // 2], random.randrange(1, n)))
        return ctx.audit("robust.edit", "robust_row", n, {"size": len(body)})


def edits(session: VaultSession) -> None:
    session.call(lambda ctx: ctx.conn.execute(
        "CREATE TABLE IF NOT EXISTS robust_rows(n INTEGER PRIMARY KEY, body BLOB NOT NULL)"))
    start = session.call(lambda ctx: ctx.conn.execute(
        "SELECT coalesce(max(n), 0) FROM robust_rows").fetchone()[0]) + 1
    say("ready")
    for n in range(start, start + 10**9):
        seq = session.call(_edit, n, os.urandom(random.randrange(50, 6000)))
        say(f"ack {seq} {n}")


def passwd(session: VaultSession, current: str) -> None:
    say("ready")
    while True:
        new = PASS_B if current == PASS_A else PASS_A
        lifecycle.change_passphrase(session, passphrase_bytes(current), passphrase_bytes(new),
                                    params=ROBUST_PARAMS)
        current = new
        say(f"ack {current}")


def rewrite(session: VaultSession) -> None:
    say("ready")
    for k in range(10**9):
        name = f"临时{os.getpid()}-{k}"
        lifecycle.enrol(session, name, frozenset({"auditor"}),
                        passphrase_bytes(f"temporary passphrase {k} ok"), params=ROBUST_PARAMS)
        say(f"ack enrol {name}")
        lifecycle.disable(session, name)
        say(f"ack disable {name}")


def backups(session: VaultSession, dest: Path) -> None:
    say("ready")
    while True:
        result = backup.create_backup(session, dest, label="robust")
        say(f"ack {result.manifest.backup_id} {result.path}")


def diskfull(session: VaultSession, dest: Path, stage: str, limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    def progress(at: str, done: int, _total: int) -> None:
        if at == stage and done == 0:
            resource.setrlimit(resource.RLIMIT_FSIZE,
                               (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    try:
        result = backup.create_backup(session, dest, label="diskfull", progress=progress)
    except ConftermError as exc:
        say(f"error {exc.key} {exc.message()}")
        return
    say(f"ok {result.manifest.backup_id} {result.path}")


def main(argv: list[str]) -> int:
    mode, vault, secret = argv[0], Path(argv[1]), argv[2]
    session = lifecycle.open_vault(vault, ADMIN, passphrase_bytes(secret))
    assert people.ROLES  # the admin holds every role
    try:
        if mode == "edits":
            edits(session)
        elif mode == "passwd":
            passwd(session, secret)
        elif mode == "rewrite":
            rewrite(session)
        elif mode == "backup":
            backups(session, Path(argv[3]))
        elif mode == "diskfull":
            diskfull(session, Path(argv[3]), argv[4], int(argv[5]))
        else:
            raise SystemExit(f"unknown mode {mode}")
    finally:
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
