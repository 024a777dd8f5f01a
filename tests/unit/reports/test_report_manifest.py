"""The manifest: canonical bytes of exactly the data shown, signed by every signatory."""

from __future__ import annotations

import json

import pytest

from confterm.errors import InputError
from confterm.reports.manifest import (
    SignedManifest,
    canonical,
    digest_of,
    fingerprint,
    manifest_of,
    sign_digest,
    sign_manifest,
    signature_valid,
)
from confterm.reports.sample import build_sample_register, sample_private_key, sample_private_keys
from confterm.vault import keys as vault_keys


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical({"b": "喆", "a": [1, "x"]}) == '{"a":[1,"x"],"b":"喆"}'.encode()


def test_manifest_holds_every_shown_cell_and_signatory() -> None:
    report = build_sample_register("zh_CN", 5)
    manifest = manifest_of(report)
    table = manifest["blocks"][0]
    assert table["rows"] == report.blocks[0].rows and table["totals"][3] == "11"
    assert [s["role"] for s in manifest["signatures"]][-1] == "监销人"
    assert manifest["checkpoint"] == report.checkpoint
    assert json.loads(canonical(manifest)) == manifest


def test_changing_any_shown_cell_changes_the_digest() -> None:
    report = build_sample_register("zh_CN", 5)
    before = digest_of(manifest_of(report))
    report.blocks[0].rows[3][5] = "KJ-2000-99999"
    assert digest_of(manifest_of(report)) != before


def test_all_keyed_signatories_sign_and_signatures_verify() -> None:
    report = build_sample_register("zh_CN", 5)
    signed = sign_manifest(report, sample_private_keys())
    assert len(signed.signatures) == 5  # generator + four keyed co-signers; supervisor by hand
    for public, signature in signed.signatures.items():
        assert signature_valid(public, signed.digest, signature)
        assert not signature_valid(public, bytes(32), signature)
    again = SignedManifest.from_bytes(signed.to_bytes())
    assert again.digest == signed.digest and again.signatures == signed.signatures


def test_missing_signatory_is_named() -> None:
    report = build_sample_register("en", 5)
    with pytest.raises(InputError) as err:
        sign_manifest(report, sample_private_keys()[:-1])
    assert err.value.key == "reports.signature_missing" and "刘建国" in str(err.value)


def test_a_key_of_someone_not_on_the_report_is_refused() -> None:
    report = build_sample_register("en", 5)
    with pytest.raises(InputError) as err:
        sign_manifest(report, [*sample_private_keys(), sample_private_key("stranger")])
    assert err.value.key == "reports.key_not_on_report"


def test_signatures_collected_earlier_are_accepted_and_checked() -> None:
    report = build_sample_register("en", 5)
    digest = digest_of(manifest_of(report))
    head = sample_private_key("张喆")
    public = vault_keys.public_key_of(head)
    others = [k for k in sample_private_keys() if vault_keys.public_key_of(k) != public]
    signed = sign_manifest(report, others, {public: sign_digest(digest, head)})
    assert signature_valid(public, signed.digest, signed.signatures[public])
    with pytest.raises(InputError):
        sign_manifest(report, others, {public: sign_digest(bytes(32), head)})


def test_fingerprint_matches_the_vaults_people_list() -> None:
    public = vault_keys.public_key_of(sample_private_key("王珺"))
    assert fingerprint(public) == vault_keys.fingerprint(public)


def test_report_id_must_suit_the_qr_code() -> None:
    report = build_sample_register("en", 2)
    report.report_id = "销毁-1"
    with pytest.raises(InputError) as err:
        manifest_of(report)
    assert err.value.key == "reports.bad_report_id"
