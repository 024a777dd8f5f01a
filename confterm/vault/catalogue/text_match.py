"""Which records a search text selects, over the two search indexes.

Each word of the search must be found in the record's own document (title, archive
number: ``record_search``) OR in its client's (name, credit code: ``client_search``, one
row per client). The client side is small (a row per client), so it is asked first, per
word; clients are then grouped by which words they already satisfy. A record matches when

- its own document holds every word (``fts``), or
- its client is in a group and its own document holds the group's other words
  (``Branch.rest``; None when the client holds them all: every record of the client).

Destroyed records keep their client id but lost their search row (destruction purge), so
the client side never selects them.

Two ways to use a match: :func:`condition` is the exact SQL condition over ``records r``
(holds, export: correct whatever the cost); :func:`id_union` is a sub-select of candidate
ids that reads at most ``limit`` ids from each side in id order, for the browser's pages,
counts and "is this search broad" (an ``OR`` of the two sides in one WHERE made SQLite
read every match of a broad word: 100-225 ms at a million records).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from confterm.vault.catalogue import search_index
from confterm.vault.catalogue.common import state_key
from confterm.vault.store import Connection

BROAD_CLIENT_RECORDS = 20_000
"""A client group holding more records than this is read by walking records in id order
(the matches are dense) rather than through the client index and a sort."""

_FTS_IDS = "SELECT rowid FROM record_search WHERE record_search MATCH ?"


@dataclass(frozen=True)
class Branch:
    clients: str  # JSON array of client ids
    rest: str | None  # FTS expression for the words these clients lack (None: none)
    records: int  # how many records these clients hold (maintained counts)


@dataclass(frozen=True)
class TextMatch:
    fts: str  # every word, over record_search
    branches: tuple[Branch, ...]


_compiled: dict[tuple[object, ...], TextMatch | None] = {}


def compile_text(conn: Connection, text: str | None) -> TextMatch | None:
    """The match for what a person typed, or None when there is nothing to find.
    Remembered until the connection writes (typing re-asks the same prefixes)."""
    words = search_index.words(text)
    if not words:
        return None
    key = (*state_key(conn), words)
    if key in _compiled:
        return _compiled[key]
    by_client: dict[int, set[str]] = {}
    for word in words:
        for (cid,) in conn.execute("SELECT rowid FROM client_search WHERE client_search"
                                   " MATCH ?", (search_index.phrase(word),)):
            by_client.setdefault(int(cid), set()).add(word)
    groups: dict[frozenset[str], list[int]] = {}
    for cid, words_held in by_client.items():
        groups.setdefault(frozenset(words_held), []).append(cid)
    branches = []
    for held, ids in sorted(groups.items(), key=lambda g: sorted(g[1])):
        ids.sort()
        lacking = [w for w in words if w not in held]
        records = _record_count(conn, ids)
        branches.append(Branch(json.dumps(ids), " AND ".join(
            search_index.phrase(w) for w in lacking) or None, records))
    found = TextMatch(" AND ".join(search_index.phrase(w) for w in words), tuple(branches))
    if len(_compiled) > 64:
        _compiled.clear()
    _compiled[key] = found
    return found


def _record_count(conn: Connection, ids: list[int]) -> int:
    row = conn.execute("SELECT coalesce(sum(record_count), 0) FROM clients WHERE id IN"
                       " (SELECT value FROM json_each(?))", (json.dumps(ids),)).fetchone()
    return int(row[0])


def _branch_sql(b: Branch) -> tuple[str, list[Any]]:
    sql = "r.client_id IN (SELECT value FROM json_each(?)) AND r.state <> 'destroyed'"
    params: list[Any] = [b.clients]
    if b.rest is not None:
        sql += f" AND r.id IN ({_FTS_IDS})"
        params.append(b.rest)
    return sql, params


def condition(m: TextMatch) -> tuple[str, list[Any]]:
    """The exact condition over ``records r`` (no limits)."""
    parts, params = [f"r.id IN ({_FTS_IDS})"], [m.fts]
    for b in m.branches:
        sql, more = _branch_sql(b)
        parts.append(f"({sql})")
        params.extend(more)
    return ("(" + " OR ".join(parts) + ")" if len(parts) > 1 else parts[0]), params


def id_union(m: TextMatch, conds: list[str], params: list[Any], limit: int,
             after: int | None = None, descending: bool = False,
             ordered: bool = True) -> tuple[str, list[Any]]:
    """A sub-select (``SELECT id ... UNION ...``) of the ids matching ``m`` and ``conds``
    (over ``r``): from each side at most ``limit`` ids, the first ones in id order (or
    any, ``ordered`` False) after ``after``. Its first ``limit`` ids in that order are
    the first ``limit`` matches; fewer than ``limit`` from every side: all of them."""
    op, direction = ("<", "DESC") if descending else (">", "ASC")
    extra = " AND ".join(conds)
    sides: list[str] = []
    out: list[Any] = []

    def narrowed(where: list[str], args: list[Any], key: str) -> str:
        """``where`` with the caller's conditions and the keyset bound on ``key``."""
        if extra:
            where.append(extra)
            args.extend(params)
        if after is not None:
            where.append(f"{key} {op} ?")
            args.append(after)
        return " AND ".join(where)

    # the record side: driven by the FTS index (rowid order)
    out.append(m.fts)
    where_sql = narrowed(["record_search MATCH ?"], out, "s.rowid")
    join = " JOIN records r ON r.id = s.rowid" if extra else ""
    order = f" ORDER BY s.rowid {direction}" if ordered else ""
    sides.append(f"SELECT s.rowid AS id FROM record_search s{join}"
                 f" WHERE {where_sql}{order} LIMIT ?")
    out.append(limit)
    for b in m.branches:
        sql, more = _branch_sql(b)
        bparams = list(more)
        where_sql = narrowed([sql], bparams, "r.id")
        dense = (ordered and not extra and b.rest is None
                 and b.records > BROAD_CLIENT_RECORDS)
        hint = " NOT INDEXED" if dense else ""
        order = f" ORDER BY r.id {direction}" if ordered else ""
        sides.append(f"SELECT r.id AS id FROM records r{hint}"
                     f" WHERE {where_sql}{order} LIMIT ?")
        out.extend([*bparams, limit])
    return " UNION ".join(f"SELECT id FROM ({s})" for s in sides), out


def first_ids(conn: Connection, m: TextMatch, limit: int) -> list[int]:
    """Up to ``limit`` + 1 matching ids (any order): all of them when at most ``limit``."""
    sql, params = id_union(m, [], [], limit + 1, ordered=False)
    return [int(r[0]) for r in conn.execute(f"{sql} LIMIT ?", (*params, limit + 1))]
