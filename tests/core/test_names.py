"""Tests for the name search key, the FTS index text and the FTS query builder."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlcipher3 import dbapi2 as sqlite

from intake_desktop.core.names import (
    MAX_QUERY_TERMS,
    _fold,
    _words,
    detect_script,
    fts_query,
    index_text,
    search_key,
)

ZWNJ = "\u200c"
BIDI = ["\u200e", "\u200f", "\u061c", *map(chr, range(0x202A, 0x202F))]
BIDI += [*map(chr, range(0x2066, 0x206A)), "\ufeff"]

KEY_CASES = [
    # yeh / kaf
    ("احمدزي", "احمدزی", "arabic yeh"),
    ("على", "علی", "alef maksura"),
    ("ګلالۍ", "گلالی", "pashto yeh with tail, pashto gaf"),
    ("ښکلې", "ښکلی", "pashto e-yeh"),
    ("عائشه", "عایشه", "yeh with hamza"),
    ("كابل", "کابل", "arabic kaf"),
    ("ګل", "گل", "pashto gaf"),
    # heh
    ("فاطمة", "فاطمه", "teh marbuta"),
    ("خانۀ", "خانه", "heh with yeh above"),
    ("خانهٔ", "خانه", "heh + hamza above"),
    ("ھمایون", "همایون", "heh doachashmee"),
    ("ہمایون", "همایون", "heh goal"),
    ("خانۂ", "خانه", "heh goal with hamza"),
    ("کوردە", "کورده", "ae"),
    # alef, hamza
    ("أحمد", "احمد", "alef hamza above"),
    ("إبراهيم", "ابراهیم", "alef hamza below"),
    ("آمنه", "امنه", "alef madda"),
    ("ٱلله", "الله", "alef wasla"),
    ("مسؤول", "مسوول", "waw hamza"),
    ("ضیاء الحق", "ضیا الحق", "standalone hamza"),
    # marks, tatweel
    ("مُحَمَّد", "محمد", "harakat"),
    ("مُوسَىٰ", "موسی", "superscript alef"),
    ("رَحْمٰنِ\u06d6", "رحمن", "quranic mark"),
    ("محـــمد", "محمد", "tatweel"),
    # presentation forms, ligatures
    ("ﻣﺤﻤﺪ", "محمد", "presentation forms"),
    ("ﷲ", "الله", "allah ligature"),
    ("ﻻ", "لا", "lam-alef ligature"),
    # digits
    ("۱۳۶۵/۰۴/۱۲", "1365/04/12", "persian digits"),
    ("١٩٨٦", "1986", "arabic-indic digits"),
    ("１２", "12", "fullwidth digits"),
    # Latin
    ("Nór AHMAD", "nor ahmad", "case and acute"),
    ("Zoë Ḥasan", "zoe hasan", "diaeresis, dot below"),
    ("İSMAİL", "ismail", "turkish dotted I"),
    ("Ｎａｗａｂ", "nawab", "fullwidth latin"),
    ("한국", "한국", "recomposed after decomposition"),
    # controls, whitespace, ZWNJ
    ("\u200fمحمد\u200e", "محمد", "rlm lrm"),
    ("\u2067نور\u2069 \u202bاحمد\u202c", "نور احمد", "isolates, embeddings"),
    ("\ufeffgul", "gul", "bom"),
    ("  نور \t\n احمد  ", "نور احمد", "whitespace collapsed"),
    ("\u00a0نور\u2003احمد", "نور احمد", "nbsp, em space"),
    ("می\u200cخواهم", "میخواهم", "zwnj joins"),
    ("می\u200bخواهم", "میخواهم", "zero-width space as zwnj"),
    ("نور احمد", "نور احمد", "space kept"),
]


@pytest.mark.parametrize(("text", "key"), [c[:2] for c in KEY_CASES], ids=[c[2] for c in KEY_CASES])
def test_search_key_rules(text: str, key: str) -> None:
    assert search_key(text) == key


@pytest.mark.parametrize("letter", list("ټځڅډړږښڼ"))
def test_pashto_letters_survive(letter: str) -> None:
    assert search_key(f"ا{letter}ا") == f"ا{letter}ا"


@pytest.mark.parametrize(
    ("word", "key"),
    [("ځای", "ځای"), ("ښکلی", "ښکلی"), ("ډېر", "ډیر"), ("ګړندی", "گړندی"), ("څښتن", "څښتن")],
)
def test_real_pashto_words(word: str, key: str) -> None:
    assert search_key(word) == key


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("محمد", "arabic"),
        ("ګل ښکلی", "arabic"),
        ("ﻣﺤﻤﺪ ۱۲", "arabic"),
        ("Nór Ahmad", "latin"),
        ("ʿAbd al-Rahman", "latin"),
        ("Gul ګل", "mixed"),
        ("Иван محمد", "mixed"),
        ("Иван", "other"),
        ("1365", "other"),
        ("", "other"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


# Text biased towards the characters the rules are about, mixed with anything at all.
ARABIC_ISH = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(
    [ZWNJ, "\u200b", "\u200d", " ", "\t", "é", "İ", "ﷲ", "ﻣ", "١", "۵", *BIDI]
)
ANY_TEXT = st.text() | st.text(alphabet=ARABIC_ISH | st.characters())


def _forbidden(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return (
        cat in ("Mn", "Me", "Cf", "Cc", "Cs")
        or (cat == "Nd" and not ch.isascii())
        or ch in ("\u0640", ZWNJ)
        or "\u06d6" <= ch <= "\u06ed"
    )


@given(ANY_TEXT)
def test_search_key_properties(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key
    assert not [ch for ch in key if _forbidden(ch)]
    assert key == " ".join(key.split())


def test_search_key_idempotent_on_every_bmp_code_point() -> None:
    for cp in range(0x10000):
        if not 0xD800 <= cp < 0xE000:
            key = search_key(f"ب{chr(cp)}a")
            assert search_key(key) == key, hex(cp)


@pytest.fixture
def conn() -> Iterator[sqlite.Connection]:
    c = sqlite.connect(":memory:")
    c.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')")
    yield c
    c.close()


def _search(conn: sqlite.Connection, user_text: str) -> set[int]:
    query = fts_query(user_text)
    assert query is not None, user_text
    return {r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,))}


FTS_SYNTAX = st.sampled_from(
    [
        *['"', "'", "*", "NEAR", "NEAR(", "AND", "OR", "NOT", "-", "+", "(", ")", ":", "^"],
        *["{", "}", ",", "text:", " ", "a", "محمد", ZWNJ, "\u200f", "\x00", "é"],
    ]
)
QUERY_TEXT = ANY_TEXT | st.lists(FTS_SYNTAX | st.text(max_size=3), max_size=30).map("".join)


@given(QUERY_TEXT)
def test_fts_query_never_breaks_fts5(text: str) -> None:
    c = sqlite.connect(":memory:")
    c.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')")
    c.execute("INSERT INTO t VALUES (?)", (index_text(text),))
    query = fts_query(text)
    if query is None:
        assert not any(ch.isalnum() for ch in search_key(text))
    else:
        # Whatever was typed, a row indexed from the same text is found by it.
        assert c.execute("SELECT count(*) FROM t WHERE t MATCH ?", (query,)).fetchone() == (1,)
    c.close()


@pytest.mark.parametrize("text", ["", "   ", '"*()-:^', "\u200f\u200c\u0640", "ً", "ـ ء"])
def test_fts_query_none_when_nothing_searchable(text: str) -> None:
    assert fts_query(text) is None


def test_fts_query_shape() -> None:
    assert fts_query("مُحَمَّد") == '"محمد"*'
    assert (
        fts_query("NEAR(a b)")
        == '("near"* OR "neara"*) AND ("a"* OR "neara"* OR "ab"*) AND ("b"* OR "ab"*)'
    )
    assert fts_query('nor"ahmad') == '("nor"* OR "norahmad"*) AND ("ahmad"* OR "norahmad"*)'
    long_query = fts_query(" ".join(f"w{i}" for i in range(1000)))
    assert long_query is not None
    assert long_query.count(" AND ") == MAX_QUERY_TERMS - 1


STORED = {
    1: "مُحَمَّد نور احمدزي",
    2: "می\u200cخواهم",
    3: "Nór Ahmad",
    4: "تذکره ۱۳۶۵",
    5: "كابل",
    6: "ګلالۍ",
    7: "عایشه",
    8: "نوراحمد",
    9: "محمود",
}

FINDS = [
    (1, ["محمد", "مُحَمَّد", "محـمد", "احمدزي", "احمدزی", "نوراحمد", "نور\u200cاحمد", "احمدز"]),
    (1, ["محمد نور احمدزی", "ﻣﺤﻤﺪ", "\u200fمحمد\u200e", "محمدنور"]),
    (2, ["می خواهم", "میخواهم", "می\u200cخواهم", "خواهم", "میخوا"]),
    (3, ["nor ahmad", "NOR AHMAD", "Norahmad", "nór", "Nora", "ahm", "NÓR ÁHMAD"]),
    (4, ["1365", "١٣٦٥", "۱۳۶", "تذکره 1365"]),
    (5, ["کابل", "كابل", "کاب"]),
    (6, ["گلالی", "ګلالۍ", "گلالۍ", "ګلا"]),
    (7, ["عائشة", "عایشه", "عايشه"]),
    (8, ["نور احمد", "نوراحمد", "نور\u200cاحمد", "نور احم"]),
]


@pytest.fixture
def stored(conn: sqlite.Connection) -> sqlite.Connection:
    for rowid, text in STORED.items():
        conn.execute("INSERT INTO t (rowid, text) VALUES (?, ?)", (rowid, index_text(text)))
    return conn


@pytest.mark.parametrize(("rowid", "variants"), FINDS)
def test_variants_find_the_stored_name(
    stored: sqlite.Connection, rowid: int, variants: list[str]
) -> None:
    for variant in variants:
        assert rowid in _search(stored, variant), variant


@pytest.mark.parametrize(
    ("user_text", "rowids"),
    [
        ("محمود", {9}),
        ("احمدزی", {1}),
        ("نور احمد", {1, 8}),
        ("ahmad", {3}),
        ("کابلی", set()),
        ("گلالی نور", set()),
    ],
)
def test_precision(stored: sqlite.Connection, user_text: str, rowids: set[int]) -> None:
    assert _search(stored, user_text) == rowids


def test_index_text_forms() -> None:
    assert index_text("می\u200cخواهم") == "میخواهم می خواهم"
    assert index_text("نور احمد احمدزی") == "نور احمد احمدزی نوراحمد احمداحمدزی"
    assert index_text("نور احمد احمدزی", join_pairs=False) == "نور احمد احمدزی"
    assert index_text("Nor-Ahmad, (Kabul)") == "nor ahmad kabul norahmad ahmadkabul"
    assert index_text('"*" -') == ""


@given(ANY_TEXT)
def test_index_text_is_bounded(text: str) -> None:
    words = _words(_fold(text))
    tokens = index_text(text).split()
    assert len(tokens) == len(set(tokens))
    # joined words and their ZWNJ parts, plus at most one joined pair per adjacent words
    parts = sum(len(w) for w in words if len(w) > 1)
    assert len(tokens) <= len(words) + parts + max(len(words) - 1, 0)
    assert len(index_text(text, join_pairs=False).split()) <= len(words) + parts


def test_index_growth_on_realistic_names() -> None:
    names = ["محمد نور احمدزی", "گل\u200cاحمد ولد عبدالله", "Nor Ahmad Ahmadzai", "ښکلې ځای"]
    plain = sum(len(search_key(n).split()) for n in names)
    indexed = sum(len(index_text(n).split()) for n in names)
    assert indexed <= 2 * plain
