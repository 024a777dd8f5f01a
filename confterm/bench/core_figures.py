"""Vault core figures: unlock vs the KDF alone, raw-key open, audit verification rate."""

from __future__ import annotations

import hashlib
import os

from confterm.vault import audit, keyslots, store
from confterm.vault.kdf import derive_key
from confterm.vault.secrets import passphrase_bytes, wipe

from .harness import Figure, peak_rss_mb, timed
from .runner import BENCH_PASSPHRASE, BENCH_PERSON, BenchContext


def _kdf_alone(ctx: BenchContext) -> None:
    slot = keyslots.load(ctx.vault).file.find(BENCH_PERSON)
    assert slot is not None
    secret = passphrase_bytes(BENCH_PASSPHRASE)
    wipe(derive_key(secret, slot.salt, slot.kdf))
    wipe(secret)


def _unlock(ctx: BenchContext) -> None:
    session = ctx.open()
    session.call(lambda c: c.conn.execute("SELECT count(*) FROM people").fetchone())
    session.close()


def _open_raw(ctx: BenchContext, dek: bytearray) -> None:
    conn = store.connect(ctx.vault / store.DB_NAME, dek)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def _open_plain_sqlite(path: str) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def fill_audit(session_conn: store.Connection, events: int, batch: int = 50_000) -> None:
    """Append ``events`` chained events quickly (one transaction per batch)."""
    seq, prev = audit.head(session_conn)
    ts = store.utc_now()
    sha = hashlib.sha256
    done = 0
    while done < events:
        rows = []
        for _ in range(min(batch, events - done)):
            seq += 1
            details = '{"field":"title","reason":"bench"}'
            payload = audit.event_bytes(seq, ts, BENCH_PERSON, "record.update", "record",
                                        str(seq), details)
            digest = sha(prev + payload).digest()
            rows.append((seq, ts, BENCH_PERSON, "record.update", "record", str(seq), details,
                         prev, digest))
            prev = digest
        with store.transaction(session_conn):
            session_conn.executemany("INSERT INTO audit_events VALUES (?,?,?,?,?,?,?,?,?)",
                                     rows)
        done += len(rows)


def figures(ctx: BenchContext) -> list[Figure]:
    out: list[Figure] = []
    repeat = 3 if ctx.quick else ctx.repeat
    out.append(Figure(
        "unlock (KDF + open + first query)", "ms", timed(lambda: _unlock(ctx), repeat),
        "Argon2id alone", timed(lambda: _kdf_alone(ctx), repeat),
        target="≤ KDF + 300 ms", note=f"Argon2id {ctx.params}"))
    session = ctx.open()
    dek = session.data_key_copy()
    session.close()
    plain = str(ctx.workdir / "plain.sqlite")
    _open_plain_sqlite(plain)
    out.append(Figure("open with raw key", "ms", timed(lambda: _open_raw(ctx, dek), repeat * 3),
                      "plain sqlite3 open", timed(lambda: _open_plain_sqlite(plain),
                                                  repeat * 3)))
    wipe(dek)
    events = min(1_000_000, max(ctx.rows, 1000))
    session = ctx.open()
    ctx.progress(f"writing {events:,} audit events")
    session.call(lambda c: fill_audit(c.conn, events))

    def verify_once() -> None:
        report = session.call(lambda c: audit.verify_chain(c.conn))
        assert report.intact

    verify_reps = 1 if ctx.quick else 3
    samples = timed(verify_once, verify_reps, scale=1.0)
    per_million = [s * 1_000_000 / (events + 1) for s in samples]

    def hash_only() -> None:
        h, prev = hashlib.sha256, b"\x00" * 32
        payload = os.urandom(120)
        for _ in range(events):
            prev = h(prev + payload).digest()

    baseline = [s * 1_000_000 / events for s in timed(hash_only, verify_reps, scale=1.0)]
    out.append(Figure("audit verification per 1M events", "s", per_million,
                      "SHA-256 chain alone", baseline, target="< 5 s",
                      note=f"measured on {events:,} events"))
    session.close()
    out.append(Figure("peak memory (core phase)", "MB", [peak_rss_mb()]))
    return out
