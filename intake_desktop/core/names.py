"""Search keys for names and text typed in Dari, Pashto and Latin script.

The vault stores text exactly as typed; SQLite FTS5 (``unicode61 remove_diacritics 2``)
indexes :func:`index_text` of it and is queried with :func:`fts_query`. unicode61 alone
is not enough: it treats Arabic harakat and ZWNJ as separators (so مُحَمَّد becomes
four one-letter tokens) and knows nothing of ي/ی or ك/ک.

Normalisation order (each step relies on the previous one):

1. NFKC: folds Arabic presentation forms (ﻣﺤﻤﺪ, ﷲ, ﻻ), full-width Latin and digits,
   and composes so that later steps see one canonical spelling.
2. casefold: before decomposition, because folding can itself produce marks (İ -> i̇).
3. NFD, then drop nonspacing/enclosing marks: removes harakat, superscript alef and
   Latin accents (é -> e) and splits hamza/madda off their carriers, so أ إ آ -> ا,
   ؤ -> و, ئ -> ي (-> ی), ۀ -> ە (-> ه), ۂ -> ہ (-> ه).
4. Per character: drop bidi/format/control characters, tatweel, Quranic annotation marks
   and the standalone hamza; any decimal digit -> ASCII; letter table below.
5. NFC (recomposes e.g. Hangul) and whitespace collapsed to single spaces.

ZWNJ (and a stray zero-width space, which some keyboards emit instead) is kept by
:func:`_fold` as a word-internal boundary: :func:`search_key` removes it (joined form),
:func:`index_text` indexes both the joined form and the parts.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from typing import Final, Literal

from . import latin_names

Script = Literal["arabic", "latin", "mixed", "other"]

_ZWNJ: Final = "\u200c"
_JOINERS: Final = frozenset({_ZWNJ, "\u200b"})  # ZWNJ, zero-width space
# Dropped categories: nonspacing/enclosing marks, format (LRM, RLM, ALM, LRE..PDF,
# LRI..PDI, U+FEFF, ZWJ, soft hyphen), controls, lone surrogates (unencodable).
_DROP_CATEGORIES: Final = frozenset({"Mn", "Me", "Cf", "Cc", "Cs"})
_DROP_CHARS: Final = frozenset(
    ["\u0640"]  # tatweel: pure elongation, never part of the spelling
    # Standalone hamza: Arabic loan names are written both ways in Dari/Pashto
    # (ضیاء / ضیا, علاءالدین / علاالدین).
    + ["\u0621"]
    # Quranic annotation marks U+06D6..U+06ED; some are Lm/So/Cf, not Mn.
    + [chr(c) for c in range(0x06D6, 0x06EE)]
)

# Letters typed interchangeably for the same sound; the target is the Persian form.
# A key may be forgiving: duplicates are only *proposed* to a human (DESIGN.md), so a
# missed match (a family registered twice) costs more than an extra candidate.
_LETTERS: Final[dict[str, str]] = {
    # Yeh: Arabic keyboards give ي/ى (علي, موسى); Dari/Pashto write ی.
    "\u064a": "\u06cc",  # ي Arabic yeh
    "\u0649": "\u06cc",  # ى alef maksura
    # Pashto ې (e) and ۍ (ay) are folded too: Dari keyboards and most phones lack them,
    # so ګلالۍ is often typed گلالی. Pashto ئ already became ي in step 3.
    "\u06d0": "\u06cc",  # ې
    "\u06cd": "\u06cc",  # ۍ
    # Kaf: Arabic ك -> Persian ک (كابل / کابل).
    "\u0643": "\u06a9",
    # Gaf: Pashto ګ -> Persian گ. Same sound /g/; ګل and گل (Gul) are one name, and
    # Dari layouts have no ګ. Other Pashto letters (ټ ځ څ ډ ړ ږ ښ ڼ) are distinct
    # sounds with no single Dari counterpart, so they stay: folding them would merge
    # different names.
    "\u06ab": "\u06af",
    # Heh: teh marbuta and heh shapes from Arabic/Urdu/Kurdish layouts (فاطمة / فاطمه).
    "\u0629": "\u0647",  # ة
    "\u06c0": "\u0647",  # ۀ (normally decomposed in step 3; kept for clarity)
    "\u06d5": "\u0647",  # ە
    "\u06be": "\u0647",  # ھ
    "\u06c1": "\u0647",  # ہ
    "\u06c2": "\u0647",  # ۂ (normally decomposed in step 3)
    "\u06c3": "\u0647",  # ۃ
    # Alef wasla has no decomposition; like أ إ آ it is spelled as plain ا by most
    # typists, and hamza/madda on alef is inconsistent across Afghan documents.
    "\u0671": "\u0627",
}

# Bound on query terms: names are short, and each term costs up to three prefix scans.
MAX_QUERY_TERMS: Final = 32


@functools.lru_cache(maxsize=1 << 16)  # bounded: hostile text may hold any code point
def _fold_char(ch: str) -> str:
    """Step 4 for one character (after NFKC, casefold and NFD). Cached: it runs
    over every character of every name and statement saved."""
    if ch in _JOINERS:
        return _ZWNJ
    if ch.isspace():  # before the Cc check, so tab/newline separate words
        return " "
    category = unicodedata.category(ch)
    if category in _DROP_CATEGORIES or ch in _DROP_CHARS:
        return ""
    if category == "Nd":  # Persian ۱, Arabic-Indic ١, any other
        return str(unicodedata.decimal(ch))
    return _LETTERS.get(ch, ch)


def _fold(text: str) -> str:
    """Normalised text with ZWNJ kept as a word-internal boundary (see module doc)."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    out = "".join(map(_fold_char, decomposed))
    return " ".join(unicodedata.normalize("NFC", out).split())


def search_key(text: str) -> str:
    """The normalised key of *text*; ZWNJ is removed, so می‌خواهم -> میخواهم."""
    return " ".join(_fold(text).replace(_ZWNJ, "").split())


@functools.lru_cache(maxsize=1 << 16)  # bounded: hostile text may hold any code point
def _is_token_char(ch: str) -> bool:
    # unicode61's default token classes are L* N* Co; Mc is kept inside a word so a
    # quoted term is at worst a phrase, never something we dropped.
    cat = unicodedata.category(ch)
    return cat[0] in "LN" or cat in ("Co", "Mc")


def _words(folded: str) -> list[list[str]]:
    """Split folded text into words, each a list of its ZWNJ-separated parts."""
    words: list[list[str]] = []
    parts: list[str] = []
    part = ""
    for ch in folded + " ":
        if ch != _ZWNJ and _is_token_char(ch):
            part += ch
            continue
        if part:
            parts.append(part)
            part = ""
        if ch != _ZWNJ and parts:
            words.append(parts)
            parts = []
    return words


def index_text(text: str, *, join_pairs: bool = True, latin_keys: bool = False) -> str:
    """Text to put in the FTS index for *text*.

    Every word in its joined form, then the parts of ZWNJ-joined words (می‌خواهم ->
    میخواهم, می, خواهم), then, if *join_pairs*, each adjacent pair joined (نور احمد ->
    نوراحمد) so a query typed without the space still matches. At most 2n - 1 tokens
    plus the ZWNJ parts for n words; duplicates are dropped. With *latin_keys* (names),
    the spelling-blind keys of Latin words follow (``latin_names.text_keys``).
    """
    words = _words(_fold(text))
    joined = ["".join(w) for w in words]
    tokens = list(joined)
    for w in words:
        if len(w) > 1:
            tokens.extend(w)
    if join_pairs:
        tokens.extend(a + b for a, b in itertools.pairwise(joined))
    if latin_keys:
        tokens.extend(latin_names.text_keys(joined))
    return " ".join(dict.fromkeys(tokens))


def _quote(term: str) -> str:
    # Terms hold only letters/digits, so no quote can occur; escape anyway (FTS5 doubles).
    return '"' + term.replace('"', '""') + '"*'


def fts_query(user_text: str, *, latin_keys: bool = False) -> str | None:
    """A safe FTS5 MATCH expression for what the user typed, or None if nothing is searchable.

    Each term is quoted (so AND, NEAR, *, -, :, parentheses are plain text) and
    prefix-matched; terms are AND-ed. A term also matches when joined to its neighbour,
    so "نور احمد" finds a stored نوراحمد (the index side handles the converse). With
    *latin_keys*, a Latin term also matches by its spelling-blind keys, so "Muhammad"
    finds a name indexed as "Mohammed" (``index_text(..., latin_keys=True)``).
    """
    terms = ["".join(w) for w in _words(_fold(user_text))][:MAX_QUERY_TERMS]
    if not terms:
        return None
    clauses: list[str] = []
    for i, term in enumerate(terms):
        alts = [term]
        if i > 0:
            alts.append(terms[i - 1] + term)
        if i + 1 < len(terms):
            alts.append(term + terms[i + 1])
        if latin_keys:
            alts = list(dict.fromkeys([*alts, *latin_names.query_alternatives(terms, i)]))
        quoted = " OR ".join(_quote(a) for a in alts)
        clauses.append(f"({quoted})" if len(alts) > 1 else quoted)
    return " AND ".join(clauses)


def detect_script(text: str) -> Script:
    """The script of the letters in *text*: "arabic", "latin", "mixed" or "other".

    Modifier letters (Lm: tatweel, ʿ and ʾ in transliterations) and non-letters are
    ignored; no letters at all is "other".
    """
    seen: set[Script] = set()
    for ch in unicodedata.normalize("NFKC", text):
        if unicodedata.category(ch) not in ("Lu", "Ll", "Lt", "Lo"):
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("ARABIC"):
            seen.add("arabic")
        elif name.startswith("LATIN"):
            seen.add("latin")
        else:
            seen.add("other")
    if len(seen) > 1:
        return "mixed"
    return seen.pop() if seen else "other"


def name_match_keys(text: str) -> set[str]:
    """Keys under which two written names count as the same (duplicate suggestions).

    Latin names compare by ``latin_names.name_keys``; names in Arabic script by
    their normalised key with spaces ignored (عبد الله = عبدالله), also with the
    last word moved first for three words or more. "Family, Given" (a passport's
    order) is read as "Given Family". Keys carry their script, so a Latin and a
    Dari spelling never match here: that takes a person.
    """
    if text.count(",") == 1:
        family, given = text.split(",")
        text = f"{given} {family}"
    words = ["".join(w) for w in _words(_fold(text))]
    if not words:
        return set()
    latin = latin_names.name_keys(words)
    if latin:
        return {"l:" + key for key in latin}
    keys = {"n:" + "".join(words)}
    if len(words) >= 3:
        keys.add("n:" + words[-1] + "".join(words[:-1]))
    return keys
