"""Reports from the vault: builders, the vault's signing authority, issuing, delivering,
finding a report by its short code, and verifying a report file (no textual).

- ``kinds``: every report kind, its roles and options (``ReportOptions``), its builder;
- ``run.generate(session, options, cosigners, progress, check_glyphs)``: the one call
  that prepares (database thread), lays out (calling thread) and records a report;
- ``deliver.save`` / ``deliver.print_report``: to a file or a CUPS queue, audited;
- ``issued.lookup(ctx, code)``: a typed short code or scanned QR payload -> the stored
  report, checked again (signatures, digest, and the audit log against its checkpoint);
- ``verify_file.in_vault(ctx, pdf)`` / ``verify_file.offline(pdf, ca)``;
- ``recovery.check_recovery_key(session, typed)``: proves a typed key before a sheet;
- ``pki_store``: the vault CA and signing key, created on first use, sealed in the DB.
"""
