"""Tables show every cell whole up to a width, and a longer one cut with an ellipsis."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from confterm.widgets.table_fill import refill
from tests.ui.conftest import screen_text


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()


async def test_cells_are_whole_and_a_too_long_one_ends_in_an_ellipsis() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.query_one(DataTable)
        long = "档案室B 保险柜（钥匙由李建国保管）第三格左侧抽屉，贴有红色标签" * 2
        refill(table, ["Label", "Kept at", "By"], [("USB-07", "Safe, room 3", "王秀英"),
                                                    ("DISK-2", long, "李建国")], max_width=30)
        await pilot.pause()
        text = screen_text(app)  # drawn at once: no wait for Textual's own measuring
        assert "Safe, room 3" in text and "王秀英" in text and "李建国" in text
        line = next(row for row in text.splitlines() if "DISK-2" in row)
        assert "…" in line and long not in line
