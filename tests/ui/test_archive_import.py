"""Import dialog (every problem listed, nothing written; a clean file imported with a
progress bar while the UI keeps answering), export with a purpose, and the record picker."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList

from confterm.app import ConftermApp
from confterm.screens.record_picker import PickedRecords, RecordPicker
from confterm.vault.catalogue import bench_data
from confterm.vault.importing.export import write_csv
from tests.ui.archive_seed import Seeded, archive_template, archive_vault, query
from tests.ui.conftest import wait_for
from tests.ui.test_archive_browser import open_archive, type_search
from tests.ui.test_archive_changes import dialog

__all__ = ["archive_template", "archive_vault"]
MakeApp = Callable[..., ConftermApp]
SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"
HEADER = "档案编号,题名,客户统一社会信用代码,客户名称,类别,会计年度,密级,位置\n"


async def run_import(pilot: Pilot[Any], form: Any, file: Path, button: str) -> None:
    form.query_one("#import-file", Input).value = str(file)
    await pilot.pause()
    runs = form.runs
    await pilot.click(f"#{button}")
    await wait_for(pilot, lambda: form.runs > runs, timeout=60)


async def test_a_bad_file_lists_every_problem_and_writes_nothing(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    before = query(path, "SELECT count(*) FROM records")
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_archive(pilot)
        await pilot.press("i")
        form = await dialog(pilot, "ImportDialog")
        await run_import(pilot, form, SAMPLES / "bad.csv", "import-check")
        problems = form.query_one("#import-problems", OptionList)
        texts = [str(problems.get_option_at_index(i).prompt)
                 for i in range(problems.option_count)]
        assert len(texts) == form.result.problem_count >= 7
        assert all(text.startswith("Row ") for text in texts)
        assert any("PZ-2019-001" in text for text in texts)  # the duplicate number
        assert any("check character" in text for text in texts)  # the bad code
        assert form.query_one("#import-run", Button).disabled
        assert "nothing was written" in str(form.query_one("#import-status").render())
    assert query(path, "SELECT count(*) FROM records") == before
    assert not query(path, "SELECT 1 FROM audit_events WHERE action = 'catalogue.import'")


def _clean_file(folder: Path, n: int) -> Path:
    file = folder / "catalogue.csv"
    rows = (r._replace(location="") for r in bench_data.catalogue_rows(n, seed=3))
    write_csv(file, rows, lang="zh_CN", encoding="utf-8-sig")
    return file


async def test_a_clean_file_imports_with_progress_and_the_ui_keeps_answering(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded], tmp_path: Path) -> None:
    path, seeded = archive_vault
    file = _clean_file(tmp_path, 20_000)
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        await pilot.press("i")
        form = await dialog(pilot, "ImportDialog")
        await run_import(pilot, form, file, "import-check")
        assert form.result.ok and form.result.dry_run
        assert not form.query_one("#import-run", Button).disabled
        lags: list[float] = []
        seen: list[int] = []
        totals: list[int | None] = []
        stayed: list[bool] = []

        async def ticker() -> None:
            while True:
                start = time.perf_counter()
                await asyncio.sleep(0.02)
                lags.append(time.perf_counter() - start - 0.02)
                seen.append(form.progress[0])
                totals.append(form.progress[1])
                if form.busy and not stayed:  # Esc while importing: it says why it stays
                    form.action_cancel()
                    await asyncio.sleep(0)
                    stayed.append(app.screen is form)

        ticking = asyncio.create_task(ticker())
        await run_import(pilot, form, file, "import-run")
        ticking.cancel()
        assert form.result.committed and form.result.records_created == 20_000
        assert len(set(seen)) > 2  # the progress moved while importing
        assert any(total for total in totals)  # with a total (estimated): a percentage
        assert stayed == [True]
        lags.sort()  # the event loop was never held for long (import takes seconds)
        assert lags[int(len(lags) * 0.95)] < 0.25 and lags[-1] < 1.5, lags[-5:]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: screen.browser.records.count == 20_000 + seeded.records)
    audit = query(path, "SELECT details FROM audit_events WHERE action = 'catalogue.import'")
    assert json.loads(audit[0][0])["records"] == 20_000


async def test_export_needs_a_purpose_and_is_audited(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded], tmp_path: Path) -> None:
    path, _seeded = archive_vault
    out = tmp_path / "export.csv"
    app = make_app(path=path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_archive(pilot)
        await type_search(pilot, screen, "凭证")
        await pilot.press("escape", "e")
        form = await dialog(pilot, "ExportDialog")
        form.query_one("#export-file", Input).value = str(out)
        form.query_one("#export-format").value = "csv"
        await pilot.pause()
        form.query_one("#export-file", Input).value = str(out)
        form.query_one("#export-purpose").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "reason" in form.message_text.lower())
        assert not out.exists()
        form.query_one("#export-purpose", Input).value = "移交会计师事务所核对"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 1 + 18
    event = json.loads(query(path, "SELECT details FROM audit_events"
                                   " WHERE action = 'catalogue.export'")[0][0])
    assert event["purpose"] == "移交会计师事务所核对" and event["records"] == 18


async def test_the_record_picker_returns_the_marked_records(
        make_app: MakeApp, archive_vault: tuple[Path, Seeded]) -> None:
    path, _seeded = archive_vault
    picked: list[PickedRecords | None] = []
    app = make_app(path=path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_archive(pilot)
        app.push_screen(RecordPicker(title="Pick for request 7"), picked.append)
        picker = await dialog(pilot, "RecordPicker")
        await wait_for(pilot, lambda: picker.loaded and picker.browser.records.counted)
        await type_search(pilot, picker, "纳税申报")
        await pilot.press("escape", "space", "space", "enter")
        await wait_for(pilot, lambda: bool(picked))
        result = picked[0]
        assert result is not None and len(result.ids) == 2
        assert all("-NS-" in n for n in result.archive_numbers)
        app.push_screen(RecordPicker(), picked.append)
        picker = await dialog(pilot, "RecordPicker")
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(picked) == 2)
        assert picked[1] is None
