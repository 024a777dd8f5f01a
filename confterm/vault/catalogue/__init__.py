"""The catalogue: clients, records, retention, classification, locations, holds, search.

Schema: ``migrations/0002_catalogue.sql`` (its header is the contract other areas rely on).
In short, for access, destruction, reports and the TUI:

- ``records.retention_end`` ('YYYY-MM-DD', '9999-12-31' = no end) is kept by these services
  from :mod:`confterm.vault.retention`; after changing anything it depends on (a rule, an
  extension, a year, a ``record_extensions`` row) call :func:`retention_sync.refresh` in
  the same transaction.
- ``records.hold_count`` is kept by triggers from ``holds``/``hold_records``; a record with
  hold_count > 0 or unresolved = 1 cannot be set to 'in_destruction' or 'destroyed'
  (SQLite raises ``confterm:record_on_hold`` / ``confterm:record_unresolved``).
- Eligible for disposal: state 'active', unresolved 0, hold_count 0, retention_end <= today
  and not out on loan (access's ``access_loans``): :func:`records.eligible_ids`.
- Counters: ``catalogue_counters`` and ``clients.record_count`` / ``locations.record_count``
  are kept by triggers; read them with :func:`browse.total` / :func:`browse.count`, never
  ``count(*)``.
- Personal information: columns prefixed ``pi_`` (listed in ``personal_info_fields``);
  :mod:`clients` masks them and audits every reveal.
- Every service is ``fn(ctx, ...)``, runs on the database thread, is UI-free, and writes
  its audit event in the same transaction as the change.

Modules (services): ``clients``, ``records`` (+ ``record_input``), ``labels``,
``classify`` (levels, classification, review queue), ``locations``, ``holds`` (+ saved
queries), ``rules``, ``importer``, ``export``. Queries: ``browse`` (keyset pages, search,
counts; ``filters``, ``plan``), ``detail``. Machinery: ``retention_sync``,
``search_index`` (+ ``code_terms``), ``bulk``, ``import_pipe``, ``common``. Data:
``demo_seed``, ``bench`` (+ ``bench_data``).
"""
