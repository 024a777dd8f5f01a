"""Access area, by keys: export (e) is refused while the export request is pending, with no
file; after an approver steps up and approves, it writes the file with the unmasked legal
representative and the register shows the export act. Ctrl+O opens Reports on the request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input

from confterm.app import ConftermApp
from confterm.vault.access import register
from tests.ui.conftest import APPROVER, CUSTODIAN, wait_for
from tests.ui.test_access_flow import (
    ok,
    on,
    open_access,
    register_request,
    step_up_as,
    stocked,  # noqa: F401  (fixture)
    table_text,
)

MakeApp = Callable[..., ConftermApp]


async def _export_to(pilot: Any, target: Path) -> Any:
    app: Any = pilot.app
    await pilot.press("e")
    await wait_for(pilot, lambda: on(app, "ContentExportDialog"))
    app.screen.query_one("#content-export-file", Input).value = str(target)
    await ok(pilot)
    return app


async def test_export_content_under_an_approved_request(stocked: Path,  # noqa: F811
                                                        make_app: MakeApp,
                                                        tmp_path: Path) -> None:
    target = tmp_path / "requested.csv"
    app = make_app(path=stocked)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_access(pilot, CUSTODIAN)
        await register_request(pilot, "export", "HX-2020-PZ-001, HX-2020-PZ-002")

        await _export_to(pilot, target)  # still pending: refused on the message line
        dialog: Any = app.screen
        await wait_for(pilot, lambda: "not been decided" in dialog.message_text
                       and not dialog.busy)
        assert not target.exists() and list(tmp_path.glob(".requested.csv*")) == []
        await pilot.press("escape")
        await wait_for(pilot, lambda: on(app, "AccessScreen"))

        await pilot.press("d")
        await wait_for(pilot, lambda: on(app, "DecideRequestDialog"))
        await ok(pilot)
        await step_up_as(pilot, APPROVER)
        await wait_for(pilot, lambda: on(app, "AccessScreen") and "Approved" in table_text(app))

        await _export_to(pilot, target)
        await wait_for(pilot, lambda: on(app, "AccessScreen") and target.exists())
        text = target.read_text(encoding="utf-8-sig")
        assert "王大明" in text and "HX-2020-PZ-002" in text and "HX-2020-PZ-003" not in text

        await pilot.press("2")  # the register of acts
        await wait_for(pilot, lambda: app.screen.view == "events" and app.screen.loaded)
        assert table_text(app).count("Export") >= 2
        assert app.session is not None
        acts = await app.session.acall(register.list_events, None, None, 50)
        assert sorted(e.archive_no for e in acts if e.act == "export") == \
            ["HX-2020-PZ-001", "HX-2020-PZ-002"]

        await pilot.press("1")
        await wait_for(pilot, lambda: app.screen.view == "requests" and app.screen.loaded)
        await pilot.press("ctrl+o")  # print: Reports with the record content sheet chosen
        await wait_for(pilot, lambda: on(app, "ReportsScreen"))
        form = app.screen.form
        assert form.kind == "record-content"
        assert form.query_one("#rp-request", Input).value == str(acts[0].request_id)
