"""Fixtures for the report engine tests: a vault CA and produced sample reports."""

from __future__ import annotations

import pytest
from report_tools import produce

from confterm.reports import pki
from confterm.reports.engine import ProducedReport, SigningMaterial


@pytest.fixture(scope="session")
def authority() -> pki.Authority:
    return pki.create_authority("测试档案库")


@pytest.fixture(scope="session")
def material(authority: pki.Authority) -> SigningMaterial:
    return SigningMaterial(authority.signing_cert, authority.signing_key, authority.ca_cert)


@pytest.fixture(scope="session")
def produced(material: SigningMaterial) -> ProducedReport:
    return produce(material)


@pytest.fixture(scope="session")
def produced_en(material: SigningMaterial) -> ProducedReport:
    return produce(material, "en")
