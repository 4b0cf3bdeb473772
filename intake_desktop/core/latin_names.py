"""A spelling-blind key for Afghan names written in Latin letters.

The same person is "Mohammad Noor Ahmadzai" on a passport, "Muhammad Nur
Ahmadzay" on a visa and "Mohd Noor Ahmedzai" in an e-mail. Latin spellings of
Dari and Pashto names vary in predictable ways, so each word is reduced to a
*key* that those variants share:

* consonants written several ways become one: kh/x -> x, gh/q/k/c -> k,
  ph -> f, th -> s (ث), dh -> z (ذ), dj -> j, v -> w; doubled letters are
  single (Hassan = Hasan);
* vowels: o/u/oo/ou -> u (Noor = Nur), ee/i -> i (Fareed = Farid), ai/ay/ei/
  ey/ae -> ay (Ahmadzai = Ahmadzay, Hussain = Hossein); a final -ah/-eh/-e is
  -a (Fatimah = Fatemeh); "e" stands for Dari fatha or kasra, so a word with
  an "e" has two keys, one reading it as "a" (Ahmed = Ahmad) and one as "i"
  (Hamed = Hamid);
* compounds: Abdul/Abdol/Abdel/Abdur/Abd al- are one prefix (Abdurrahman =
  Abdul Rahman), -ullah/-ulla/-ollah/-allah one suffix (Hafizullah = Hafiz
  Ullah), and connectors (ul, ud, al ...) glue their neighbours (Zia ul Haq =
  Ziaulhaq);
* a few very frequent names whose spellings no rule covers are listed
  (Mohd/Md = Muhammad; Syed/Sayyid = Sayed; Yousaf/Yousef = Yusuf).

Distinct names stay distinct where Latin spelling keeps them apart: Hasan /
Husain, Mahmud / Muhammad, Jamal / Jamil, Farid / Farida, Nasir / Nazir.
``tests/core/test_name_matching.py`` measures precision and recall on a
labelled set. The keys only ever *propose* a match (search results,
duplicate suggestions for a person to confirm); nothing is merged on them.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Final

_LATIN_WORD: Final = re.compile(r"[a-z\u02b0-\u02ff']+")
# Whole words and their key, no rule applied (abbreviations; سید, which the
# rules would confuse with Saeed سعید).
_WORDS: Final = {
    **dict.fromkeys(("md", "mhd", "mohd", "muhd", "mohmd", "mohamd"), "muhamad"),
    **dict.fromkeys(
        ("syed", "sayed", "sayyed", "sayyid", "sayid", "seyed", "seyyed", "saiyid"), "sayid"
    ),
}
# Beginnings of keys, after the rules (Yousaf, Yousef, Yousafzai).
_KEY_STARTS: Final = (("yusaf", "yusuf"), ("yusif", "yusuf"))
# Connector words glue to the next word, to both neighbours, or to the previous one.
_GLUE_NEXT: Final = frozenset(("abd", "abdul", "abdal", "abdel", "abdol", "abdur", "abdus"))
_GLUE_BOTH: Final = frozenset(("al", "el", "ul", "ol", "ud", "ad", "ur", "us", "uz", "ud"))
_GLUE_PREVIOUS: Final = frozenset(
    ("ullah", "ulla", "ulah", "ollah", "olla", "allah", "alla", "din", "deen", "uddin", "udin")
)

_ABD: Final = re.compile(r"^abd(?:[aeiou]([a-z])\1?|(?=[^aeiou]))")
_ULLAH: Final = re.compile(r"(?<=[a-z]{2})(?:ullah|ulla|ulah|ollah|olla|olah|allah|alla)$")
_RULES: Final = (
    (re.compile(r"([aeiou])h(?=ula$)"), r"\1"),  # Zabihullah = Zabiullah
    (re.compile(r"ph"), "f"),
    (re.compile(r"kh"), "x"),
    (re.compile(r"gh"), "k"),  # غ and ق sound alike in Dari: Ghasem = Qasem
    (re.compile(r"th"), "s"),  # ث: Uthman = Usman
    (re.compile(r"dh"), "z"),  # ذ: Dhabihullah = Zabihullah
    (re.compile(r"dj"), "j"),
    (re.compile(r"que$"), "k"),  # Shafique = Shafiq
    (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"q"), "k"),
    (re.compile(r"v"), "w"),
    (re.compile(r"ee|ii"), "i"),
    (re.compile(r"oo|ou|uu|o"), "u"),
    (re.compile(r"(?<=[a-z])eh(?=[^aeiou])"), "ah"),  # Mehdi = Mahdi, Mehmood = Mahmood
    (re.compile(r"(?<=[a-z]{2})(?:eh|ah)$"), "a"),  # Fatemeh, Fatimah = Fatima
    (re.compile(r"(?<=[^aeiou])e$"), "a"),  # Farzane = Farzana
    (re.compile(r"ai|ay|ei|ey|ae"), "ay"),  # Ahmadzai = Ahmadzay, Hussein = Hussain
    (re.compile(r"(?<=[^aeiouy])y$"), "i"),  # Aly = Ali
    (re.compile(r"(?<=[^aeiou])iy(?=[aeiou])"), "i"),  # Shukriya = Shukria
    (re.compile(r"(?<=[^aeiou])ia"), "ya"),  # Mariam = Maryam
    (re.compile(r"aw(?=u)"), "a"),  # Dawud = Daud
)
_AFTER_E: Final = (
    (re.compile(r"ai|ae"), "ay"),
    (re.compile(r"ayi"), "ay"),  # Nayeem = Naim
    (re.compile(r"(.)\1+"), r"\1"),
)


def latin_letters(word: str) -> str | None:
    """The a-z letters of a folded Latin word (``names._fold`` output), or None."""
    if not _LATIN_WORD.fullmatch(word) or not re.search("[a-z]", word):
        return None
    return re.sub("[^a-z]", "", word)


@functools.lru_cache(maxsize=1 << 14)
def word_keys(word: str) -> tuple[str, ...]:
    """The keys of one folded Latin word: one, or two when it has an "e"."""
    letters = latin_letters(word)
    if letters is None:
        return ()
    if letters in _WORDS:
        return (_WORDS[letters],)
    text = letters
    found = _ABD.match(text)
    if found:
        letter = found.group(1) or ""
        text = "abdul" + ("" if letter == "l" else letter) + text[found.end() :]
    text = _ULLAH.sub("ula", text)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    variants = [text.replace("e", "a"), text.replace("e", "i")] if "e" in text else [text]
    keys = []
    for variant in variants:
        for pattern, replacement in _AFTER_E:
            variant = pattern.sub(replacement, variant)
        for start, replacement in _KEY_STARTS:
            if variant.startswith(start):
                variant = replacement + variant[len(start) :]
        keys.append(variant)
    return tuple(dict.fromkeys(keys))


def groups(words: list[str]) -> list[str]:
    """Words with connectors glued on: ["abd", "al", "rahman"] -> ["abdalrahman"]."""
    out: list[str] = []
    glue = False
    for word in words:
        if out and (glue or word in _GLUE_BOTH or word in _GLUE_PREVIOUS):
            out[-1] += word
        else:
            out.append(word)
        glue = word in _GLUE_NEXT or word in _GLUE_BOTH
    return out


def text_keys(words: list[str]) -> list[str]:
    """Key tokens to index for a name's folded words (the FTS side).

    Every word's keys, the keys of each adjacent pair joined (Noor Ahmad =
    Noorahmad) and of each glued group (Abd al-Rahman = Abdurrahman).
    """
    latin = [w for w in words if latin_letters(w) is not None]
    tokens: list[str] = []
    for word in latin:
        tokens.extend(word_keys(word))
    for a, b in itertools.pairwise(latin):
        tokens.extend(word_keys(a + b))
    for group in groups(latin):
        tokens.extend(word_keys(group))
    return list(dict.fromkeys(tokens))


def query_alternatives(words: list[str], i: int) -> list[str]:
    """Keys that may stand for ``words[i]`` in a query (see ``names.fts_query``)."""
    if latin_letters(words[i]) is None:
        return []
    keys = list(word_keys(words[i]))
    if i > 0:
        keys.extend(word_keys(words[i - 1] + words[i]))
    if i + 1 < len(words):
        keys.extend(word_keys(words[i] + words[i + 1]))
    # The glued group this word belongs to.
    start = i
    while start > 0 and _glued(words[start - 1], words[start]):
        start -= 1
    end = i
    while end + 1 < len(words) and _glued(words[end], words[end + 1]):
        end += 1
    if end > start:
        keys.extend(word_keys("".join(words[start : end + 1])))
    return list(dict.fromkeys(keys))


def _glued(left: str, right: str) -> bool:
    return (
        left in _GLUE_NEXT or left in _GLUE_BOTH or right in _GLUE_BOTH or right in _GLUE_PREVIOUS
    )


def name_keys(words: list[str]) -> set[str]:
    """Whole-name keys of a Latin name's folded words, for comparing two names.

    The keys of the glued groups concatenated in order (so spacing does not
    matter), each way of reading the "e"s; for three groups or more also with
    the last group moved first (a family name written first, "Ahmadzai
    Mohammad Noor"). Two-word swaps stay distinct: "Ahmad Shah" is not "Shah
    Ahmad".
    """
    parts = [word_keys(g) for g in groups([w for w in words if latin_letters(w) is not None])]
    parts = [p for p in parts if p]
    if not parts:
        return set()
    orders: list[list[tuple[str, ...]]] = [parts]
    if len(parts) >= 3:
        orders.append([parts[-1], *parts[:-1]])
    out: set[str] = set()
    for order in orders:
        for combo in itertools.islice(itertools.product(*order), 64):
            out.add("".join(combo))
    return out
