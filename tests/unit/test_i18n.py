"""Every catalogue message exists in both languages with the same placeholders."""

from __future__ import annotations

import string

from confterm.i18n import LANGUAGES, catalogue, set_language, t


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_and_the_same_placeholders() -> None:
    problems = []
    for key, entry in catalogue().items():
        missing = [lang for lang in LANGUAGES if not entry.get(lang)]
        if missing:
            problems.append(f"{key}: missing {missing}")
        elif _fields(entry["zh_CN"]) != _fields(entry["en"]):
            problems.append(f"{key}: placeholders differ")
    assert problems == []


def test_language_switch_changes_the_text() -> None:
    set_language("zh_CN")
    zh = t("auth.wrong_passphrase", person="张伟")
    set_language("en")
    en = t("auth.wrong_passphrase", person="张伟")
    assert zh != en and "张伟" in zh and "Wrong passphrase" in en
