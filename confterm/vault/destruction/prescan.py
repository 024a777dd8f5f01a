"""The verification's background pass: search every page while the items are checked off,
so that completion has to decrypt only the pages written since.

Decrypting and searching every page of a million-record vault takes longer than the whole
rest of a completion, yet almost every page is untouched by the purge. A session's
check-off takes minutes at a terminal, so the full search runs then, on two low-priority
threads reading the database file directly (never through the connection). For each page
it keeps the values found and the page's IV and first MAC bytes (``pagescan.TAIL``), and
only for pages whose HMAC verifies: a page caught half-written by a checkpoint fails it
and stays unproven.

Why an unchanged tail proves an unchanged page: SQLCipher encrypts every page it writes
with a fresh random IV and MACs it under the vault key, so a page SQLite rewrote (the
purge, a checkpoint, a b-tree rebalance, VACUUM) has a new IV; equal IV and MAC bytes
mean the bytes searched in the background are the bytes there now. At completion
``pagescan.scan_changed`` re-reads the file, decrypts and searches every page whose tail
differs, or that was not proven, or is new, and the WAL, and carries over the background
results for the rest: every page is still searched for every value, once.

The pass searches for more values than completion will (every item not excluded, and the
personal information of all their clients). Completion uses it only if its own values are
all among them (content edited meanwhile: a full scan instead), and only in the process and
vault session that made it; a locked vault stops it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from confterm.vault import store
from confterm.vault.destruction import pagescan, purge
from confterm.vault.destruction.common import chunks, marks
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx, VaultSession
from confterm.vault.store import Connection


class Pass:
    """One background pass over one vault for one session. It holds the vault session only
    weakly (the registry is keyed by it) and stops when that session is closed."""

    def __init__(self, session: VaultSession, needles: list[bytes], key: bytearray) -> None:
        self.baseline = pagescan.Baseline(needles)
        self._db = session.path / store.DB_NAME
        self._session, self._key = weakref.ref(session), key
        self._stop = threading.Event()
        self.finished = threading.Event()
        self.ok = False
        self._thread = threading.Thread(target=self._run, name="destruction-prescan",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        began = time.perf_counter()
        try:
            db = self._db
            with db.open("rb") as fh:
                salt = fh.read(16)
            key = bytes(self._key)
            hkey = pagescan.hmac_key(key, salt)
            find = pagescan.locator(self.baseline.needles)
            total = db.stat().st_size // pagescan.PAGE
            with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1),
                                    initializer=_lower_priority) as pool:
                for start, result in zip(starts := range(1, total + 1, pagescan.CHUNK_PAGES),
                                         pool.map(lambda s: self._chunk(db, key, hkey, s, find),
                                                  starts), strict=True):
                    if result is None:
                        return
                    tails, hits = result
                    self.baseline.tails[start] = tails
                    self.baseline.hits.update(hits)
                    self.baseline.pages += len(tails) // pagescan.TAIL
            self.ok = not self._stop.is_set()
        except Exception:  # file gone, vault closed meanwhile...: no baseline, no traceback
            self.ok = False  # on a terminal (completion then searches every page itself)
        finally:
            wipe(self._key)
            self.baseline.seconds = time.perf_counter() - began
            self.finished.set()

    def _chunk(self, db: Path, key: bytes, hkey: bytes, first: int, find: pagescan.Locator
               ) -> tuple[bytes, dict[int, set[int]]] | None:
        session = self._session()
        if self._stop.is_set() or session is None or session.closed:
            self._stop.set()
            return None
        data = pagescan.read_run(db, first)
        plain = pagescan.decrypt_run(key, data, first)
        tails = bytearray(len(data) // pagescan.PAGE * pagescan.TAIL)
        for n in range(len(data) // pagescan.PAGE):
            if pagescan.page_ok(hkey, first + n, data[n * pagescan.PAGE:(n + 1) * pagescan.PAGE]):
                tails[n * pagescan.TAIL:(n + 1) * pagescan.TAIL] = pagescan.tail(data, n)
        hits = {p: found for p, found in pagescan.located(find(plain), first).items()
                if any(tails[(p - first) * pagescan.TAIL:(p - first + 1) * pagescan.TAIL])}
        return bytes(tails), hits


def _lower_priority() -> None:
    """Background threads yield the CPU to the terminal (Linux: per-thread nice)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


_passes: weakref.WeakKeyDictionary[VaultSession, dict[int, Pass]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def ensure(ctx: Ctx, session_id: int) -> None:
    """Start the background pass of ``session_id`` unless one is running or done.

    Call on the database thread, outside a transaction (it reads the session's content).
    Never raises: the pass only saves time (without it completion searches every page), so
    a failure here must not turn a committed check-off into an error."""
    with _lock:
        job = _passes.get(ctx.session, {}).get(session_id)
        if job is not None and (job.ok or not job.finished.is_set()):
            return
    try:
        needles = candidate_needles(ctx.conn, session_id)
    except Exception:  # see above
        return
    begin(ctx.session, session_id, needles)


def begin(session: VaultSession, session_id: int, needles: Sequence[bytes]) -> None:
    """Start a pass searching for ``needles`` (replacing any earlier pass of the session)."""
    if session.closed:
        return
    job = Pass(session, sorted(set(needles)), session.data_key_copy())
    with _lock:
        earlier = _passes.setdefault(session, {}).get(session_id)
        _passes[session][session_id] = job
    if earlier is not None:
        earlier.cancel()
    job.start()


def take(ctx: Ctx, session_id: int, needles: Sequence[bytes]) -> pagescan.Baseline | None:
    """The finished baseline of ``session_id`` if it covers ``needles`` (waits for a pass
    still running); None when there is none to trust."""
    with _lock:
        job = _passes.get(ctx.session, {}).get(session_id)
    if job is None:
        return None
    job.finished.wait()
    if not job.ok or not set(needles) <= set(job.baseline.needles):
        return None
    return job.baseline


def discard(ctx: Ctx, session_id: int) -> None:
    """Stop and forget the pass of ``session_id`` (completed or aborted session)."""
    with _lock:
        job = _passes.get(ctx.session, {}).pop(session_id, None)
    if job is not None:
        job.cancel()


def candidate_needles(conn: Connection, session_id: int) -> list[bytes]:
    """Every value completion could search for: the content of each item not excluded, and
    the personal information of all their clients (purged when no record is left)."""
    ids = [int(r[0]) for r in conn.execute(
        "SELECT record_id FROM destruction_session_items WHERE session_id = ?"
        " AND state <> 'excluded'", (session_id,))]
    out = [n for p in purge.collect(conn, ids).values() for n in p.needles()]
    cols = purge.client_columns(conn)
    if not cols:
        return out
    for part in chunks(ids):
        for row in conn.execute(
                f"SELECT {', '.join(cols)} FROM clients WHERE id IN (SELECT DISTINCT client_id"
                f" FROM records WHERE id IN ({marks(len(part))}))", tuple(part)):
            values = {c: row[n] for n, c in enumerate(cols) if row[n]}
            out += purge.Purged(0, values).needles()
    return out
