"""Message catalogues for zh_CN and en.

Every string a person reads (UI, CLI, reports, error messages) is looked up here, so the
custodian reads Chinese and an auditor can read the same screen or report in English.
Catalogues are TOML files in ``messages/``, one per area of the product, each key holding
both languages side by side: a translator sees the pair, and a test checks none is missing.
"""

from __future__ import annotations

import locale
import os
import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("zh_CN", "en")
_MESSAGES_DIR = Path(__file__).with_name("messages")
_current = ["zh_CN"]


def _flatten(prefix: str, table: dict[str, object], out: dict[str, dict[str, str]]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and any(lang in value for lang in LANGUAGES):
            out[full] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            _flatten(full, value, out)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages, keyed by dotted name, each a mapping language -> text."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(_MESSAGES_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            _flatten(path.stem, tomllib.load(handle), out)
    return out


def default_language() -> str:
    """Chinese unless the environment's locale clearly asks for something else."""
    for var in ("CONFTERM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else (
                "en" if value.lower().startswith("en") else "zh_CN")
    loc = locale.getlocale()[0] or ""
    return "en" if loc.lower().startswith("en") else "zh_CN"


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current[0] = lang


def language() -> str:
    return _current[0]


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message ``key`` in ``lang`` (default: the current language), formatted."""
    entry = catalogue().get(key)
    if entry is None:
        return key if not params else f"{key} {params}"
    text = entry.get(lang or _current[0]) or entry.get("en") or key
    return text.format(**params) if params else text
