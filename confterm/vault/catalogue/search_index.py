"""Feeds the contentless FTS5 table ``record_search`` and turns what a person types into
a MATCH expression.

A record's document has two token spaces. Its title and its client's name are the
character pairs and characters of :mod:`confterm.vault.search_terms`; its archive number
and its client's credit code are the trigram-based tokens of :mod:`code_terms` (digit runs
as pairs made number searches slow: see that module). Each query word must be found in
one of the four fields: ``(title/name phrase OR code phrase)``, AND-ed over the words.

The client part of the document (name and code) is the same for all of a client's
records, so it is computed once per client.
"""

from __future__ import annotations

from collections.abc import Iterable

from confterm.vault import search_terms
from confterm.vault.catalogue import code_terms
from confterm.vault.catalogue.common import chunks, placeholders
from confterm.vault.store import Connection


class ClientTokens:
    """Tokens of each client's name and code, computed once per client."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._cache: dict[int, str] = {}

    def get(self, client_id: int) -> str:
        cached = self._cache.get(client_id)
        if cached is None:
            row = self.conn.execute("SELECT name, credit_code FROM clients WHERE id = ?",
                                    (client_id,)).fetchone()
            cached = client_part(row[0], row[1]) if row else ""
            self._cache[client_id] = cached
        return cached


def client_part(name: str, code: str) -> str:
    return search_terms.index_tokens(name) + " " + code_terms.index_tokens(code)


def record_part(title: str, archive_no: str) -> str:
    return search_terms.index_tokens(title) + " " + code_terms.index_tokens(archive_no)


def document(title: str, archive_no: str, client_tokens: str) -> str:
    return record_part(title, archive_no) + " " + client_tokens


def index(conn: Connection, rows: Iterable[tuple[int, str, str, int]],
          clients: ClientTokens | None = None) -> None:
    """(record id, title, archive number, client id) -> insert or replace its document."""
    clients = clients or ClientTokens(conn)
    docs = [(rid, document(title, archive_no, clients.get(cid)))
            for rid, title, archive_no, cid in rows]
    conn.executemany("DELETE FROM record_search WHERE rowid = ?", [(d[0],) for d in docs])
    conn.executemany("INSERT INTO record_search(rowid, terms) VALUES (?, ?)", docs)


def insert_new(conn: Connection, docs: Iterable[tuple[int, str]]) -> None:
    """Bulk path for records just created (nothing to replace): (id, document)."""
    conn.executemany("INSERT INTO record_search(rowid, terms) VALUES (?, ?)", docs)


def reindex_records(conn: Connection, ids: Iterable[int]) -> None:
    id_list = list(ids)
    clients = ClientTokens(conn)
    for part in chunks(id_list):
        rows = conn.execute("SELECT id, title, archive_no, client_id FROM records"
                            f" WHERE id IN ({placeholders(len(part))})", tuple(part)).fetchall()
        index(conn, rows, clients)


def reindex_client(conn: Connection, client_id: int, batch: int = 5000) -> None:
    """After a client's name or code changed: every one of its records (keyset batches)."""
    clients = ClientTokens(conn)
    last = ""
    while True:
        rows = conn.execute("SELECT id, title, archive_no, client_id FROM records"
                            " WHERE client_id = ? AND archive_no > ? ORDER BY archive_no"
                            " LIMIT ?", (client_id, last, batch)).fetchall()
        if not rows:
            return
        last = rows[-1][2]
        index(conn, rows, clients)


def match(text: str | None) -> str | None:
    """The FTS5 expression for what a person typed, or None when there is nothing to find.

    Never raises and never passes the person's text to FTS5's query syntax: every word
    becomes quoted phrases of our own tokens.
    """
    if text is None or not search_terms.searchable(text):
        return None
    words = dict.fromkeys(search_terms.fold(text).split())
    return " AND ".join(f"({search_terms.match_query(w)} OR {code_terms.phrase(w)})"
                        for w in words)
