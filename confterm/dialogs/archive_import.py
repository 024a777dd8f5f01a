"""Import a catalogue file (CSV in UTF-8 / GB18030, or XLSX): check first, then import.

"Check" is a dry run: the whole file is read and every problem listed (row, column, what
is wrong) in a scrollable list, and nothing is written. "Import" reads it again and writes
it in one transaction, all or nothing. Both run on the database thread; the thread only
stores its progress in a tuple that a UI timer reads ten times a second (no call back
into the UI per chunk), so the screen stays responsive during a 100,000-row import.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    DirectoryTree,
    Footer,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Static,
)
from textual.widgets.option_list import Option

from confterm.errors import ConftermError, InputError
from confterm.i18n import t
from confterm.screens.base import ConftermDialog, when_composed
from confterm.vault.catalogue import importer
from confterm.vault.catalogue.importer import ImportResult

SUFFIXES = (".csv", ".xlsx", ".txt")
_ROW_AT = re.compile(r"第 (\d+) 行")


def _unbreakable_row(text: str) -> str:
    """Row numbers written "第12行": a wrapped problem then never starts a line with "行"."""
    return _ROW_AT.sub(r"第\1行", text)


class CatalogueFiles(DirectoryTree):
    """Folders and the files an import can read."""

    def filter_paths(self, paths: Any) -> Any:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in SUFFIXES)]


class ImportDialog(ConftermDialog[int | None]):
    """Returns how many records were imported, or None."""

    DEFAULT_CSS = """
    ImportDialog #import-file-row { height: 1; }
    ImportDialog #import-file-row Label { width: auto; padding: 0 1 0 0; }
    ImportDialog #import-file { width: 1fr; background: $background; }
    ImportDialog #import-tree { height: 8; margin-top: 1; }
    ImportDialog #import-status { height: auto; margin-top: 1; }
    ImportDialog #import-status.error { color: $error; text-style: bold; }
    ImportDialog #import-status.ok { color: $success; text-style: bold; }
    ImportDialog #import-progress { margin-top: 1; }
    ImportDialog #import-problems { height: 1fr; min-height: 4; margin-top: 1; }
    """

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self.start = start or Path.cwd()
        self.busy = False
        self._working_on = ""
        self.checked: str | None = None  # the file a clean dry run was made of
        self.progress: tuple[int, int | None] = (0, None)
        self.result: ImportResult | None = None
        self.runs = 0  # finished checks and imports (tests wait on it)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("archive.import.title"), classes="dialog-title")
            with Horizontal(id="import-file-row"):
                yield Label(t("archive.import.file"))
                yield Input(id="import-file", compact=True,
                            placeholder=t("archive.import.file_hint"))
            yield CatalogueFiles(self.start, id="import-tree")
            yield Static(t("archive.import.explain"), id="import-status")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield OptionList(id="import-problems")
            with Horizontal(classes="buttons"):
                yield Button(t("archive.import.check"), id="import-check", variant="primary",
                             compact=True)
                yield Button(t("archive.import.run"), id="import-run", variant="warning",
                             compact=True, disabled=True)
                yield Button(t("archive.import.close"), id="import-close", compact=True)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        box = self.query_one(".dialog")
        box.styles.width, box.styles.height = 110, "95%"  # wider than the shared .dialog
        box.styles.max_height = "95%"
        self.query_one("#import-progress").display = False
        self.query_one("#import-problems").display = False
        self.query_one("#import-file").focus()
        self.set_interval(0.1, self._show_progress)

    def on_resize(self) -> None:
        """On a small terminal the file tree gets fewer lines, so the buttons stay visible."""
        self.query_one("#import-tree").styles.height = 8 if self.size.height >= 36 else 4

    # ---- choosing the file ----------------------------------------------------------

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#import-problems").display = False
        self.query_one("#import-file", Input).value = str(event.path)
        self.query_one("#import-check").focus()

    @on(Input.Changed, "#import-file")
    def _changed(self) -> None:
        self.query_one("#import-tree").display = True
        self.checked = None
        self.query_one("#import-run", Button).disabled = True

    @on(Input.Submitted, "#import-file")
    def _enter(self) -> None:
        self._start(dry_run=True)

    def path(self) -> Path:
        text = self.query_one("#import-file", Input).value.strip()
        if not text:
            raise InputError("archive.import.no_file")
        path = Path(text).expanduser()
        if not path.is_file():
            raise InputError("archive.import.not_a_file", file=str(path))
        return path

    # ---- running --------------------------------------------------------------------

    @on(Button.Pressed, "#import-check")
    def _check(self) -> None:
        self._start(dry_run=True)

    @on(Button.Pressed, "#import-run")
    def _run(self) -> None:
        self._start(dry_run=False)

    @on(Button.Pressed, "#import-close")
    def _close(self) -> None:
        if not self.busy:
            self.dismiss(self.result.records_created if self.result and
                         self.result.committed else None)

    def action_cancel(self) -> None:
        if self.busy:
            self.app.notify(t("archive.import.busy", file=self._working_on))
            return
        self._close()

    def _say(self, text: str, kind: str = "") -> None:
        status = self.query_one("#import-status", Static)
        status.update(text)
        status.set_classes(kind)

    def _start(self, dry_run: bool) -> None:
        if self.busy:
            return
        try:
            path = self.path()
        except ConftermError as exc:
            self._say(exc.message(), "error")
            return
        self.busy = True
        self._working_on = path.name
        self.run_worker(self._work(path, dry_run), exclusive=True, group="import",
                        exit_on_error=False)

    def _on_progress(self, done: int, total: int | None) -> None:
        """Called on the database thread: only stores the numbers (read by a UI timer)."""
        self.progress = (done, total)

    @when_composed
    def _show_progress(self) -> None:
        if not self.busy:
            return
        done, total = self.progress
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=total, progress=done)

    async def _work(self, path: Path, dry_run: bool) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display, self.progress = True, (0, None)
        bar.update(total=None, progress=0)
        for button in self.query(Button):
            button.disabled = True
        self._say(t("archive.import.checking" if dry_run else "archive.import.importing",
                    file=path.name), "")
        try:
            result: ImportResult = await self.service(importer.import_file, path, dry_run,
                                                      self._on_progress)
        except ConftermError as exc:
            self._say(exc.message(), "error")
            return
        except Exception as exc:
            self._say(t("ui.unexpected", kind=type(exc).__name__), "error")
            return
        finally:
            self.busy = False
            self.runs += 1
            bar.display = False
            self.query_one("#import-check", Button).disabled = False
            self.query_one("#import-close", Button).disabled = False
        self.result = result
        self._show(result, path)

    def _show(self, result: ImportResult, path: Path) -> None:
        problems = self.query_one("#import-problems", OptionList)
        problems.clear_options()
        problems.display = bool(result.problems)
        if result.problems:
            self.query_one("#import-tree").display = False  # the problems need the room
            problems.add_options([Option(_unbreakable_row(p.text()), id=str(i))
                                  for i, p in enumerate(result.problems)])
            more = result.problem_count - len(result.problems)
            if more > 0:
                problems.add_option(Option(t("archive.import.more_problems", n=more),
                                           disabled=True))
            self._say(t("archive.import.problems", n=result.problem_count, file=path.name),
                      "error")
            return
        if result.dry_run:
            self.checked = str(path)
            self.query_one("#import-run", Button).disabled = False
            self._say(t("archive.import.clean", rows=f"{result.rows:,}",
                        clients=result.clients_created, file=path.name), "ok")
            self.query_one("#import-run").focus()
            return
        self._say(t("archive.import.done", records=f"{result.records_created:,}",
                    clients=result.clients_created, seconds=f"{result.seconds:.1f}"), "ok")
        self.app.notify(t("archive.import.done", records=f"{result.records_created:,}",
                          clients=result.clients_created, seconds=f"{result.seconds:.1f}"))
