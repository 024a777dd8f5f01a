-- Client names and credit codes get their own search index (issue #4: import speed).
-- Until now every record's document in record_search repeated its client's name and code
-- tokens: about half of the search index's insert cost per imported record. Now a record's
-- document holds its title and archive number only, and client_search holds one document
-- per client (rowid = clients.id); a search word matches a record when it is in the
-- record's document OR in its client's (confterm/vault/catalogue/text_match.py).
CREATE VIRTUAL TABLE client_search USING fts5(
    terms, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0',
    detail = 'full'
);

-- Clients whose records were indexed the old way (client tokens inside each record's
-- document). Their records stay found by client words as they are; when such a client's
-- name or code changes, its records are indexed again the new way and it leaves this list.
-- Tokens are computed in Python, so the clients' own rows are written when first needed
-- (a record of the client is indexed, or the client is renamed), not here.
CREATE TABLE search_legacy_clients(client_id INTEGER PRIMARY KEY);
INSERT INTO search_legacy_clients(client_id) SELECT DISTINCT client_id FROM records;
