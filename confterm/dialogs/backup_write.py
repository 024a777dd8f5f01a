"""Write a backup from the TUI: destination folder, medium label, where it is kept.

The work (snapshot copy, fsync, read-back verification, registration) is the vault's
``backup.create_backup``; it calls ``session.call`` itself, so it runs on a worker thread
(never the database thread, never the UI). Its progress callback fires on both threads,
so it only stores numbers and a UI timer draws them. A failure leaves the dialog open with
the vault's one-sentence error (nothing was written: ``create_backup`` removes its work).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input, ProgressBar

from confterm.dialogs.form import FormDialog, row, wide
from confterm.errors import InputError
from confterm.i18n import t
from confterm.screens.base import when_composed
from confterm.unlocking import in_thread
from confterm.vault import backup


class BackupWriteDialog(FormDialog[str]):
    """Dismissed with the sentence describing the written backup, or None if cancelled."""

    TITLE_KEY = "backup_ui.write.title"
    OK_KEY = "backup_ui.write.ok"

    def __init__(self) -> None:
        super().__init__()
        self.progress: tuple[str, int, int] = ("prepare", 0, 1)
        self.running = False

    def fields(self) -> Iterable[Widget]:
        yield from row(t("backup_ui.write.dest"), Input(id="bw-dest", compact=True))
        yield from row(t("backup_ui.write.label"), Input(id="bw-label", compact=True))
        yield from row(t("backup_ui.write.kept_at"), Input(id="bw-kept", compact=True))
        yield from wide(ProgressBar(id="bw-progress", total=None, show_eta=False))

    def on_mount(self) -> None:
        self.query_one("#bw-progress").display = False
        self.query_one("#bw-dest").focus()
        self.set_interval(0.1, self._show_progress)

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        """Called on worker and database threads: store only (the timer draws it)."""
        self.progress = (stage, done, total)

    @when_composed
    def _show_progress(self) -> None:
        if not self.running:
            return
        stage, done, total = self.progress
        steps = len(backup.STAGES)
        index = backup.STAGES.index(stage) if stage in backup.STAGES else 0
        fraction = done / total if total > 0 else 0.0
        self.query_one("#bw-progress", ProgressBar).update(
            total=steps * 100, progress=int((index + min(fraction, 1.0)) * 100))
        self.say(t("backup_ui.write.stage", stage=t(f"backup.stage.{stage}"),
                   percent=int(100 * min(fraction, 1.0))), "busy")

    async def submit(self) -> None:
        dest_text = self.query_one("#bw-dest", Input).value.strip()
        if not dest_text:
            raise InputError("backup_ui.write.no_dest")
        label = self.query_one("#bw-label", Input).value.strip() or None
        kept_at = self.query_one("#bw-kept", Input).value.strip() or None
        bar = self.query_one("#bw-progress", ProgressBar)
        bar.display = True
        self.say(t("backup_ui.write.working"), "busy")
        self.progress, self.running = ("prepare", 0, 1), True
        try:
            result = await in_thread(backup.create_backup, self.session,
                                     Path(dest_text).expanduser(), label, kept_at,
                                     self._on_progress)
        finally:
            self.running = False
            bar.display = False
        self.dismiss(t("backup_ui.write.done", path=str(result.path),
                       size=result.manifest.total_size, events=result.report.events))
