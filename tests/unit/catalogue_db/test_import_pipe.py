"""The reading process's messages reach the import whole, in order, or as one clear failure;
and an import that stops early (a problem, Ctrl+C) leaves no reader behind."""

from __future__ import annotations

import io
import pickle
import threading
import time
from pathlib import Path

import pytest

from confterm.errors import InputError
from confterm.vault.catalogue import import_pipe
from confterm.vault.catalogue.bench_data import catalogue_rows
from confterm.vault.importing.export import write_csv
from confterm.vault.importing.model import ImportOptions


def _messages(*items: tuple[object, ...]) -> bytes:
    return b"".join(pickle.dumps(m) for m in items)


def test_messages_arrive_in_order_and_a_broken_stream_is_a_failure() -> None:
    pipe = io.BytesIO(_messages(("progress", 1, 3), ("chunk", [1], [], ["a"], ["e"]))
                      + b"not a pickle")
    inbox = import_pipe._Inbox(pipe)
    inbox.start()
    assert inbox.get() == ("progress", 1, 3)
    assert inbox.get() == ("chunk", [1], [], ["a"], ["e"])
    assert inbox.get() is None  # what read_chunks turns into "the reader failed"
    inbox.join(timeout=5)
    assert not inbox.is_alive()


def test_a_full_inbox_stops_when_the_import_stops() -> None:
    many = _messages(*[("progress", i, None) for i in range(import_pipe._Inbox.AHEAD * 3)])
    inbox = import_pipe._Inbox(io.BytesIO(many))
    inbox.start()
    deadline = time.monotonic() + 5
    while inbox.queue.qsize() < import_pipe._Inbox.AHEAD and time.monotonic() < deadline:
        time.sleep(0.01)
    assert inbox.queue.qsize() == import_pipe._Inbox.AHEAD  # bounded: it waits, not reads on
    inbox.stop()
    inbox.join(timeout=5)
    assert not inbox.is_alive()


def test_leaving_a_large_import_early_ends_the_reading_process(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    write_csv(path, list(catalogue_rows(20_000)))
    assert path.stat().st_size > import_pipe.CHILD_MIN_BYTES
    before = threading.active_count()
    pieces = import_pipe.read_chunks(path, ImportOptions())
    first = next(pieces)
    assert len(first[0]) == ImportOptions().chunk_size
    started = time.monotonic()
    pieces.close()  # what an exception in the importing loop does
    assert time.monotonic() - started < 5
    assert threading.active_count() == before


def test_a_reader_that_dies_is_one_clear_error(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.csv"
    write_csv(path, list(catalogue_rows(20_000)))
    monkeypatch.setattr(import_pipe, "__name__", "no.such.module")  # the child cannot start
    with pytest.raises(InputError) as caught:
        list(import_pipe.read_chunks(path, ImportOptions()))
    assert "exit" in str(caught.value.params)


def test_a_large_import_takes_at_most_an_eighth_of_memory_for_its_cache(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from confterm.vault.catalogue import importer

    def machine(gib: float) -> int:
        sizes = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": int(gib * (1 << 30)) // 4096}
        monkeypatch.setattr(importer.os, "sysconf", lambda name: sizes[name])
        return importer.large_import_cache_kib()

    assert machine(24) == -1048576  # 1 GiB (SQLite takes negative sizes as KiB)
    assert machine(4) == -524288  # an eighth of 4 GiB
    assert machine(1) == importer.IMPORT_CACHE_KIB  # never below the usual import cache
