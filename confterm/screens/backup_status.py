"""Backup (administrator, custodian): the backup register, write and verify a backup, and
the vault check, one line per check.

Also registers the home screen's "last verified backup" line (importing the provider is
what puts it there) and a second entry, "Check the vault", that opens this screen with
the check already running: listed among the home screen's areas, F8 or the palette there.

The check (``check.run_checks``) blocks and calls ``session.call`` itself, so it runs on
a worker thread; its progress callback only stores numbers, a UI timer draws the bar.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, ProgressBar, Static

import confterm.vault.backup_attention  # noqa: F401  (registers the home screen's line)
from confterm.areas import Area, register_area
from confterm.commands import Command, declare
from confterm.dialogs.backup_verify import BackupVerifyDialog
from confterm.dialogs.backup_write import BackupWriteDialog
from confterm.i18n import t
from confterm.screens.base import ConftermScreen, when_composed
from confterm.unlocking import in_thread
from confterm.vault import backup_register, check
from confterm.vault.backup_register import BackupWarning, RegisteredBackup
from confterm.vault.session import Ctx
from confterm.widgets.table_fill import refill
from confterm.widgets.top_bar import TopBar

ROLES = ("administrator", "custodian")
COLUMNS = ("label", "kept_at", "created", "by", "verified")


def _load(ctx: Ctx) -> tuple[list[RegisteredBackup], BackupWarning | None]:
    return backup_register.list_backups(ctx), backup_register.backup_warning(ctx)


def check_lines(lines: list[check.CheckLine]) -> list[str]:
    """One line per check, then the summary (the same words as ``confterm check``)."""
    shown = [f"{'✔' if line.ok else '✘'} {t(line.key, **line.params)}" for line in lines]
    failed = sum(1 for line in lines if not line.ok)
    shown.append(t("backup.check_summary_bad", failed=failed, count=len(lines)) if failed
                 else t("backup.check_summary_ok", count=len(lines)))
    return shown


class BackupScreen(ConftermScreen):
    SCREEN_ID = "backup"
    DEFAULT_CSS = """
    BackupScreen #backup-table { height: 1fr; }
    BackupScreen #backup-result { height: auto; }
    BackupScreen #backup-result.error { color: $error; text-style: bold; }
    BackupScreen #backup-result.ok { color: $success; }
    BackupScreen #backup-warning { color: $warning; height: auto; }
    BackupScreen #check-lines { height: auto; }
    """

    def __init__(self, check_now: bool = False) -> None:
        super().__init__()
        self.backups: list[RegisteredBackup] = []
        self.check_now = check_now
        self.checking = False
        self.check_progress: tuple[int, int] = (0, len(check.CHECKS))
        self.check_result: list[check.CheckLine] | None = None
        self.result: tuple[str, str] = ("", "")  # the last write/verify sentence and its kind

    def screen_commands(self) -> list[Any]:
        # "Check the vault" as an area would only repeat "k" here.
        return [c for c in super().screen_commands() if c.id != "area.vault_check"]

    def compose(self) -> ComposeResult:
        yield TopBar(t("backup_ui.area"))
        yield Static(id="backup-warning")
        yield DataTable(id="backup-table", cursor_type="row", zebra_stripes=True)
        # Built from what the screen holds, so a language switch (a rebuild) shows the
        # last result and the check's lines again, and the bar only while checking.
        yield Static(self.result[0], id="backup-result", classes=self.result[1])
        bar = ProgressBar(id="check-progress", total=len(check.CHECKS), show_eta=False)
        bar.display = self.checking
        yield bar
        yield Static("\n".join(check_lines(self.check_result)) if self.check_result else "",
                     id="check-lines")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.set_interval(0.1, self._show_check_progress)
        if self.check_now:
            self.check_now = False
            self.action_check_vault()

    async def reload(self) -> None:
        self.backups, warning = await self.service(_load)
        refill(self.query_one("#backup-table", DataTable),
               [t(f"backup_ui.col.{c}") for c in COLUMNS],
               [(b.label, b.kept_at or "—", b.created_at[:19].replace("T", " "), b.created_by,
                 (b.verified_at or t("backup_ui.never"))[:19].replace("T", " "))
                for b in self.backups], keys=[b.backup_id for b in self.backups])
        self.query_one("#backup-warning", Static).update(
            t(warning.key, **warning.params) if warning else
            t("backup_ui.count", count=len(self.backups)))
        if not self.backups:
            self.query_one("#backup-warning", Static).update(t("backup_ui.empty"))

    def _result(self, text: str, kind: str) -> None:
        self.result = (text, kind)
        line = self.query_one("#backup-result", Static)
        line.update(text)
        line.set_classes(kind)

    @work(exit_on_error=False, group="dialog")
    async def action_write_backup(self) -> None:
        sentence = await self.app.push_screen_wait(BackupWriteDialog())
        if sentence:
            self._result(sentence, "ok")
            self.start_reload()

    @work(exit_on_error=False, group="dialog")
    async def action_verify_backup(self) -> None:
        table = self.query_one("#backup-table", DataTable)
        row = table.cursor_row
        place = self.backups[row].location if self.backups and 0 <= row < len(
            self.backups) else ""
        sentence = await self.app.push_screen_wait(BackupVerifyDialog(place))
        if sentence:
            self._result(sentence, "ok")
            self.start_reload()

    # ---- the vault check -------------------------------------------------------------

    def _on_check_progress(self, name: str, done: int, total: int) -> None:
        """Worker and database threads: store only."""
        if name == "check":
            self.check_progress = (done, total)

    @when_composed
    def _show_check_progress(self) -> None:
        if not self.checking:
            return
        done, total = self.check_progress
        self.query_one("#check-progress", ProgressBar).update(total=total, progress=done)
        if done < total:
            self.query_one("#check-lines", Static).update(t(
                "backup_ui.check.step", step=done + 1, total=total,
                name=t(f"backup.check_name.{check.CHECKS[done]}")))

    def action_check_vault(self) -> None:
        if self.checking:
            self.notify(t("backup_ui.check.busy"))
            return
        self.checking, self.check_progress, self.check_result = True, (0, len(check.CHECKS)), None
        bar = self.query_one("#check-progress", ProgressBar)
        bar.display = True
        bar.update(total=len(check.CHECKS), progress=0)
        self.query_one("#check-lines", Static).update(t("backup_ui.check.running"))
        self.run_worker(self._check(), group="check", exit_on_error=False)

    async def _check(self) -> None:
        try:
            lines = await in_thread(check.run_checks, self.session, self._on_check_progress)
        except Exception as exc:
            self.show_error(exc)
            self.query_one("#check-lines", Static).update("")
            return
        finally:
            self.checking = False
            self.query_one("#check-progress", ProgressBar).display = False
        self.check_result = lines
        self.query_one("#check-lines", Static).update("\n".join(check_lines(lines)))


for _command in (
    Command("backup.write", "backup_ui.cmd.write", "w", "screen.write_backup",
            scope=("backup",), roles=ROLES),
    Command("backup.verify", "backup_ui.cmd.verify", "v", "screen.verify_backup",
            scope=("backup",), roles=ROLES),
    Command("backup.check", "backup_ui.cmd.check", "k", "screen.check_vault",
            scope=("backup",), roles=ROLES),
):
    declare(_command)

register_area(Area("backup", "backup_ui.area", "f7", BackupScreen, roles=ROLES, order=80,
                   summary_key="backup_ui.area_summary"))
register_area(Area("vault_check", "backup_ui.check_area", "f8",
                   lambda: BackupScreen(check_now=True), roles=ROLES, order=81,
                   summary_key="backup_ui.check_area_summary"))
# Its key and palette entry live on the home screen only: on every screen it would push
# other screens' keys off their help page, and "k" does it on the Backup screen.
declare(Command("area.vault_check", "backup_ui.check_area", "f8",
                "app.open_area('vault_check')", scope=("home",), roles=ROLES))
