"""Reading and checking a large file in a second process while the vault writes.

Parsing and validating a row (the importing package) and writing it with its search
document cost about the same CPU time, and Python runs one thread at a time, so on a
2-core workstation an import of a large file is much faster when the file is read in
another process. That process is a fresh interpreter (``python -m`` this module), not a
fork: it never holds a copy of the unlocked vault's keys, and it does not depend on how
the parent was started. It reads the options from stdin and writes pickled messages to
stdout: validated chunks with each row's retention end and the search tokens of its title
and archive number (search_index.record_part). Small files are read in-process (starting
an interpreter costs more than it saves).
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from confterm.errors import ConftermError, InputError
from confterm.vault.catalogue.bulk import row_values
from confterm.vault.catalogue.retention_sync import Calculator
from confterm.vault.catalogue.search_index import record_part
from confterm.vault.importing.model import Chunk, ImportOptions, Problem
from confterm.vault.importing.reader import CatalogueReader
from confterm.vault.retention_rules import rules_by_category

Progress = Callable[[int, int | None], None]
RowRef = tuple[int, str, str, str, tuple[str, ...]]
"""What the vault side needs of a row besides its values: (row number, client code,
client name, location as written, labels). A plain tuple, not the whole CatalogueRow:
pickling and unpickling a 24-field named tuple cost ~8 µs a row against ~2 µs."""
Piece = tuple[list[RowRef], list[Problem], list[str], list[tuple[Any, ...]]]
"""(row references, problems, search tokens of "title archive_no", the values to insert
(bulk.row_values, retention end included)) of one chunk."""
CHILD_MIN_BYTES = 2 << 20  # below ~10,000 rows the child's start-up costs more than it saves



def _docs(chunk: Chunk) -> list[str]:
    return [record_part(r.title, r.archive_no) for r in chunk.rows]


def _values(chunk: Chunk, calc: Calculator) -> list[tuple[Any, ...]]:
    return [row_values(r, calc.end(r.category, r.fiscal_year, r.end_year, r.scrapped_year,
                                   r.extension_years, r.extension_reason))
            for r in chunk.rows]


def _light(chunk: Chunk, calc: Calculator) -> Piece:
    """Everything per row that needs no vault lookup, done where the row was read. (The
    values share their strings with the references: pickle sends each string once.)"""
    refs = [(r.row, r.client_code, r.client_name, r.location, r.labels) for r in chunk.rows]
    return refs, chunk.problems, _docs(chunk), _values(chunk, calc)


def child_main(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The reading process: (path, options) in; progress, chunks, then end or error out."""
    path, options = pickle.load(stdin)

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()

    def report(done: int, total: int | None) -> None:
        send(("progress", done, total))

    try:
        calc = Calculator(rules_by_category(options.rules))
        for chunk in CatalogueReader(path, options, report).chunks():
            send(("chunk", *_light(chunk, calc)))
        send(("end",))
    except ConftermError as exc:
        send(("error", type(exc).__name__, exc.key, exc.params))
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        send(("error", "InputError", "records.import_reader_failed",
              {"kind": type(exc).__name__}))


def read_chunks(path: Path, options: ImportOptions,
                progress: Progress | None = None) -> Iterator[Piece]:
    """A :data:`Piece` for each validated chunk of ``path``.

    Rows come as :data:`RowRef` and their values (``bulk.row_values``).
    """
    if not path.is_file() or path.stat().st_size < CHILD_MIN_BYTES:
        calc = Calculator(rules_by_category(options.rules))
        for chunk in CatalogueReader(path, options, progress).chunks():
            yield _light(chunk, calc)
        return
    yield from _from_child(path, options, progress)


def _from_child(path: Path, options: ImportOptions,
                progress: Progress | None) -> Iterator[Piece]:
    import confterm

    env = dict(os.environ)
    root = str(Path(confterm.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    proc = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdin is not None and proc.stdout is not None
    inbox = _Inbox(proc.stdout)
    inbox.start()  # before anything can fail: ``finally`` always joins a started thread
    try:
        pickle.dump((str(path), options), proc.stdin)
        proc.stdin.close()
        while True:
            message = inbox.get()
            if message is None:
                raise InputError("records.import_reader_failed",
                                 kind=f"exit {proc.poll()}") from None
            kind = message[0]
            if kind == "chunk":
                yield message[1], message[2], message[3], message[4]
            elif kind == "progress":
                if progress is not None:
                    progress(message[1], message[2])
            elif kind == "error":
                _raise(message[1], message[2], message[3])
            else:
                return
    finally:
        inbox.stop()
        if proc.poll() is None:
            proc.terminate()
        inbox.join()
        proc.stdout.close()
        proc.wait(timeout=10)


class _Inbox(threading.Thread):
    """Takes the reading process's messages off the pipe as soon as they come.

    Why a thread: the vault writes a chunk's rows in bursts (a batch every few thousand
    rows), and a pipe holds 64 KiB. Read only between bursts, the reading process would
    stop at each burst with a finished chunk in hand, and the two processes would take
    turns instead of working at once (measured: 30 of 90 seconds of a 1,000,000-row import
    spent waiting for the reader). Unpickling here also overlaps SQLite's own work, which
    runs without the GIL. At most ``AHEAD`` messages wait, so memory stays bounded.
    """

    AHEAD = 64

    def __init__(self, pipe: IO[bytes]) -> None:
        super().__init__(name="import-reader-inbox", daemon=True)
        self.pipe = pipe
        self.queue: queue.Queue[tuple[Any, ...] | None] = queue.Queue(self.AHEAD)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                message: tuple[Any, ...] | None = pickle.load(self.pipe)
            except Exception:  # ended, or wrote something else: get() says the reader failed
                message = None
            if not self._put(message) or message is None or message[0] in ("end", "error"):
                return

    def _put(self, message: tuple[Any, ...] | None) -> bool:
        while not self.stopping.is_set():
            try:
                self.queue.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def get(self) -> tuple[Any, ...] | None:
        return self.queue.get()

    def stop(self) -> None:
        self.stopping.set()


def _raise(kind: str, key: str, params: dict[str, object]) -> None:
    from confterm import errors

    cls = getattr(errors, kind, InputError)
    if not (isinstance(cls, type) and issubclass(cls, ConftermError)):
        cls = InputError
    raise cls(key, **params)


if __name__ == "__main__":
    # Run the imported module's function, not this __main__ copy (its names are the
    # ones the parent can resolve).
    from confterm.vault.catalogue import import_pipe

    import_pipe.child_main(sys.stdin.buffer, sys.stdout.buffer)
