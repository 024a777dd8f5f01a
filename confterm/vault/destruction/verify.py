"""The verification step: prove that no destroyed value is left in the live vault.

Two independent checks, both recorded in the session:

- logical: every destroyed record of the session is in state 'destroyed' with its purged
  columns empty, no labels, no search-index entry, and a tombstone;
- physical: every page of the database file and every WAL frame is decrypted with the
  vault key and searched for the purged values (``pagescan``); pages searched by the
  session's background pass (``prescan``) and provably not written since keep that
  search's findings instead of being decrypted again. Control values that must
  still be there (archive numbers kept in the tombstones) prove the scan read plaintext;
  the first page's HMAC proves the key. A purged value that also occurs in live data (the
  same note on a record that was not destroyed) is reported as shared, not as residue;
  any other hit fails the verification and says where it is when the database can tell.

After an interruption between the purge and this step, the purged values are gone from
memory too: the physical scan then cannot search for them, and the result says so
(``full_scan`` false) rather than claiming more than was proven.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from confterm.vault import store
from confterm.vault.destruction import pagescan, prescan, purge
from confterm.vault.destruction.common import chunks, marks, stamp
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx

MAX_CLASSIFIED = 20
MAX_CONTROLS = 50


@dataclass
class Verification:
    ok: bool = False
    at: str = ""
    records: int = 0
    logical_problems: list[str] = field(default_factory=list)
    full_scan: bool = False
    needles: int = 0
    db_pages: int = 0
    unchanged_pages: int = 0  # of db_pages: searched during the check-off, unchanged since
    wal_frames: int = 0
    wal_bytes: int = 0
    key_ok: bool = False
    controls: int = 0
    controls_found: int = 0
    residues: int = 0
    shared: int = 0
    where: list[str] = field(default_factory=list)
    remediated: int = 0  # residues found first, then removed (scrubbed pages or VACUUM)
    scrubbed_pages: list[int] = field(default_factory=list)
    vacuumed: bool = False
    hits: dict[int, set[bytes]] = field(default_factory=dict, repr=False)  # page -> values

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        del data["hits"]
        return data


def logical(ctx: Ctx, ids: list[int]) -> list[str]:
    """Problems found by asking the database (empty: none)."""
    cols = purge.record_columns(ctx.conn)
    dirty = " OR ".join(f"{c} <> ''" for c in cols) or "0"
    out: list[str] = []
    for part in chunks(ids):
        q = marks(len(part))
        out += [f"record {r[0]}: not purged" for r in ctx.conn.execute(
            f"SELECT id FROM records WHERE id IN ({q}) AND (state <> 'destroyed' OR {dirty})",
            tuple(part))]
        out += [f"record {r[0]}: search entry" for r in ctx.conn.execute(
            f"SELECT rowid FROM record_search WHERE rowid IN ({q})", tuple(part))]
        out += [f"record {r[0]}: labels" for r in ctx.conn.execute(
            f"SELECT DISTINCT record_id FROM record_labels WHERE record_id IN ({q})",
            tuple(part))]
        have = {int(r[0]) for r in ctx.conn.execute(
            f"SELECT record_id FROM destruction_tombstones WHERE record_id IN ({q})",
            tuple(part))}
        out += [f"record {i}: no tombstone" for i in part if i not in have]
    return out[:100]


def _where(ctx: Ctx, needle: bytes) -> str | None:
    """'shared' when live data legitimately holds the value; else the table found in."""
    text = needle.decode("utf-8", "ignore")
    if not text:
        return None
    live = ctx.conn.execute(
        "SELECT 1 FROM records WHERE state <> 'destroyed' AND instr(notes, ?) > 0 LIMIT 1",
        (text,)).fetchone() or ctx.conn.execute(
        "SELECT 1 FROM clients WHERE instr(notes, ?) > 0 OR instr(name, ?) > 0 LIMIT 1",
        (text, text)).fetchone()
    if live:
        return "shared"
    if ctx.conn.execute("SELECT 1 FROM audit_events WHERE instr(details, ?) > 0 LIMIT 1",
                        (text,)).fetchone():
        return "audit_events"
    return None


def run(ctx: Ctx, session_id: int, needles: list[bytes] | None,
        classify: bool = True) -> Verification:
    """Verify the purge of ``session_id``; ``needles`` None when the values are unknown.

    ``classify`` False skips asking the database where each hit lives (a table scan per
    value at a million records): completion first scrubs unused space, then classifies
    only what is left."""
    result = Verification(at=stamp(ctx), full_scan=needles is not None)
    ids = [int(r[0]) for r in ctx.conn.execute(
        "SELECT record_id FROM destruction_tombstones WHERE session_id = ?", (session_id,))]
    result.records = len(ids)
    result.logical_problems = logical(ctx, ids)
    unique = sorted(set(needles or []))
    result.needles = len(unique)
    controls = [str(r[0]).encode("utf-8") for r in ctx.conn.execute(
        "SELECT archive_no FROM destruction_tombstones WHERE session_id = ? ORDER BY record_id"
        " LIMIT ?", (session_id, MAX_CONTROLS)) if len(str(r[0]).encode()) >= 6]
    result.controls = len(controls)
    baseline = prescan.take(ctx, session_id, unique)
    key = ctx.session.data_key_copy()
    try:
        report = pagescan.scan(ctx.session.path / store.DB_NAME, bytes(key), unique, controls,
                               baseline=baseline)
    finally:
        wipe(key)
    result.db_pages, result.wal_frames = report.db_pages, report.wal_frames
    result.unchanged_pages = report.unchanged
    result.wal_bytes, result.key_ok = report.wal_bytes, report.key_ok
    result.controls_found = len(report.controls_found)
    return _judge(ctx, result, report, unique, classify)


def _judge(ctx: Ctx, result: Verification, report: pagescan.ScanReport, unique: list[bytes],
           classify: bool) -> Verification:
    places: set[str] = set()
    residue: set[int] = set()
    for n, index in enumerate(sorted(report.found)):
        where = _where(ctx, unique[index]) if classify and n < MAX_CLASSIFIED else None
        if where == "shared":
            result.shared += 1
            continue
        result.residues += 1
        residue.add(index)
        places.add(where or "unknown")
    for page, found in report.pages.items():
        values = {unique[i] for i in found & residue}
        if values:
            result.hits[page] = values
    result.where = sorted(places)
    result.ok = (not result.logical_problems and result.key_ok and result.residues == 0
                 and (result.controls == 0 or result.controls_found > 0))
    return result


def recheck(ctx: Ctx, first: Verification, needles: list[bytes] | None) -> Verification:
    """After a scrub: search again only the pages that held values. The first, full scan
    proved every other page clean, and the scrub wrote no other page."""
    unique = sorted(set(needles or []))
    key = ctx.session.data_key_copy()
    try:
        report = pagescan.scan(ctx.session.path / store.DB_NAME, bytes(key), unique,
                               only=first.hits)
    finally:
        wipe(key)
    result = replace(first, hits={}, residues=0, shared=0, where=[])
    return _judge(ctx, result, report, unique, classify=True)
