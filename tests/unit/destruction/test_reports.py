"""The register, certificate and appraisal opinion render through the reports engine,
with the statutory columns, totals and every signatory's block."""

from __future__ import annotations

import pytest

from confterm.errors import ConflictError, PermissionDenied
from confterm.i18n import t
from confterm.reports import pki
from confterm.reports.engine import SigningMaterial, produce_report
from confterm.reports.manifest import manifest_of
from confterm.vault.destruction import completion, media, report_data, sessions
from tests.unit.destruction.world import APPROVER, IT_WITNESS, WITNESS, World

MEDIUM = {"performer_name": "李建国", "serial": "SN-123", "media_type": "USB", "technique": "粉碎",
          "backed_up": "no", "method": "destroy", "verification": "full",
          "destination": "recycling"}


def test_a_medium_needs_the_it_witness_and_a_validation(world: World) -> None:
    ids = world.records(1)
    sid = world.open_session(ids, witnesses=(WITNESS,))
    mid = world.call(media.record_medium, sid, MEDIUM)
    world.check_all(sid, ids)
    with pytest.raises(ConflictError):  # not validated yet
        world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    with pytest.raises(PermissionDenied):  # the recorder cannot validate
        world.call(media.validate_medium, mid, world.presence_of_admin())
    world.call(media.validate_medium, mid, world.presence(WITNESS))
    with pytest.raises(PermissionDenied):  # electronic now: two witnesses, one from IT
        world.call(completion.complete_session, sid, [world.presence(WITNESS)])
    world.call(sessions.pause_session, sid, "等待信息技术监销人")
    world.call(sessions.resume_session, sid, [world.presence(WITNESS),
                                              world.presence(IT_WITNESS)])
    done = world.call(completion.complete_session, sid, [world.presence(WITNESS),
                                                         world.presence(IT_WITNESS)])
    assert done.destroyed == 1


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_register_certificate_and_opinion_render(world: World, lang: str) -> None:
    ids = world.records(4)
    both = (WITNESS, IT_WITNESS)
    sid = world.open_session(ids, witnesses=both)
    mid = world.call(media.record_medium, sid, MEDIUM)
    world.call(media.validate_medium, mid, world.presence(WITNESS))
    world.check_all(sid, ids[:3])
    world.call(sessions.exclude_item, sid, ids[3], "缺失")
    world.call(completion.complete_session, sid, [world.presence(w) for w in both])
    authority = pki.create_authority("测试档案库")
    material = SigningMaterial(authority.signing_cert, authority.signing_key, authority.ca_cert)
    reg_id = world.call(lambda ctx: ctx.conn.execute(
        "SELECT register_id FROM destruction_sessions WHERE id = ?", (sid,)).fetchone()[0])
    for build, arg in ((report_data.register_report, reg_id),
                       (report_data.certificate_report, sid),
                       (report_data.appraisal_report, 1)):
        report = world.call(build, arg, lang)
        signatures = world.call(report_data.generator_signatures, report)
        assert produce_report(report, material, signatures=signatures).pdf.startswith(b"%PDF")
    data = manifest_of(world.call(report_data.register_report, reg_id, lang))
    table = data["blocks"][0]
    assert table["columns"][:3] == [t("destruction.col.no", lang),
                                    t("destruction.col.archive_no", lang),
                                    t("destruction.col.title", lang)]
    assert len(table["rows"]) == 4 and table["totals"][4] == "4"
    assert table["rows"][0][8] != "—" and table["rows"][3][8] == "—"  # destruction date
    assert [s["name"] for s in data["signatures"]] == [APPROVER, WITNESS, IT_WITNESS]
    signatures_table = data["blocks"][1]["rows"]
    assert all(row[4] == t("destruction.r.sig_ok", lang) for row in signatures_table)
