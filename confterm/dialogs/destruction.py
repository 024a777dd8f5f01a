"""Small forms of the destruction area: a few labelled text fields, returned as a dict.

One generic ``FieldsDialog`` serves the opinion, the extension, the reasons, the session's
method and place and the media block; what the values mean is decided by the vault
services the screen then calls (which refuse bad input with a sentence shown here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.widget import Widget
from textual.widgets import Input, Static

from confterm.dialogs.form import FormDialog, row, wide
from confterm.i18n import t


class FieldsDialog(FormDialog[dict[str, str] | None]):
    """``fields``: (name, label key, default); ``required`` names must not be empty."""

    def __init__(self, title: str, fields: Sequence[tuple[str, str, str]],
                 explain: str = "", required: Sequence[str] = ()) -> None:
        super().__init__()
        self.title_line = title
        self.spec = list(fields)
        self.explain = explain
        self.required = set(required)

    def title_text(self) -> str:
        return self.title_line

    def fields(self) -> Iterable[Widget]:
        if self.explain:
            yield from wide(Static(self.explain))
        for name, label, default in self.spec:
            yield from row(t(label), Input(default, id=f"f-{name}", compact=True))

    async def submit(self) -> None:
        values = {name: self.query_one(f"#f-{name}", Input).value.strip()
                  for name, _label, _default in self.spec}
        missing = [name for name in self.required if not values.get(name)]
        if missing:
            label = next(lab for n, lab, _d in self.spec if n == missing[0])
            self.say(t("destruction.field_required", field=t(label)))
            return
        self.dismiss(values)


MEDIA_FIELDS = (
    ("performer_name", "destruction.media.performer_name", ""),
    ("performer_title", "destruction.media.performer_title", ""),
    ("performer_org", "destruction.media.performer_org", ""),
    ("make", "destruction.media.make", ""),
    ("model", "destruction.media.model", ""),
    ("serial", "destruction.media.serial", ""),
    ("media_type", "destruction.media.media_type", ""),
    ("backed_up", "destruction.media.backed_up", "unknown"),
    ("method", "destruction.media.method", "destroy"),
    ("technique", "destruction.media.technique", ""),
    ("tool", "destruction.media.tool", ""),
    ("verification", "destruction.media.verification", "full"),
    ("destination", "destruction.media.destination", "recycling"),
    ("notes", "destruction.media.notes", ""),
)
