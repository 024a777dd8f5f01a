"""Which text encoding a CSV file is in.

Chinese Excel saves "CSV" in the ANSI code page (GBK, read here as its superset GB18030),
"CSV UTF-8" with a BOM, and "Unicode text" as UTF-16 with a BOM and tabs; other tools write
UTF-8 without a BOM. Guessing wrong turns every name into mojibake that then passes
validation, so the rule is strict and checks the whole file (streamed, in 64 KiB pieces):

1. a BOM decides (UTF-8 -> utf-8-sig, UTF-16 LE/BE -> utf-16); the file is not read
   ahead, and a byte that does not decode is reported by :func:`undecodable` when the
   reader reaches it (a file cut short, or pasted together from two files);
2. else, if the whole file decodes as strict UTF-8 -> utf-8 (GBK text almost never does);
3. else, if it decodes as strict GB18030 -> gb18030;
4. else a clear error naming the file and the first byte neither could read.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from confterm.errors import InputError

_PIECE = 1 << 16  # decoded and dropped piece by piece: a small, steady peak
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def _first_bad_byte(path: Path, encoding: str) -> int | None:
    """Offset of the first byte ``encoding`` cannot decode, or None if the file is clean."""
    skip = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0
    decoder = codecs.getincrementaldecoder("utf-8" if skip else encoding)(errors="strict")
    offset = skip  # utf-8-sig would count its error offsets from after the BOM
    with path.open("rb") as handle:
        handle.seek(skip)
        while True:
            piece = handle.read(_PIECE)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(piece, final=not piece)
            except UnicodeDecodeError as err:
                return offset - pending + err.start
            if not piece:
                return None
            offset += len(piece)


def _pieces_before(path: Path, offset: int) -> Iterator[bytes]:
    """The file's bytes before ``offset``, piece by piece."""
    with path.open("rb") as handle:
        left = offset
        while left > 0 and (piece := handle.read(min(_PIECE, left))):
            left -= len(piece)
            yield piece


def _line_of(path: Path, encoding: str, offset: int) -> int:
    """The line (1-based) that byte ``offset`` is on: the text before it decodes, so its
    line ends are counted as characters (a byte count would be wrong in UTF-16)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return 1 + sum(decoder.decode(p).count("\n") for p in _pieces_before(path, offset))


def _undecodable(path: Path, key: str, codec: str, offset: int,
                 **params: object) -> InputError:
    """Where: the byte as people count (from 1) and its line; ``offset`` from 0 kept."""
    return InputError(key, file=str(path), offset=offset, byte=offset + 1,
                      line=_line_of(path, codec, offset), **params)


def _ascii_before(path: Path, offset: int) -> bool:
    return all(piece.isascii() for piece in _pieces_before(path, offset))


def detect_encoding(path: Path) -> str:
    """The Python codec name to read ``path`` with (see the module docstring)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as err:
        raise InputError("import.cannot_read", file=str(path), error=err.strerror or str(err)
                         ) from None
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    utf8 = _first_bad_byte(path, "utf-8")
    if utf8 is None:
        return "utf-8"
    gb = _first_bad_byte(path, "gb18030")
    if gb is None:
        return "gb18030"
    # Chinese text that decodes as UTF-8 is UTF-8 (GBK text almost never does): then the
    # damage is where UTF-8 stops (a file cut short breaks off at its end), not where
    # GB18030, which reads almost any byte pair, gave up.
    codec, bad = ("gb18030", gb) if _ascii_before(path, utf8) else ("utf-8", utf8)
    raise _undecodable(path, "import.bad_encoding", codec, bad)


def undecodable(path: Path, encoding: str) -> InputError:
    """The error for a file that stopped decoding while it was read: which byte, and in
    which encoding (the import is all-or-nothing, so nothing read before it is kept)."""
    bad = _first_bad_byte(path, encoding) or 0
    if encoding in ("utf-8-sig", "utf-16"):
        return _undecodable(path, "import.bad_text_after_bom", encoding, bad,
                            encoding="UTF-8" if encoding == "utf-8-sig" else "UTF-16")
    return _undecodable(path, "import.bad_encoding", encoding, bad)
