"""Substring search through FTS5: every substring finds its record, garbage never raises."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
import sqlcipher3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confterm.vault.search_terms import ALL, index_tokens, match_query, searchable

SCHEMA_TOKENIZER = "unicode61 remove_diacritics 0"  # as in migrations/0002_catalogue.sql
TOKENIZERS = [SCHEMA_TOKENIZER, "unicode61", "ascii"]

TITLES = [
    "2019年度记账凭证 第3册",
    "KJ-2019-0042",
    "杭州瑞丰电子科技有限公司 91350100M000100Y43",
    "法定代表人身份证复印件（欧阳喆堃）",
    "王玥珺 䶮 𠀀 合同",
    "Ａｎｎｕａｌ report “FY2020” 100%",
    "凭证",
    "证",
]


def make_index(texts: list[str], tokenizer: str = SCHEMA_TOKENIZER) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE s USING fts5(terms, content='', "
                 f"contentless_delete=1, tokenize='{tokenizer}', detail='full')")
    conn.executemany("INSERT INTO s(rowid, terms) VALUES (?, ?)",
                     [(i, index_tokens(text)) for i, text in enumerate(texts, 1)])
    return conn


def search(conn: sqlcipher3.Connection, query: str) -> set[int]:
    expr = match_query(query)
    return {row[0] for row in conn.execute("SELECT rowid FROM s WHERE s MATCH ?", (expr,))}


def oracle_fold(text: str) -> str:
    """The documented folding, written independently: per character NFKC, then casefold."""
    return "".join(unicodedata.normalize("NFKC", c).casefold() for c in text)


def expected(texts: list[str], query: str) -> set[int]:
    terms = oracle_fold(query).split()
    return {i for i, text in enumerate(texts, 1)
            if all(term in oracle_fold(text) for term in terms)}


def substrings(text: str) -> Iterator[str]:
    for i in range(len(text)):
        for j in range(i + 1, len(text) + 1):
            yield text[i:j]


@pytest.fixture(params=TOKENIZERS)
def index(request: pytest.FixtureRequest) -> Iterator[sqlcipher3.Connection]:
    conn = make_index(TITLES, request.param)
    yield conn
    conn.close()


def test_every_substring_of_every_title_finds_exactly_the_titles_containing_it(
        index: sqlcipher3.Connection) -> None:
    for text in TITLES:
        for query in set(substrings(text)):
            found = search(index, query)
            assert TITLES.index(text) + 1 in found or not searchable(query), query
            assert found == expected(TITLES, query), query


@pytest.mark.parametrize(("query", "hits"), [
    ("凭证", {1, 7}), ("证", {1, 4, 7, 8}), ("J-20", {2}), ("-", {2}), ("kj-2019", {2}),
    ("2019", {1, 2}), ("2019 凭证", {1}), ("喆堃", {4}), ("玥", {5}), ("䶮", {5}),
    ("𠀀", {5}), ("annual", {6}), ("ANNUAL", {6}), ("ａｎｎ", {6}), ("“fy", {6}),
    ("100%", {6}), ("m000100y43", {3}), ("凭证凭证", set()), ("记凭", set()),
])
def test_examples(index: sqlcipher3.Connection, query: str, hits: set[int]) -> None:
    assert search(index, query) == hits


@pytest.mark.parametrize("query", ["", "   ", "\u3000", "\t\n"])
def test_blank_query_matches_everything(index: sqlcipher3.Connection, query: str) -> None:
    assert not searchable(query)
    assert match_query(query) == f'"{ALL}"'
    assert search(index, query) == set(range(1, len(TITLES) + 1))


@pytest.mark.parametrize("query", [
    '"', '""', "'", "AND", "OR", "NOT", "NEAR", "NEAR(凭证 2019, 2)", "凭证 OR 合同", "*",
    "凭*", "^凭证", "terms:凭证", "-凭证", "(", ")", "{terms}: x", "😀", "👨‍👩‍👧", "\x00",
    "a\"b'c", "\\", "ω", "ωω", "ω2dω", "%", "_", "NOT 凭证",
])
def test_fts5_syntax_in_a_query_is_literal_and_never_raises(
        index: sqlcipher3.Connection, query: str) -> None:
    assert search(index, query) == expected(TITLES, query)


def test_escape_tokens_typed_by_a_user_do_not_match_escaped_characters() -> None:
    conn = make_index(["KJ-2019"])
    assert search(conn, "ω2dω") == set()
    assert search(conn, "-") == {1}


def test_a_phrase_does_not_span_two_words() -> None:
    conn = make_index(["ab bc"])
    assert search(conn, "abc") == set()
    assert search(conn, "ab") == search(conn, "bc") == search(conn, "b") == {1}


def test_tokens_are_plain_words_for_the_tokenizer() -> None:
    tokens = index_tokens("KJ-2019 😀 䶮 年度 度").split()
    assert all(token.isalnum() for token in tokens)
    assert tokens == ["ωω", "kj", "jω2dω", "ω2dω2", "20", "01", "19", "ωω", "年度", "ωω",
                      "k", "j", "ω2dω", "2", "0", "1", "9", "ω1f600ω", "ω4daeω", "年", "度"]


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=4), st.data())
def test_no_false_negatives_and_no_false_positives(texts_: list[str], data: st.DataObject) -> None:
    conn = make_index(texts_)
    text = data.draw(st.sampled_from(texts_))
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    for query in (text[i:j], data.draw(texts)):
        assert search(conn, query) == expected(texts_, query), (texts_, query)


@pytest.mark.parametrize(("text", "query", "found"), [
    ("e\u0301", "e", True),  # whole-string NFKC would compose é and lose the e
    ("é", "e", False), ("Straße", "SS", True), ("ﬁx", "FI", True), ("ＫＪ－１", "kj-1", True),
    ("KJ-1", "ＫＪ－１", True), ("二〇一九", "〇一", True), ("Σίσυφος", "ΣΊ", True),
])
def test_folding_cases(text: str, query: str, found: bool) -> None:
    assert search(make_index([text]), query) == ({1} if found else set())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_query_is_a_valid_match_expression(query: str) -> None:
    conn = make_index(TITLES[:2])
    search(conn, query)  # raises if the expression were not valid FTS5


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_folding_keeps_substrings(text: str) -> None:
    for sub in list(substrings(text))[:50]:
        assert oracle_fold(sub) in oracle_fold(text)
