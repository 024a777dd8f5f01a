"""A search typed into the browser may be a person's name: events that name a query (an
export, a hold by query, a saved query) keep a keyed digest of it, never the words, yet
two events of the same search can still be matched up."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from confterm.vault.catalogue import export, holds
from confterm.vault.catalogue.filters import Filters
from confterm.vault.session import VaultSession

SECRET_NAME = "陈大文借款"


def _details(cat: VaultSession, action: str) -> list[str]:
    return [r[0] for r in cat.call(lambda ctx: ctx.conn.execute(
        "SELECT details FROM audit_events WHERE action = ? ORDER BY seq", (action,)).fetchall())]


def test_query_text_is_a_keyed_digest_in_every_event(
        cat: VaultSession, add_record: Callable[..., int], tmp_path: Path) -> None:
    add_record(title=f"{SECRET_NAME}凭证")
    f = Filters(text=SECRET_NAME)
    cat.call(export.export, tmp_path / "out.csv", "csv", "法院调取", f)
    query_id = cat.call(holds.save_query, "涉诉借款", f)
    cat.call(holds.create, "诉讼保全", "某区人民法院", "query", query_id=query_id)
    events = [*_details(cat, "catalogue.export"), *_details(cat, "query.save"),
              *_details(cat, "hold.create")]
    assert len(events) == 3
    assert not any(SECRET_NAME in e or "陈大文" in e for e in events)
    export_text = json.loads(events[0])["filters"]["text"]
    hold_text = json.loads(events[2])["query"]["text"]
    assert export_text == hold_text and export_text["chars"] == len(SECRET_NAME)
    other = cat.call(lambda ctx: Filters(text="别的查询").for_audit(ctx))
    assert other["text"] != export_text
