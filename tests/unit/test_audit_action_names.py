"""Every audit event confterm writes has a name in both languages for the Audit screen."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import confterm
from confterm.i18n import LANGUAGES, catalogue, t
from confterm.vault.access.changes import _ACTION
from confterm.vault.access.model import ACTS
from confterm.widgets.audit_list import action_name

AUDIT_CALLS = {"audit", "append", "record_refusal", "_audit"}
ACTION = re.compile(r"[a-z_]+(\.[a-z_]+)+")


def written_actions() -> set[str]:
    """Action names passed as literals to the audit trail anywhere in the package."""
    found: set[str] = set()
    for path in Path(confterm.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in AUDIT_CALLS:
                continue
            for arg in node.args[:3]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                        and ACTION.fullmatch(arg.value):
                    found.add(arg.value)
                    break
    return found


def composed_actions() -> set[str]:
    """The names built from parts (f"access.{act}" and the like), part by part."""
    return {
        *(f"access.{act}" for act in ACTS), *(f"access.{act}_refused" for act in ACTS),
        *(f"access.request.{o}" for o in ("approve", "deny", "partial")),
        *(f"record.change.{a}" for a in _ACTION.values()),
        *(f"destruction.witness_{e}" for e in ("start", "resume", "complete")),
        *(f"destruction.scan_{o}" for o in ("checked", "duplicate", "excluded", "blocked",
                                            "ambiguous", "unknown")),
        *(f"report.{k}" for k in ("save", "print", "print_failed")),
        "backup.create", "backup.adopt",  # passed through backup_register.register_manifest
    }


def test_every_written_action_has_a_name_in_both_languages() -> None:
    actions = written_actions()
    assert {"catalogue.import", "record.create", "destruction.destroy"} <= actions
    names = catalogue()
    missing = sorted(a for a in actions | composed_actions()
                     if not all(names.get(f"audit_action.{a}", {}).get(lang)
                                for lang in LANGUAGES))
    assert missing == []


def test_a_name_is_shown_in_the_language_and_an_unknown_code_as_itself() -> None:
    assert action_name("catalogue.import") == t("audit_action.catalogue.import")
    assert t("audit_action.catalogue.import", "zh_CN") == "导入目录"
    assert action_name("made.up_by_a_newer_version") == "made.up_by_a_newer_version"
