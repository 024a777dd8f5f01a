"""Every report kind renders from a seeded (demo) vault: fonts embedded, Chinese text
extractable, a non-blank page image, a QR code that decodes to the manifest digest, and a
PDF that verifies against the vault's own CA."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from report_tools import need, run, squash

from confterm.i18n import t
from confterm.reports import codes
from confterm.reports.verify import verify_pdf
from confterm.vault.reporting import pki_store
from confterm.vault.session import VaultSession
from tests.unit.reporting.reporting_tools import generate

CLIENT = "上海示例贸易"  # the demo's destruction client: a small inventory
OPTIONS: dict[str, dict[str, object]] = {"inventory": {"client": CLIENT},
                                         "audit-extract": {"date_from": "2000-01-01"}}
KINDS = ["destruction-register", "destruction-certificate", "appraisal", "access-register",
         "inventory", "audit-extract"]


def _fonts(pdf: bytes) -> list[list[str]]:
    lines = run("pdffonts", "-", data=pdf).splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


def _png(pdf: bytes) -> bytes:
    proc = subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-singlefile",
                           "-png", "-"], input=pdf, capture_output=True, check=True)
    return proc.stdout


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_embedded_and_extractable(demo: VaultSession, kind: str,
                                                     lang: str) -> None:
    need("pdffonts", "pdftotext", "pdftoppm")
    made = generate(demo, kind, lang, **OPTIONS.get(kind, {}))
    pdf = made.produced.pdf
    fonts = _fonts(pdf)
    assert fonts, "no fonts listed"
    assert all(row[-5] == "yes" for row in fonts), f"a font is not embedded: {fonts}"
    text = squash(run("pdftotext", "-layout", "-", "-", data=pdf))
    assert squash(made.prepared.report.title) in text
    assert squash(made.prepared.report.vault_name.split()[0]) in text  # 演示档案库
    assert made.issued.short_code in text and made.prepared.report.checkpoint in text
    assert squash(t("reports.label.page_of", lang, page=1, pages=made.issued.pages)) in text
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(_png(pdf))).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 2000, "the first page rendered (nearly) blank"
    ca = demo.call(pki_store.ca_certificate)
    assert verify_pdf(pdf, ca).valid


def test_chinese_register_text_is_extractable(demo: VaultSession) -> None:
    need("pdftotext")
    made = generate(demo, "destruction-register", "zh_CN")
    text = squash(run("pdftotext", "-layout", "-", "-", data=made.produced.pdf))
    for words in ("会计档案销毁清册", "1990年记账凭证", "上海示例贸易有限公司", "单位负责人",
                  "监销人"):
        assert squash(words) in text, words


def test_qr_code_decodes_to_the_manifest_digest(demo: VaultSession) -> None:
    need("pdftoppm", "zbarimg")
    made = generate(demo, "inventory", "zh_CN", client=CLIENT)
    proc = subprocess.run(["zbarimg", "--quiet", "--raw", "-"], input=_png(made.produced.pdf),
                          capture_output=True, check=False)
    payload = codes.QrPayload.decode(proc.stdout.decode().strip())
    assert payload.digest == made.produced.manifest.digest
    assert payload.report_id == made.issued.report_id


def test_inventory_groups_and_totals(demo: VaultSession) -> None:
    made = generate(demo, "inventory", "en", by="location", client="杭州")
    report = made.prepared.report
    tables = [b for b in report.blocks if hasattr(b, "rows")]
    summary = tables[-1]
    records = sum(int(row[2]) for row in summary.rows)
    assert summary.totals is not None and summary.totals[2] == str(records)
    assert records == sum(len(tbl.rows) for tbl in tables[:-1])
    assert made.issued.rows == sum(len(tbl.rows) for tbl in tables)


def test_the_pki_is_created_once_and_audited(demo: VaultSession) -> None:
    first = demo.call(pki_store.ca_certificate)
    generate(demo, "appraisal")
    assert demo.call(pki_store.ca_certificate) == first
    events = demo.call(lambda ctx: ctx.conn.execute(
        "SELECT count(*) FROM audit_events WHERE action = 'report.pki_create'").fetchone()[0])
    assert events == 1
    sealed = demo.call(lambda ctx: bytes(ctx.conn.execute(
        "SELECT signing_key FROM report_pki").fetchone()[0]))
    assert b"PRIVATE KEY" not in sealed  # stored sealed, never as PEM


def test_an_independent_validator_accepts_the_vault_signature(demo: VaultSession,
                                                              tmp_path: Path) -> None:
    need("pdfsig")
    made = generate(demo, "appraisal", "zh_CN")
    path = tmp_path / "appraisal.pdf"
    path.write_bytes(made.produced.pdf)
    out = run("pdfsig", str(path))
    assert "Signature is Valid." in out and "Total document signed" in out
    assert "ECDSA" in out or "P-256" in out or "SHA-256" in out
