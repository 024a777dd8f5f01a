"""The options of the chosen report kind, as one form: only the fields that kind reads
are shown (a period for registers and extracts, grouping and filters for the inventory,
which register / session / appraisal for destruction papers, the recovery key for a
recovery sheet, the access request and some of its archive numbers for a record content
sheet). ``options()`` turns them into ``ReportOptions``; the recovery key is taken out
as a wipeable buffer, never kept in the options."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select, Static

from confterm.i18n import LANGUAGES, language, t
from confterm.vault.reporting import kinds
from confterm.vault.reporting.inventory import GROUPS
from confterm.widgets.passphrase import PassphraseInput

FIELDS = {  # field id -> kinds that show it
    "from": ("access-register", "audit-extract"),
    "to": ("access-register", "audit-extract"),
    "by": ("inventory",),
    "client": ("inventory",),
    "location": ("inventory",),
    "level": ("inventory",),
    "target": ("destruction-register", "destruction-certificate", "appraisal"),
    "recovery": ("recovery-sheet",),
    "request": ("record-content",),
    "records": ("record-content",),
}
LANG_NAMES = {"zh_CN": "中文", "en": "English"}


class ReportOptionsForm(Vertical):
    DEFAULT_CSS = """
    ReportOptionsForm { height: auto; }
    ReportOptionsForm Grid { grid-size: 2; grid-columns: 16 1fr; grid-rows: auto;
                             grid-gutter: 0 1; height: auto; }
    ReportOptionsForm Input, ReportOptionsForm Select { width: 1fr; }
    ReportOptionsForm .rp-about { margin-bottom: 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.kind = kinds.KIND_NAMES[0]
        self.targets: dict[str, list[tuple[str, str]]] = {}

    def compose(self) -> ComposeResult:
        yield Static("", classes="rp-about", id="rp-about")
        with Grid():
            yield Label(t("reporting.ui.f.lang"))
            yield Select([(LANG_NAMES[x], x) for x in LANGUAGES], value=language(),
                         allow_blank=False, id="rp-lang", compact=True)
            yield Label(t("reporting.ui.f.purpose"))
            yield Input(placeholder=t("reporting.ui.f.purpose_hint"), id="rp-purpose",
                        compact=True)
            for field in ("from", "to", "client", "location", "level"):
                yield Label(t(f"reporting.ui.f.{field}"), id=f"rp-l-{field}")
                yield Input(placeholder=t(f"reporting.ui.f.{field}_hint"), id=f"rp-{field}",
                            compact=True)
            yield Label(t("reporting.ui.f.by"), id="rp-l-by")
            yield Select([(t(f"reporting.col.{g}"), g) for g in GROUPS], value="client",
                         allow_blank=False, id="rp-by", compact=True)
            yield Label(t("reporting.ui.f.target"), id="rp-l-target")
            yield Select([], allow_blank=True, id="rp-target", compact=True,
                         prompt=t("reporting.ui.f.target_latest"))
            for field in ("request", "records"):  # record-content: its own catalogue
                yield Label(t(f"content.ui.f.{field}"), id=f"rp-l-{field}")
                yield Input(placeholder=t(f"content.ui.f.{field}_hint"), id=f"rp-{field}",
                            compact=True)
            yield Label(t("reporting.ui.f.recovery"), id="rp-l-recovery")
            yield PassphraseInput(placeholder=t("reporting.ui.f.recovery_hint"),
                                  id="rp-recovery", compact=True)

    def show_kind(self, kind: str) -> None:
        self.kind = kind
        self.query_one("#rp-about", Static).update(t(f"reporting.ui.about.{kind}"))
        for field, used in FIELDS.items():
            visible = kind in used
            self.query_one(f"#rp-l-{field}").display = visible
            self.query_one(f"#rp-{field}").display = visible
        target = self.query_one("#rp-target", Select)
        target.set_options(self.targets.get(kind, []))

    def value(self, field: str) -> str | None:
        text = self.query_one(f"#rp-{field}", Input).value.strip()
        return text or None

    def options(self) -> kinds.ReportOptions:
        lang = self.query_one("#rp-lang", Select).value
        by = self.query_one("#rp-by", Select).value
        target = self.query_one("#rp-target", Select).value
        return kinds.ReportOptions(
            kind=self.kind, lang=str(lang), purpose=self.value("purpose") or "",
            date_from=self.value("from"), date_to=self.value("to"), by=str(by),
            client=self.value("client"), location=self.value("location"),
            level=self.value("level"), request=self.value("request"),
            records=self.value("records"),
            target=str(target) if isinstance(target, str) else None)

    def take_recovery_key(self) -> bytearray:
        return self.query_one("#rp-recovery", PassphraseInput).take_secret()
