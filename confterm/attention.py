"""What needs attention: the home screen's list, filled by every feature area.

A provider is a plain function ``fn(ctx) -> list[AttentionItem]`` run on the database
thread (like any vault service). Feature areas register theirs when their module is
imported (the area registry imports every ``confterm.screens`` module at unlock), so adding
"overdue loans" or "eligible for destruction" never touches the home screen's code:

    from confterm.attention import AttentionItem, register_attention

    @register_attention
    def overdue_loans(ctx: Ctx) -> list[AttentionItem]:
        n = ctx.conn.execute("SELECT count(*) FROM loans WHERE due < ?", ...).fetchone()[0]
        return [AttentionItem("loans.attention_overdue", {"count": n}, "warning", "access")] \
            if n else []

No Textual here: providers may live beside the vault services they query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class AttentionItem:
    """One line on the home screen: a catalogue key and its parameters (never raw text),
    how urgent it is, and the area that deals with it (to open it from home)."""

    key: str
    params: dict[str, object] = field(default_factory=dict)
    severity: Severity = "info"
    area: str | None = None


Provider = Callable[[Any], list[AttentionItem]]
_PROVIDERS: dict[str, Provider] = {}


def register_attention(fn: Provider) -> Provider:
    """Add a provider (idempotent: re-importing a module does not duplicate it)."""
    _PROVIDERS[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def collect(ctx: Any) -> tuple[list[AttentionItem], list[str]]:
    """Run every provider; one failing provider costs its own line, not the whole panel.

    Returns (items, names of providers that failed).
    """
    items: list[AttentionItem] = []
    failed: list[str] = []
    for name, fn in _PROVIDERS.items():
        try:
            items.extend(fn(ctx))
        except Exception:  # a bug in one area must not hide the others' warnings
            failed.append(name)
    order = {"error": 0, "warning": 1, "info": 2}
    items.sort(key=lambda item: order.get(item.severity, 3))
    return items, failed
