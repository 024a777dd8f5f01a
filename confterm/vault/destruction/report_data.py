"""What the destruction register, the destruction certificate and the appraisal opinion
print: exact rows, totals and signature blocks, as ``confterm.reports.model.Report``.

The reports engine lays these out, signs the manifest and the PDF (``produce_report``);
this module only reads the vault. Signatories' and witnesses' blocks carry their names,
opinions, times and key fingerprints with the verification result of their stored
signatures, and a ruled space for the handwritten signature or seal the archives rules
still expect; their Ed25519 signatures were made when they proved presence (over the
register's digest, the session's statements) and are listed in the "electronic
signatures" table, which the generator's manifest signature covers. The blocks carry no
public key, so reprinting never needs the signatories to be present again.
"""

from __future__ import annotations

from confterm.i18n import t
from confterm.reports.manifest import SIGNING_CONTEXT, digest_of, manifest_of
from confterm.reports.model import Column, Paragraph, Person, Report, SignatureBlock, Table
from confterm.vault import keys
from confterm.vault.destruction import history
from confterm.vault.destruction.common import signature_ok, stamp, table_exists
from confterm.vault.session import Ctx


def _vault_name(ctx: Ctx) -> str:
    row = ctx.conn.execute("SELECT value FROM settings WHERE key = 'vault_name'").fetchone()
    return str(row[0]) if row else ""


def _base(ctx: Ctx, report_id: str, kind: str, lang: str, title: str) -> Report:
    me = ctx.actor
    return Report(report_id=report_id, kind=kind, lang=lang, title=title,
                  vault_name=_vault_name(ctx),
                  generated_by=Person(me.name, t("destruction.r.generator", lang),
                                      me.public_key),
                  generated_at=stamp(ctx), checkpoint=ctx.checkpoint(f"report {report_id}"))


def _fp(key: bytes | None) -> str:
    return keys.fingerprint(bytes(key)) if key else "—"


def _ok(lang: str, good: bool) -> str:
    return t("destruction.r.sig_ok" if good else "destruction.r.sig_bad", lang)


def _register_rows(ctx: Ctx, register_id: int, lang: str) -> tuple[list[list[str]], int]:
    rows, books = [], 0
    for r in ctx.conn.execute(
            "SELECT i.position, i.archive_no, i.title, i.volume_no, i.books, i.start_year,"
            " i.end_year, i.fiscal_year, i.required_period, t.retained_years, t.destroyed_on,"
            " i.barcode, s.state, s.checked_at, s.note FROM destruction_register_items i"
            " LEFT JOIN destruction_tombstones t ON t.record_id = i.record_id"
            " AND t.register_id = i.register_id"
            " LEFT JOIN destruction_session_items s ON s.record_id = i.record_id AND"
            " s.session_id = (SELECT max(id) FROM destruction_sessions WHERE register_id = ?)"
            " WHERE i.register_id = ? ORDER BY i.position", (register_id, register_id)):
        years = f"{r[5] or r[7]}–{r[6] or r[7]}"
        state = t(f"destruction.item_state.{r[12]}", lang) if r[12] else "—"
        if r[12] in ("excluded", "blocked") and r[14]:
            state += f"：{r[14]}" if lang == "zh_CN" else f": {r[14]}"
        period = t("destruction.r.years", lang, years=r[8]) if r[8] else "—"
        served = t("destruction.r.years", lang, years=r[9]) if r[9] is not None else "—"
        rows.append([str(r[0]), r[1], r[2], r[3] or "—", str(r[4]), years, period, served,
                     r[10] or "—", r[11] or "—", (r[13] or "")[:19].replace("T", " ") or "—",
                     state])
        books += int(r[4])
    return rows, books


MAX_CLIENTS_IN_HEADER = 6


def register_report(ctx: Ctx, register_id: int, lang: str) -> Report:
    """The destruction register (销毁清册) with its opinions and supervisors' blocks."""
    g = ctx.conn.execute(
        "SELECT g.number, a.number, g.legal_basis, g.prepared_by, g.prepared_at, g.status,"
        " g.digest, g.signature, g.public_key, g.payload FROM destruction_registers g"
        " JOIN destruction_appraisals a ON a.id = g.appraisal_id WHERE g.id = ?",
        (register_id,)).fetchone()
    report = _base(ctx, g[0], "destruction-register", lang, t("destruction.r.register", lang))
    session = ctx.conn.execute(
        "SELECT id, number, method, place, executor, status FROM destruction_sessions"
        " WHERE register_id = ? ORDER BY id DESC LIMIT 1", (register_id,)).fetchone()
    client_rows = ctx.conn.execute(
        "SELECT client_name, client_code, coalesce(deregistered_on, ''), count(*) FROM"
        " destruction_register_items WHERE register_id = ?"
        " GROUP BY client_name, client_code, deregistered_on ORDER BY client_code",
        (register_id,)).fetchall()
    if len(client_rows) <= MAX_CLIENTS_IN_HEADER:
        clients = "；".join(f"{n}（{c}）" + (f" {t('destruction.r.deregistered', lang)} {d}"
                                           if d else "") for n, c, d, _ in client_rows)
    else:  # a header cell cannot grow past a page: list many clients in their own table
        clients = t("destruction.r.clients_listed", lang, count=len(client_rows))
        report.blocks.append(Table(
            [Column(t("destruction.col.client", lang), 2.4),
             Column(t("destruction.r.clients", lang), 1.6),
             Column(t("destruction.r.deregistered", lang), 1.0),
             Column(t("destruction.r.items", lang), 0.6, "right")],
            [[n, c, d, str(k)] for n, c, d, k in client_rows]))
    meta = [("register_no", g[0]), ("appraisal_no", g[1]), ("clients", clients),
            ("legal_basis", g[2]), ("prepared", f"{g[3]} {g[4][:19].replace('T', ' ')}"),
            ("status", t(f"destruction.status.{g[5]}", lang)), ("digest", g[6][:32])]
    if session:
        meta += [("session_no", session[1]), ("method", session[2]), ("place", session[3]),
                 ("executor", session[4])]
    report.metadata = [(t(f"destruction.r.{k}", lang), str(v)) for k, v in meta]
    rows, books = _register_rows(ctx, register_id, lang)
    cols = [("no", 0.5, "right"), ("archive_no", 1.6, "left"), ("title", 2.4, "left"),
            ("volume", 0.6, "left"), ("books", 0.5, "right"), ("years", 0.9, "left"),
            ("period", 0.8, "left"), ("served", 0.8, "left"), ("destroyed_on", 1.0, "left"),
            ("barcode", 1.0, "left"), ("checked_at", 1.3, "left"), ("state", 1.3, "left")]
    totals = [""] * len(cols)
    totals[1] = t("destruction.r.totals", lang, items=len(rows))
    totals[4] = str(books)
    report.blocks.append(Table([Column(t(f"destruction.col.{c}", lang), w, a)  # type: ignore[arg-type]
                                for c, w, a in cols], rows, totals))
    report.landscape = True
    sigs: list[list[str]] = [[t("destruction.r.preparer", lang), g[3], _fp(g[8]),
                              g[4][:19].replace("T", " "),
                              _ok(lang, signature_ok(g[9], g[7], g[8]))]]
    for slot, person, decision, opinion, at, payload, sig, key in ctx.conn.execute(
            "SELECT slot, person, decision, opinion, signed_at, payload, signature, public_key"
            " FROM destruction_signoffs WHERE register_id = ? ORDER BY position",
            (register_id,)):
        role = t(f"destruction.slot.{slot}", lang)
        said = t(f"destruction.decision.{decision}", lang) if decision else \
            t("destruction.r.not_signed", lang)
        report.signatures.append(SignatureBlock(
            Person(person, role), f"{said}{'：' + opinion if opinion else ''}",
            (at or "")[:19].replace("T", " "), recorded_key=bytes(key) if key else None))
        sigs.append([role, person, _fp(key), (at or "—")[:19].replace("T", " "),
                     _ok(lang, signature_ok(payload, sig, key)) if sig else "—"])
    if session:
        _witness_blocks(ctx, report, session[0], lang, sigs)
    report.blocks.append(Table([Column(t(f"destruction.col.{c}", lang), w) for c, w in (
        ("role", 1.5), ("name", 1.0), ("fingerprint", 1.6), ("signed_at", 1.4),
        ("verified", 0.8))], sigs, caption=t("destruction.r.e_signatures", lang)))
    return report


def _witness_blocks(ctx: Ctx, report: Report, session_id: int, lang: str,
                    sigs: list[list[str]]) -> None:
    for person, it, event, at, payload, sig, key in ctx.conn.execute(
            "SELECT person, it_function, event, at, payload, signature, public_key FROM"
            " destruction_witnessing WHERE session_id = ? ORDER BY id", (session_id,)):
        role = t("destruction.r.witness_it" if it else "destruction.r.witness", lang)
        what = t(f"destruction.witness_event.{event}", lang)
        sigs.append([f"{role}（{what}）", person, _fp(key), at[:19].replace("T", " "),
                     _ok(lang, signature_ok(payload, sig, key))])
        if event == "complete":
            report.signatures.append(SignatureBlock(
                Person(person, role), t("destruction.r.witness_opinion", lang),
                at[:19].replace("T", " "), recorded_key=bytes(key) if key else None))


def certificate_report(ctx: Ctx, session_id: int, lang: str) -> Report:
    """The destruction certificate: the session, its verification, media blocks, and the
    backups that still hold copies of what was destroyed."""
    s = ctx.conn.execute(
        "SELECT s.number, g.number, s.method, s.place, s.executor, s.status, s.started_at,"
        " s.purged_at, s.verification, s.verified_ok, g.id FROM destruction_sessions s"
        " JOIN destruction_registers g ON g.id = s.register_id WHERE s.id = ?",
        (session_id,)).fetchone()
    report = _base(ctx, f"{s[0]}-C", "destruction-certificate", lang,
                   t("destruction.r.certificate", lang))
    counts = dict(ctx.conn.execute("SELECT state, count(*) FROM destruction_session_items"
                                   " WHERE session_id = ? GROUP BY state", (session_id,)))
    verdict = {1: "verified_ok", 0: "verified_bad"}.get(s[9], "verified_none")
    meta = [("session_no", s[0]), ("register_no", s[1]), ("method", s[2]), ("place", s[3]),
            ("executor", s[4]), ("status", t(f"destruction.status.{s[5]}", lang)),
            ("started", s[6][:19].replace("T", " ")),
            ("purged", (s[7] or "—")[:19].replace("T", " ")),
            ("destroyed", str(counts.get("checked", 0))),
            ("excluded", str(counts.get("excluded", 0))),
            ("verification", t(f"destruction.r.{verdict}", lang))]
    report.metadata = [(t(f"destruction.r.{k}", lang), v) for k, v in meta]
    if s[8]:
        report.blocks.append(Paragraph(t("destruction.r.verification_text", lang,
                                         **_verification_params(s[8])),
                                       t("destruction.r.verification", lang)))
    for medium in ctx.conn.execute("SELECT * FROM destruction_media WHERE session_id = ?"
                                   " ORDER BY id", (session_id,)).fetchall():
        report.blocks.append(_medium_table(ctx, medium, lang))
    if table_exists(ctx.conn, "backup_register") and s[7]:
        rows = [[b[0], b[1], b[2][:19].replace("T", " "), b[3] or "—"] for b in ctx.conn.execute(
            "SELECT label, kept_at, created_at, verified_at FROM backup_register WHERE"
            " retired_at IS NULL AND created_at < ? ORDER BY created_at", (s[7],))]
        report.blocks.append(Table([Column(t(f"destruction.col.{c}", lang)) for c in (
            "backup_label", "backup_kept_at", "backup_created", "backup_verified")],
            rows or [["—"] * 4], caption=t("destruction.r.backups", lang)))
    sigs: list[list[str]] = []
    _witness_blocks(ctx, report, session_id, lang, sigs)
    report.blocks.append(Table([Column(t(f"destruction.col.{c}", lang)) for c in (
        "role", "name", "fingerprint", "signed_at", "verified")], sigs or [["—"] * 5],
        caption=t("destruction.r.e_signatures", lang)))
    return report


def _verification_params(text: str) -> dict[str, object]:
    import json

    data = json.loads(text)
    return {k: data.get(k, "") for k in ("records", "db_pages", "wal_frames", "needles",
                                         "residues", "shared", "controls_found", "at")}


def _medium_table(ctx: Ctx, medium: tuple[object, ...], lang: str) -> Table:
    cur = ctx.conn.execute("SELECT * FROM destruction_media LIMIT 0")
    names = [d[0] for d in cur.description]
    values = dict(zip(names, medium, strict=True))
    shown = ("performer_name", "performer_title", "performer_org", "performer_location",
             "performer_phone", "make", "model", "serial", "property_no", "media_type",
             "source", "classification", "backed_up", "backup_location", "method", "technique",
             "tool", "verification", "post_classification", "destination",
             "destination_detail", "notes", "validator", "validator_title", "validator_org",
             "validated_at")
    rows = [[t(f"destruction.media.{k}", lang), str(values[k] or "—")] for k in shown]
    return Table([Column(t("destruction.col.field", lang), 1.0),
                  Column(t("destruction.col.value", lang), 2.5)], rows,
                 caption=t("destruction.r.medium", lang, serial=values["serial"]))


def appraisal_report(ctx: Ctx, appraisal_id: int, lang: str) -> Report:
    """The appraisal opinion (鉴定意见书) with every decision."""
    a = ctx.conn.execute("SELECT number, opinion, issued_by, issued_at, created_by,"
                         " created_at, status FROM destruction_appraisals WHERE id = ?",
                         (appraisal_id,)).fetchone()
    report = _base(ctx, a[0] or f"JD-DRAFT-{appraisal_id}", "appraisal", lang,
                   t("destruction.r.appraisal", lang))
    report.metadata = [(t("destruction.r.appraisal_no", lang), a[0] or "—"),
                       (t("destruction.r.status", lang), t(f"destruction.status.{a[6]}", lang)),
                       (t("destruction.r.prepared", lang),
                        f"{a[2] or a[4]} {(a[3] or a[5])[:19].replace('T', ' ')}")]
    report.blocks.append(Paragraph(a[1] or "—", t("destruction.r.opinion", lang)))
    rows = [[str(n), r[0], r[1], r[2], t(f"destruction.decision.{r[3]}", lang) if r[3]
             else "—", t("destruction.r.years", lang, years=r[4]) if r[4] else "—", r[5] or "—"]
            for n, r in enumerate(ctx.conn.execute(
                "SELECT r.archive_no, r.title, c.name, i.decision, i.extend_years, i.reason"
                " FROM destruction_appraisal_items i JOIN records r ON r.id = i.record_id"
                " JOIN clients c ON c.id = r.client_id WHERE i.appraisal_id = ?"
                " ORDER BY i.position", (appraisal_id,)), start=1)]
    report.blocks.append(Table([Column(t(f"destruction.col.{c}", lang), w) for c, w in (
        ("no", 0.4), ("archive_no", 1.4), ("title", 2.2), ("client", 1.8), ("decision", 0.8),
        ("extend", 0.7), ("reason", 1.8))], rows))
    return report


def generator_signatures(ctx: Ctx, report: Report) -> dict[bytes, bytes]:
    """The unlocked person's manifest signature, for ``produce_report(signatures=...)``:
    made with the session's key without ever handing the seed out."""
    digest = digest_of(manifest_of(report))
    return {ctx.actor.public_key: ctx.sign(SIGNING_CONTEXT + digest)}


def reprintable(ctx: Ctx) -> list[history.Entry]:
    """Everything that can be printed again: appraisals, registers, sessions."""
    return history.everything(ctx)
