"""Parsers for single cells: what people type in Chinese spreadsheets, read strictly.

Each parser returns the value or raises :class:`CellError` (a message key and parameters);
the row validator turns that into a Problem naming the row and column. Lenient where the
intent is unambiguous (full-width digits, 2019年, 2019.0 from Excel, 1,234 pages,
2019年3月5日), strict where a guess could be wrong (3.5 books, 19 as a year, 2019-02-30).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

from confterm.i18n import catalogue


class CellError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def fold(text: str) -> str:
    """Spelling comparison form: NFKC, lower case, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


_INT = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)


def parse_int(text: str, minimum: int = 0, maximum: int = 10**9) -> int:
    """A whole number written as 12, １２, 12.0 or 1,234; within [minimum, maximum]."""
    value = nfkc(text)
    if _GROUPED.fullmatch(value):
        value = value.replace(",", "")
    if not _INT.fullmatch(value):
        raise CellError("import.not_a_number", value=text.strip())
    whole, _, fraction = value.partition(".")
    if fraction.strip("0"):
        raise CellError("import.not_whole", value=text.strip())
    number = int(whole)
    if number < minimum:
        raise CellError("import.too_small", value=number, minimum=minimum)
    if number > maximum:
        raise CellError("import.too_large", value=number, maximum=maximum)
    return number


def parse_year(text: str, minimum: int, maximum: int) -> int:
    """A four-digit year (2019, 2019年, 2019年度, 2019.0) between minimum and maximum."""
    value = nfkc(text).removesuffix("年度").removesuffix("年").strip()
    try:
        year = parse_int(value, minimum=-(10**9))
    except CellError:
        raise CellError("import.not_a_year", value=text.strip()) from None
    if not minimum <= year <= maximum:
        raise CellError("import.year_out_of_range", value=year, minimum=minimum,
                        maximum=maximum)
    return year


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)


def parse_date(text: str, earliest: date, latest: date) -> date:
    """2019-03-05, 2019/3/5, 2019.3.5, 2019年3月5日 or 20190305; must exist and be in range."""
    value = nfkc(text)
    match = _DATE.fullmatch(value) or _COMPACT_DATE.fullmatch(value)
    if not match:
        raise CellError("import.not_a_date", value=text.strip())
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError("import.impossible_date", value=text.strip()) from None
    if not earliest <= day <= latest:
        raise CellError("import.date_out_of_range", value=day.isoformat(),
                        earliest=earliest.isoformat(), latest=latest.isoformat())
    return day


_TRUE = {"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对"}
_FALSE = {"否", "无", "没有", "n", "no", "false", "f", "0", "×", "✗", "✘", "不"}


def parse_bool(text: str) -> bool:
    value = fold(text)
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError("import.bad_bool", value=text.strip())


_LABEL_SEPARATORS = re.compile(r"[,，;；、|\n]+")
MAX_LABEL = 50


def parse_labels(text: str) -> tuple[str, ...]:
    """Labels separated by 、 , ， ; ； | or new lines; duplicates dropped, order kept."""
    labels = (nfkc(part) for part in _LABEL_SEPARATORS.split(text))
    out = tuple(dict.fromkeys(label for label in labels if label))
    for label in out:
        if len(label) > MAX_LABEL:
            raise CellError("import.label_too_long", label=label[:20] + "…", maximum=MAX_LABEL)
    return out


def spelling_lookup(options: Mapping[str, Iterable[str]], catalogue_prefix: str
                    ) -> dict[str, str]:
    """Folded spelling -> code, from codes, their listed spellings and catalogue names."""
    messages = catalogue()
    out: dict[str, str] = {}
    for code, spellings in options.items():
        names = list(messages.get(f"{catalogue_prefix}.{code}", {}).values())
        for spelling in (code, *spellings, *names):
            out.setdefault(fold(spelling), code)
    return out


def check_text(text: str, maximum: int, newlines: bool = False) -> str:
    """Stripped text without control characters (new lines only where allowed)."""
    value = text.strip()
    if len(value) > maximum:
        raise CellError("import.too_long", length=len(value), maximum=maximum)
    if value.isprintable():
        return value
    for position, ch in enumerate(value, start=1):
        if ch in "\n\t" and newlines:
            continue
        if unicodedata.category(ch) in _REFUSED or ch in _INVISIBLE:
            raise CellError("import.control_char", position=position, code=f"U+{ord(ch):04X}")
    return value


_REFUSED = ("Cc", "Cs", "Cn")
_INVISIBLE = "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Line separators and bidirectional overrides: they make a title display as another."""
