"""The home screen's destruction lines: what is eligible, what waits for signatures, what
is in progress, and any session whose verification is missing or failed (an error)."""

from __future__ import annotations

from confterm.attention import AttentionItem, register_attention
from confterm.vault import store
from confterm.vault.destruction import eligibility, history, scrub
from confterm.vault.session import Ctx


@register_attention
def destruction_attention(ctx: Ctx) -> list[AttentionItem]:
    # Runs at every unlock: the earliest moment to undo a scrub a crash interrupted.
    scrub.recover(ctx.conn, ctx.session.path / store.DB_NAME)
    work = history.open_work(ctx)
    out: list[AttentionItem] = []
    if work["unverified"]:
        out.append(AttentionItem("destruction.ui.attention_unverified",
                                 {"count": work["unverified"]}, "error", "destruction"))
    if work["live"]:
        out.append(AttentionItem("destruction.ui.attention_live", {"count": work["live"]},
                                 "warning", "destruction"))
    if work["signing"]:
        out.append(AttentionItem("destruction.ui.attention_signing",
                                 {"count": work["signing"]}, "info", "destruction"))
    eligible = eligibility.eligible_count(ctx)
    if eligible:
        out.append(AttentionItem("destruction.ui.attention_eligible", {"count": eligible},
                                 "info", "destruction"))
    return out
