"""Shown instead of a screen's layout when the terminal is too small for it."""

from __future__ import annotations

from textual.widgets import Static

from confterm.i18n import t

MIN_COLUMNS = 80
MIN_ROWS = 24


def too_small(columns: int, rows: int) -> bool:
    return columns < MIN_COLUMNS or rows < MIN_ROWS


class TooSmall(Static):
    """One clear sentence with the current and the needed size (CSS shows it only when the
    App has the ``-too-small`` class; every other child of the screen is hidden then)."""

    def render(self) -> str:
        size = self.app.size
        return t("ui.too_small", columns=size.width, rows=size.height,
                 min_columns=MIN_COLUMNS, min_rows=MIN_ROWS)
