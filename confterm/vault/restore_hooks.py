"""Extension point: what a restore must apply again so that nothing destroyed comes back.

A backup taken on Monday still holds a record destroyed (appraised, supervised, certified)
on Wednesday. Restoring Monday's backup must not bring that record back to life. The
destruction feature registers a hook here; ``confterm restore`` calls every hook after
copying the backup and before the restored vault is given its final name.

Interface (for the destruction engineer)::

    from confterm.vault.restore_hooks import register_reapply_hook

    @register_reapply_hook
    def reapply_destructions(newer: Connection, restored: Connection,
                             backup_head_seq: int) -> list[str]:
        ...

- ``newer``: a read-only connection to the newer history: the current vault (``--current``
  or detected) or a newer backup (``--newer``). Same vault (vault_id checked), same key,
  and its audit chain is proven to extend the backup's (its event ``backup_head_seq`` has
  the backup's head hash). It may be from a *newer* schema than the restored vault is not:
  the restored vault has every migration this confterm ships applied before hooks run.
- ``restored``: read-write connection to the restored vault, inside the restore's single
  transaction (BEGIN IMMEDIATE is already open: do not BEGIN, COMMIT or ROLLBACK). Purge
  with the same code the destruction feature uses (secure_delete is on). To audit each
  re-purge, call ``confterm.vault.audit.append(restored, RESTORE_ACTOR, ...)``.
- ``backup_head_seq``: the number of audit events the backup holds; everything in
  ``newer`` after it happened after the backup was taken (e.g. tombstones written by
  destruction events with seq > backup_head_seq).
- Return one human-readable line per record purged again (e.g. "档案 2019-凭证-0042（于
  2025-03-02 销毁，销毁清册 D-2025-007）"); the lines are printed in the restore report and
  stored in the restore's audit event. Return [] when there is nothing to do.
- Raise ``confterm.errors.ConftermError`` (one clear sentence) to refuse the restore; any
  exception aborts it and leaves no restored vault behind.
"""

from __future__ import annotations

from collections.abc import Callable

from confterm.vault.store import Connection

ReapplyHook = Callable[[Connection, Connection, int], list[str]]
RESTORE_ACTOR = "confterm-restore"

REAPPLY_HOOKS: list[ReapplyHook] = []


def register_reapply_hook(hook: ReapplyHook) -> ReapplyHook:
    """Add ``hook`` once (re-importing its module does not add it twice)."""
    if hook not in REAPPLY_HOOKS:
        REAPPLY_HOOKS.append(hook)
    return hook


# Modules that register hooks when imported; restore imports each before running them,
# so a hook is never skipped because nothing else happened to import its module. The
# destruction feature adds its module name here (one line).
HOOK_MODULES: list[str] = ["confterm.vault.destruction.restore_hook"]


def load_hooks() -> list[ReapplyHook]:
    """Import every module in HOOK_MODULES (absent ones are skipped) and return the hooks."""
    import importlib

    for name in HOOK_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return list(REAPPLY_HOOKS)
