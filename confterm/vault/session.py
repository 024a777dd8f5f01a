"""An unlocked vault: one database connection on one thread, and the unlocked person's keys.

Every service is a plain synchronous function ``fn(ctx, *args)`` run on the database thread
through ``session.call`` (blocking, for the CLI) or ``await session.acall`` (for the TUI, off
the event loop). One thread owns the connection, so there is never concurrent use of it, and
a service that changes data writes its audit event inside ``ctx.transaction()``: the change
and its record commit together or not at all.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from confterm.errors import InputError
from confterm.vault import audit, keys, store
from confterm.vault.people import Person
from confterm.vault.secrets import wipe
from confterm.vault.store import Connection, transaction

P = ParamSpec("P")
T = TypeVar("T")
LOCK_FILE = "vault.lock"


class Ctx:
    """What a service sees: the connection, who acts, and how to audit and sign."""

    def __init__(self, session: VaultSession, conn: Connection) -> None:
        self.session = session
        self.conn = conn

    @property
    def actor(self) -> Person:
        return self.session.person

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with transaction(self.conn) as conn:
            yield conn

    def audit(self, action: str, object_type: str, object_id: object,
              details: dict[str, object] | None = None, actor: str | None = None) -> int:
        return audit.append(self.conn, actor or self.actor.name, action, object_type,
                            object_id, details)

    def now(self) -> datetime:
        return self.session.clock()

    def today(self) -> date:
        return self.now().date()

    def sign(self, message: bytes) -> bytes:
        return self.session.sign(message)

    def checkpoint(self, purpose: str) -> str:
        return audit.record_checkpoint(self.conn, self.actor.name, purpose,
                                       self.session.sign_as_vault)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class VaultLock:
    """An exclusive advisory lock on the vault directory: one confterm at a time."""

    def __init__(self, vault_dir: Path) -> None:
        self.path = vault_dir / LOCK_FILE
        self.fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            raise InputError("vault.in_use", path=str(self.path.parent)) from exc
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


CANCEL_CHECK_STEPS = 5000
"""SQLite virtual-machine steps between two looks at a cancellable read's flag (~0.1 ms)."""


class Cancelled(Exception):
    """A cancellable read stopped because a newer request superseded it (not an error)."""


class VaultSession:
    """Holds the keys while unlocked; ``close`` wipes them and closes the database."""

    def __init__(self, path: Path, vault_id: str, person: Person, dek: bytearray,
                 signing_seed: bytearray, lock: VaultLock,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.path = path
        self.vault_id = vault_id
        self.person = person
        self._dek = dek
        self._seed = signing_seed
        self._vault_seed = keys.subkey(dek, b"vault-signing")
        self._lock = lock
        self.clock = clock
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="confterm-db")
        self._conn: Connection | None = None
        self.closed = False

    # -- running services ------------------------------------------------------------

    def attach(self, conn_factory: Callable[[], Connection]) -> None:
        """Open the connection on the database thread (it is used only there)."""
        self._conn = self._executor.submit(conn_factory).result()

    def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._conn is None or self.closed:
            raise InputError("vault.locked")
        try:
            return fn(Ctx(self, self._conn), *args, **kwargs)
        except store.DatabaseError as exc:
            translated = store.translate_error(exc, self.path / store.DB_NAME)
            if translated is exc:
                raise
            raise translated from exc

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(ctx, ...)`` on the database thread and wait for it."""
        if self.closed:
            raise InputError("vault.locked")
        return self._executor.submit(self._run, fn, *args, **kwargs).result()

    async def acall_cancellable(self, cancel: threading.Event, fn: Callable[..., T],
                                *args: Any) -> T:
        """``acall`` for a read that a newer request can make useless (the count of a
        search the person has typed past): once ``cancel`` is set, the statement stops
        within a few thousand SQLite steps and :class:`Cancelled` is raised, so it never
        holds the database thread in front of the newer request. Reads only: a write
        stopped half-way would roll back its transaction."""
        if self.closed:
            raise InputError("vault.locked")
        future = self._executor.submit(self._run_cancellable, cancel, fn, *args)
        return await asyncio.wrap_future(future)

    def _run_cancellable(self, cancel: threading.Event, fn: Callable[..., T],
                         *args: Any) -> T:
        conn = self._conn
        if cancel.is_set() or conn is None:
            raise Cancelled()
        conn.set_progress_handler(cancel.is_set, CANCEL_CHECK_STEPS)
        try:
            return self._run(fn, *args)
        except Exception:
            if cancel.is_set():
                raise Cancelled() from None
            raise
        finally:
            conn.set_progress_handler(None, 0)

    async def acall(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Same as ``call`` but awaited: the event loop never blocks on the database."""
        if self.closed:
            raise InputError("vault.locked")
        future = self._executor.submit(self._run, fn, *args, **kwargs)
        return await asyncio.wrap_future(future)

    # -- keys --------------------------------------------------------------------------

    def sign(self, message: bytes) -> bytes:
        return keys.sign(self._seed, message)

    def sign_as_vault(self, message: bytes) -> bytes:
        return keys.sign(self._vault_seed, message)

    @property
    def vault_public_key(self) -> bytes:
        return keys.public_key_of(self._vault_seed)

    def data_key_copy(self) -> bytearray:
        """A copy of the DEK for key-slot work (enrolment, backup); caller must wipe it."""
        return bytearray(self._dek)

    # -- end ---------------------------------------------------------------------------

    def close(self, wait: bool = True) -> None:
        """Wipe every key now; interrupt any running query; close the database on its thread.

        With ``wait=False`` (the idle lock) this returns at once: nothing the database
        thread is doing can hold the lock back. The vault lock file is released once the
        connection is really closed.
        """
        if self.closed:
            return
        self.closed = True
        for secret in (self._dek, self._seed, self._vault_seed):
            wipe(secret)
        conn = self._conn
        if conn is not None:
            conn.interrupt()

        def _close() -> None:
            try:
                if self._conn is not None:
                    self._conn.close()
            finally:
                self._conn = None
                self._lock.release()

        future = self._executor.submit(_close)
        self._executor.shutdown(wait=False, cancel_futures=False)
        if wait:
            future.result(timeout=60)

    def __enter__(self) -> VaultSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
