"""Feeds the contentless FTS5 tables ``record_search`` and ``client_search``.

A record's document holds the tokens of its title (the character pairs and characters of
:mod:`confterm.vault.search_terms`) and of its archive number (the trigram-based tokens of
:mod:`code_terms`: digit runs as pairs made number searches slow, see that module). Its
client's name and credit code are indexed once, in the client's own document in
``client_search`` (rowid = clients.id): repeating them in every record's document was
about half of the index's insert cost per imported record. A search word matches a record
when it is in the record's document or in its client's (:mod:`text_match`).

Vaults indexed before migration 0008 still have client tokens inside their records'
documents (``search_legacy_clients`` lists those clients); matching is correct for both.
"""

from __future__ import annotations

from collections.abc import Iterable

from confterm.vault import search_terms
from confterm.vault.catalogue import code_terms
from confterm.vault.catalogue.common import chunks, placeholders
from confterm.vault.store import Connection


class ClientTokens:
    """Makes sure each client whose records get indexed has its ``client_search`` row,
    checking each client once per instance (one import, one reindex)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._seen: set[int] = set()

    def ensure(self, client_id: int) -> None:
        if client_id in self._seen:
            return
        self._seen.add(client_id)
        if self.conn.execute("SELECT 1 FROM client_search WHERE rowid = ?",
                             (client_id,)).fetchone() is None:
            index_client(self.conn, client_id)


def client_part(name: str, code: str) -> str:
    return search_terms.index_tokens(name) + " " + code_terms.index_tokens(code)


def record_part(title: str, archive_no: str) -> str:
    return search_terms.index_tokens(title) + " " + code_terms.index_tokens(archive_no)


def index_client(conn: Connection, client_id: int) -> None:
    """Write (or rewrite) one client's document in ``client_search``."""
    conn.execute("DELETE FROM client_search WHERE rowid = ?", (client_id,))
    row = conn.execute("SELECT name, credit_code FROM clients WHERE id = ?",
                       (client_id,)).fetchone()
    if row is not None:
        conn.execute("INSERT INTO client_search(rowid, terms) VALUES (?, ?)",
                     (client_id, client_part(row[0], row[1])))


def index(conn: Connection, rows: Iterable[tuple[int, str, str, int]],
          clients: ClientTokens | None = None) -> None:
    """(record id, title, archive number, client id) -> insert or replace its document."""
    clients = clients or ClientTokens(conn)
    docs = []
    for rid, title, archive_no, cid in rows:
        clients.ensure(cid)
        docs.append((rid, record_part(title, archive_no)))
    conn.executemany("DELETE FROM record_search WHERE rowid = ?", [(d[0],) for d in docs])
    conn.executemany("INSERT INTO record_search(rowid, terms) VALUES (?, ?)", docs)


BULK_HASH_BYTES = 64 << 20
"""FTS5 keeps new tokens in memory up to its ``hashsize`` (1 MiB by default) before it
writes them out as a segment, and merges segments as they pile up. A bulk insert with a
larger hash writes fewer, larger segments and merges less: inserting 1,000,000 records'
documents took 13.2 µs each with the default, 12.2-14.2 µs with 32 MiB and 10.6-11.1 µs
with 64 MiB, and the index is 40 MB smaller (fewer merged-away pages); queries were as
fast (scratch FTS5 bench, 3 runs each). Set for a bulk insert only; a person's single
edits keep the default."""


DEFAULT_HASH_BYTES = 1 << 20  # FTS5's own default


def set_hash(conn: Connection, size: int) -> int:
    """Set ``record_search``'s hashsize; return the size it had. Part of the caller's
    transaction (a rollback restores it)."""
    row = conn.execute("SELECT v FROM record_search_config WHERE k = 'hashsize'").fetchone()
    conn.execute("INSERT INTO record_search(record_search, rank) VALUES ('hashsize', ?)",
                 (size,))
    return DEFAULT_HASH_BYTES if row is None else int(row[0])


def insert_new(conn: Connection, docs: Iterable[tuple[int, str]]) -> None:
    """Bulk path for records just created (nothing to replace): (id, record_part)."""
    conn.executemany("INSERT INTO record_search(rowid, terms) VALUES (?, ?)", docs)


def reindex_records(conn: Connection, ids: Iterable[int]) -> None:
    id_list = list(ids)
    clients = ClientTokens(conn)
    for part in chunks(id_list):
        rows = conn.execute("SELECT id, title, archive_no, client_id FROM records"
                            f" WHERE id IN ({placeholders(len(part))})", tuple(part)).fetchall()
        index(conn, rows, clients)


def reindex_client(conn: Connection, client_id: int, batch: int = 5000) -> None:
    """After a client's name or code changed: its ``client_search`` document; and, for a
    client indexed before migration 0008, every one of its records (keyset batches), whose
    documents still carry the old name and code."""
    index_client(conn, client_id)
    if conn.execute("DELETE FROM search_legacy_clients WHERE client_id = ?",
                    (client_id,)).rowcount == 0:
        return
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


def phrase(word: str) -> str:
    """One folded query word as an FTS5 expression over either token space."""
    return f"({search_terms.match_query(word)} OR {code_terms.phrase(word)})"


def words(text: str | None) -> tuple[str, ...]:
    """The distinct folded words of what a person typed (empty: nothing to find)."""
    if text is None or not search_terms.searchable(text):
        return ()
    return tuple(dict.fromkeys(search_terms.fold(text).split()))


def match(text: str | None) -> str | None:
    """The FTS5 expression finding documents holding every word, or None when there is
    nothing to find. Never raises and never passes the person's text to FTS5's query
    syntax: every word becomes quoted phrases of our own tokens."""
    found = words(text)
    return " AND ".join(phrase(w) for w in found) if found else None
