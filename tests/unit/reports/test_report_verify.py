"""Verification: a genuine report passes; no altered report is ever called valid."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from report_tools import need, produce, run

from confterm.errors import VerificationError
from confterm.reports import pades, pki
from confterm.reports.engine import ProducedReport, SigningMaterial
from confterm.reports.layout import render
from confterm.reports.sample import sample_private_key
from confterm.reports.verify import check_qr, verify_pdf
from confterm.vault.keys import public_key_of


def _keys(result: object) -> set[str]:
    return {p.key for p in result.problems}  # type: ignore[attr-defined]


def test_genuine_report_is_valid_and_names_its_signers(produced: ProducedReport,
                                                       authority: pki.Authority) -> None:
    result = verify_pdf(produced.pdf, authority.ca_cert)
    assert result.valid, result.messages("en")
    assert result.report_id == "DR-2025-0007" and result.checkpoint.startswith("CP-1042-")
    assert result.digest == produced.manifest.digest and result.short_code == produced.short_code
    named = {(s.name, s.role, s.signature_ok) for s in result.signers}
    assert ("王珺", "保管员", True) in named and ("张喆", "单位负责人", True) in named
    assert ("赵敏（外聘）", "监销人", None) in named  # signs by hand only
    assert "report signing" in result.vault_signer


def test_pyhanko_validator_accepts_the_pades_signature(produced: ProducedReport,
                                                       authority: pki.Authority) -> None:
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    ca = next(iter(load_certs_from_pemder_data(authority.ca_cert)))
    sig = PdfFileReader(io.BytesIO(produced.pdf)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[ca]))
    assert status.bottom_line and status.trusted and status.intact
    assert status.signing_cert.public_key.algorithm == "ec"


def test_poppler_pdfsig_sees_a_valid_signature_over_the_whole_file(
        tmp_path: Path, produced: ProducedReport) -> None:
    need("pdfsig")
    path = tmp_path / "r.pdf"
    path.write_bytes(produced.pdf)
    out = run("pdfsig", str(path))
    assert "Signature is Valid." in out and "Total document signed" in out


def _signature_contents_span(pdf: bytes) -> tuple[int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)", pdf)
    assert match
    return int(match.group(2)), int(match.group(3))


def test_any_changed_byte_is_detected(produced: ProducedReport,
                                      authority: pki.Authority) -> None:
    pdf = produced.pdf
    hole = _signature_contents_span(pdf)
    positions = [i for i in range(50, len(pdf), len(pdf) // 23) if not hole[0] <= i < hole[1]]
    positions += [hole[0] - 200, hole[1] + 100, len(pdf) - 40]  # around the signature
    for pos in positions:
        altered = bytearray(pdf)
        altered[pos] ^= 0x01
        result = verify_pdf(bytes(altered), authority.ca_cert)
        assert not result.valid, f"byte {pos} changed, still valid"
        assert result.problems


def _incremental(pdf: bytes, change: object) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer)  # type: ignore[operator]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _drop_last_page(writer: object) -> None:
    from pyhanko.pdf_utils import generic

    pages_ref = writer.root.raw_get("/Pages")  # type: ignore[attr-defined]
    pages = pages_ref.get_object()
    kids = pages["/Kids"]
    del kids[len(kids) - 1]
    pages["/Count"] = generic.NumberObject(len(kids))
    writer.update_container(pages)  # type: ignore[attr-defined]


def test_page_removed_by_an_incremental_update_is_detected(produced: ProducedReport,
                                                            authority: pki.Authority) -> None:
    altered = _incremental(produced.pdf, _drop_last_page)
    result = verify_pdf(altered, authority.ca_cert)
    assert not result.valid
    assert "reports.verify.modified_after_signing" in _keys(result)


def test_page_removed_by_rewriting_the_file_is_detected(produced: ProducedReport,
                                                        authority: pki.Authority) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(produced.pdf)))
    _drop_last_page(writer)
    out = io.BytesIO()
    writer.write(out)
    result = verify_pdf(out.getvalue(), authority.ca_cert)
    assert not result.valid and result.problems


def test_manifest_swapped_with_another_reports_is_detected(material: SigningMaterial,
                                                           produced: ProducedReport,
                                                           authority: pki.Authority) -> None:
    from pyhanko.pdf_utils import embed

    other = produce(material, rows=7)
    assert other.manifest.digest != produced.manifest.digest

    def swap(writer: object) -> None:
        data = embed.EmbeddedFileObject.from_file_data(writer, other.manifest.to_bytes())
        names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]  # type: ignore[attr-defined]
        spec = names[1]
        spec["/EF"]["/F"] = writer.add_object(data)  # type: ignore[attr-defined]
        writer.update_container(spec)  # type: ignore[attr-defined]

    result = verify_pdf(_incremental(produced.pdf, swap), authority.ca_cert)
    assert not result.valid and "reports.verify.modified_after_signing" in _keys(result)

    # Re-signing the swapped file needs the vault key; with any other CA it is untrusted,
    # and the manifest no longer matches what was rendered.
    rogue = pki.create_authority("伪造档案库")
    report_pdf = render_unsigned(produced)
    forged = pades.sign_pdf(report_pdf, other.manifest.to_bytes(), rogue.signing_cert,
                            rogue.signing_key, rogue.ca_cert)
    result = verify_pdf(forged, authority.ca_cert)
    assert not result.valid
    assert {"reports.verify.pades_untrusted", "reports.verify.metadata_mismatch"} <= _keys(result)


def render_unsigned(produced: ProducedReport) -> bytes:
    from confterm.reports.sample import build_sample_register

    return render(build_sample_register("zh_CN", 60), produced.manifest.digest,
                  produced.manifest.generator_signature)


def test_report_without_the_vault_signature_is_not_valid(produced: ProducedReport,
                                                         authority: pki.Authority) -> None:
    result = verify_pdf(render_unsigned(produced), authority.ca_cert)
    assert not result.valid and "reports.verify.no_pades" in _keys(result)


def test_another_vaults_ca_does_not_vouch_for_this_report(produced: ProducedReport) -> None:
    other_ca = pki.create_authority("另一个档案库").ca_cert
    result = verify_pdf(produced.pdf, other_ca)
    assert not result.valid and "reports.verify.pades_untrusted" in _keys(result)


def test_a_forged_signatory_signature_is_named(material: SigningMaterial,
                                               authority: pki.Authority) -> None:
    import base64
    import json

    genuine = produce(material, rows=3)
    envelope = json.loads(genuine.manifest.to_bytes())
    head = public_key_of(sample_private_key("张喆")).hex()
    for sig in envelope["signatures"]:
        if sig["public_key"] == head:
            sig["signature"] = base64.b64encode(bytes(64)).decode()
    from confterm.reports.manifest import canonical
    from confterm.reports.sample import build_sample_register

    pdf = render(build_sample_register("zh_CN", 3), genuine.manifest.digest,
                 genuine.manifest.generator_signature)
    signed = pades.sign_pdf(pdf, canonical(envelope), material.signing_cert,
                            material.signing_key, material.ca_cert)
    result = verify_pdf(signed, authority.ca_cert)
    assert not result.valid
    assert [p.params["name"] for p in result.problems] == ["张喆"]
    assert "张喆" in result.messages("en")[0]


def test_garbage_is_not_a_report(authority: pki.Authority) -> None:
    result = verify_pdf(b"%PDF-1.7\nnot really", authority.ca_cert)
    assert not result.valid and result.problems


def test_qr_code_checks_against_the_generators_key(produced: ProducedReport) -> None:
    generator = public_key_of(sample_private_key("王珺"))
    assert check_qr(produced.qr_payload, generator).digest == produced.manifest.digest
    with pytest.raises(VerificationError):
        check_qr(produced.qr_payload, public_key_of(sample_private_key("张喆")))
