"""The tamper-evident audit trail: a hash chain of events and signed checkpoints.

Each event's hash covers the previous hash and the event's canonical bytes, so modifying,
deleting, inserting or reordering any event breaks the chain at that point. Truncating the
tail leaves a shorter but self-consistent chain; that is why every printed report carries a
checkpoint (count, head hash) as a short code: the paper anchors the offline machine's
history, and ``confterm audit verify --checkpoint CODE`` proves the log still extends it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

from confterm.errors import InputError
from confterm.vault.checkchar import luhn_check_char
from confterm.vault.store import Connection, utc_now

GENESIS = b"\x00" * 32
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_HASH_CHARS = 16  # 80 bits of the head hash


def canonical_json(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_bytes(seq: int, ts: str, actor: str, action: str, object_type: str,
                object_id: str, details: str) -> bytes:
    """Canonical bytes of one event. Fields never contain NUL (JSON escapes it; names are
    validated), so NUL-joining is unambiguous and fast enough for a million events."""
    return "\x00".join((str(seq), ts, actor, action, object_type, object_id,
                        details)).encode("utf-8")


def chain_hash(prev_hash: bytes, payload: bytes) -> bytes:
    return hashlib.sha256(prev_hash + payload).digest()


@dataclass(frozen=True)
class Event:
    seq: int
    ts: str
    actor: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, object]


def head(conn: Connection) -> tuple[int, bytes]:
    row = conn.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), bytes(row[1]))


def append(conn: Connection, actor: str, action: str, object_type: str, object_id: object,
           details: dict[str, object] | None = None, ts: str | None = None) -> int:
    """Add one event; call inside the transaction of the change it records."""
    seq, prev = head(conn)
    seq += 1
    ts = ts or utc_now()
    details_text = canonical_json(details or {})
    oid = str(object_id)
    digest = chain_hash(prev, event_bytes(seq, ts, actor, action, object_type, oid, details_text))
    conn.execute(
        "INSERT INTO audit_events(seq, ts, actor, action, object_type, object_id, details,"
        " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
        (seq, ts, actor, action, object_type, oid, details_text, prev, digest))
    return seq


@dataclass
class ChainReport:
    """Outcome of a verification: events checked, head, and the first bad event if any."""

    count: int
    head_hash: bytes
    first_bad: int | None = None
    reason: str | None = None  # catalogue key

    @property
    def intact(self) -> bool:
        return self.first_bad is None


def verify_chain(conn: Connection, progress: Callable[[int, int], None] | None = None,
                 batch: int = 20000) -> ChainReport:
    """Recompute every hash in order; stop at the first event that does not fit."""
    total = conn.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    prev, expected_seq, done = GENESIS, 1, 0
    cursor = conn.execute("SELECT seq, ts, actor, action, object_type, object_id, details,"
                          " prev_hash, hash FROM audit_events ORDER BY seq")
    sha256 = hashlib.sha256
    while rows := cursor.fetchmany(batch):
        for seq, ts, actor, action, otype, oid, details, prev_hash, digest in rows:
            if seq != expected_seq:
                return ChainReport(done, prev, expected_seq, "audit.gap")
            if prev_hash != prev:
                return ChainReport(done, prev, seq, "audit.broken_link")
            payload = "\x00".join((str(seq), ts, actor, action, otype, oid, details))
            if sha256(prev + payload.encode("utf-8")).digest() != digest:
                return ChainReport(done, prev, seq, "audit.hash_mismatch")
            prev = bytes(digest)
            expected_seq += 1
            done += 1
        if progress:
            progress(done, total)
    return ChainReport(done, prev)


# ---- checkpoints and their printed code ---------------------------------------------


def _b32(data: bytes, chars: int) -> str:
    number = int.from_bytes(data, "big")
    bits = len(data) * 8
    out = []
    for i in range(chars):
        shift = bits - 5 * (i + 1)
        out.append(CODE_ALPHABET[(number >> shift) & 31] if shift >= 0 else "0")
    return "".join(out)


def _check(text: str) -> str:
    return luhn_check_char(text, CODE_ALPHABET)


def checkpoint_code(count: int, head_hash: bytes) -> str:
    """E.g. ``CP-1042-7F3K-Q2M9-ABCD-EF01-X``: count, 80 bits of head hash, check char."""
    digest = _b32(head_hash[:10], CODE_HASH_CHARS)
    body = f"{count}" + digest
    groups = "-".join(digest[i:i + 4] for i in range(0, CODE_HASH_CHARS, 4))
    return f"CP-{count}-{groups}-{_check(body)}"


def parse_checkpoint_code(code: str) -> tuple[int, str]:
    """(count, hash prefix in base32) from a typed code; InputError naming the problem."""
    text = code.strip().upper().translate(str.maketrans("OIL", "011"))
    parts = [p for p in text.replace(" ", "-").split("-") if p]
    if len(parts) < 3 or parts[0] != "CP" or not parts[1].isdigit():
        raise InputError("audit.code_malformed", code=code.strip()[:60])
    count, check = int(parts[1]), parts[-1]
    digest = "".join(parts[2:-1])
    if len(digest) != CODE_HASH_CHARS or any(c not in CODE_ALPHABET for c in digest) \
            or len(check) != 1:
        raise InputError("audit.code_malformed", code=code.strip()[:60])
    if not hmac.compare_digest(_check(f"{count}" + digest), check):
        raise InputError("audit.code_typo", code=code.strip()[:60])
    return count, digest


@dataclass
class CheckpointCheck:
    ok: bool
    reason: str | None = None  # catalogue key
    count: int = 0


def check_checkpoint(conn: Connection, code: str) -> CheckpointCheck:
    """Does the current log still contain the event the code was printed at?"""
    count, digest = parse_checkpoint_code(code)
    if count == 0:
        return CheckpointCheck(True, None, 0)
    row = conn.execute("SELECT hash FROM audit_events WHERE seq = ?", (count,)).fetchone()
    if row is None:
        return CheckpointCheck(False, "audit.truncated", count)
    if _b32(bytes(row[0])[:10], CODE_HASH_CHARS) != digest:
        return CheckpointCheck(False, "audit.checkpoint_mismatch", count)
    return CheckpointCheck(True, None, count)


def record_checkpoint(conn: Connection, actor: str, purpose: str,
                      sign: Callable[[bytes], bytes]) -> str:
    """Sign (count, head) with the vault key, store it, and return its printed code."""
    count, digest = head(conn)
    message = checkpoint_message(count, digest)
    conn.execute("INSERT OR REPLACE INTO audit_checkpoints(seq, hash, signature, created_at,"
                 " actor, purpose) VALUES (?,?,?,?,?,?)",
                 (count, digest, sign(message), utc_now(), actor, purpose))
    return checkpoint_code(count, digest)


def checkpoint_message(count: int, digest: bytes) -> bytes:
    return f"confterm-checkpoint|{count}|{digest.hex()}".encode()


def fetch(conn: Connection, seq: int) -> Event | None:
    row = conn.execute("SELECT seq, ts, actor, action, object_type, object_id, details"
                       " FROM audit_events WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        return None
    return Event(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]))
