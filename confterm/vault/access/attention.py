"""The home screen's lines for access: overdue loans, requests and changes waiting.

Registered with ``confterm.attention`` on import (the Access screen module imports this).
"""

from __future__ import annotations

from confterm.attention import AttentionItem, register_attention
from confterm.vault.access.register import attention_counts
from confterm.vault.session import Ctx


@register_attention
def access_attention(ctx: Ctx) -> list[AttentionItem]:
    counts = attention_counts(ctx)
    items = []
    if counts.overdue_loans:
        items.append(AttentionItem("access.attention_overdue", {"count": counts.overdue_loans},
                                   "error", "access"))
    if counts.pending_requests:
        items.append(AttentionItem("access.attention_requests",
                                   {"count": counts.pending_requests}, "warning", "access"))
    if counts.pending_changes:
        items.append(AttentionItem("access.attention_changes",
                                   {"count": counts.pending_changes}, "warning", "access"))
    return items
