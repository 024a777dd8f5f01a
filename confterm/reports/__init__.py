"""The report engine: layout, signing, verification and printing of reports (no textual).

It takes plain data and key bytes and never opens the vault. The calls the vault makes:

- ``model``: Report, Table, Column, Paragraph, Person, SignatureBlock (what is printed);
- ``coverage.missing_glyphs(text)`` / ``coverage.report_missing_glyphs(report)``: warn first;
- ``pki.create_authority(vault_name)`` once per vault; store its PEM keys encrypted;
- ``engine.produce_report(report, SigningMaterial(...), private_keys, signatures)``;
- ``manifest.digest_of(manifest_of(report))`` + ``manifest.sign_digest`` for co-signers
  who sign earlier, in a step-up dialog;
- ``verify.verify_pdf(pdf, ca_cert)``, ``verify.check_qr(payload, public_key)``,
  ``codes.parse_short_code(code)``;
- ``printing.list_printers()``, ``printing.print_pdf(pdf, printer, copies)``,
  ``printing.wait_for_job(job_id)``.

Submodules are imported where used, so importing this package stays cheap.
"""
