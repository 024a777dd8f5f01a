"""The home screen's line for backups: none verified yet, or the last one is too old.

Registered with ``confterm.attention`` on import; ``confterm/screens/backup_status.py``
imports this module so the shell's screen discovery registers it at unlock.
"""

from __future__ import annotations

from confterm.attention import AttentionItem, register_attention
from confterm.vault.backup_register import backup_warning
from confterm.vault.session import Ctx


@register_attention
def backup_attention(ctx: Ctx) -> list[AttentionItem]:
    warning = backup_warning(ctx)
    if warning is None:
        return []
    return [AttentionItem(warning.key, dict(warning.params), "warning", None)]
