"""Handling of secret bytes: passphrases and keys live in bytearrays we can wipe.

Python cannot promise that no copy survives (the interpreter may have copied a str or
bytes earlier), but every buffer we own is zeroed as soon as it is no longer needed, so
keys do not linger in memory dumps for the lifetime of the process.
"""

from __future__ import annotations

import ctypes
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager


def wipe(buffer: bytearray | memoryview | None) -> None:
    """Overwrite ``buffer`` with zeros in place (no-op for None or empty)."""
    if buffer is None or len(buffer) == 0:
        return
    if isinstance(buffer, memoryview):
        buffer[:] = bytes(len(buffer))
        return
    address = (ctypes.c_char * len(buffer)).from_buffer(buffer)
    ctypes.memset(address, 0, len(buffer))


@contextmanager
def wiped(buffer: bytearray) -> Iterator[bytearray]:
    """Use ``buffer`` inside a ``with`` block; it is zeroed on exit, even on error."""
    try:
        yield buffer
    finally:
        wipe(buffer)


def passphrase_bytes(text: str) -> bytearray:
    """The passphrase as NFC-normalised UTF-8 in a wipeable buffer.

    Normalising means the same passphrase typed through different input methods (composed
    or decomposed characters) unlocks the same slot.
    """
    return bytearray(unicodedata.normalize("NFC", text).encode("utf-8"))
