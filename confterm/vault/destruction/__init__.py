"""Appraisal (鉴定), destruction registers (销毁清册) and supervised destruction (监销).

A wrong destruction is irreversible and unlawful, so every service here re-checks, from the
database and at the moment of acting, everything the law asks for: expired retention, no
legal hold, no unresolved matter, not on loan, an issued appraisal, a register signed by
every configured signatory (never its preparer), witnesses who are not the executor, and
a check-off of each item. ``guard`` is the single place those conditions are judged; a
refused attempt is audited in its own transaction before the error is raised.

Modules: ``guard`` (the preconditions), ``eligibility`` (what may be appraised, and why or
why not), ``appraisal``, ``config`` (signatories, IT witnesses), ``register``, ``sessions``
(start, check-off, exclude, pause, resume), ``media`` (NIST SP 800-88 block),
``completion`` (witnesses sign, purge + tombstones in one transaction, WAL truncation,
verification), ``purge``, ``verify`` + ``pagescan`` (decrypt every page and search it),
``prescan`` (that search run in the background during the check-off, so completion decrypts
only the pages written since),
``scrub`` (clear stale copies from unused page space), ``history``, ``report_data`` (the
printed register, certificate and appraisal opinion), ``restore_hook``, ``attention``,
``demo``.
"""
