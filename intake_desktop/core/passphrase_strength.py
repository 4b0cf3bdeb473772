"""A small, honest estimate of how hard a passphrase is to guess.

No dependency and no Qt: the wizard and the users dialog show its verdict
under the passphrase field (``passphrase_entry.py``), and the command line
could too. It is deliberately pessimistic and explains itself:

* the text is read left to right; wherever a known weakness starts (a
  common password or word, the user's or vault's own name, a keyboard or
  alphabet run, a repeated character, a year), the whole stretch costs only
  a few bits, as a guessing program would try it early;
* every other character costs log2 of the alphabet it was drawn from
  (lower case, upper case, digits, symbols, Dari/Pashto and other letters);
* a phrase of several words is never rated above what guessing one common
  word at a time would cost (about 12 bits a word), however long it is.

The verdict assumes an attacker with a copy of the vault folder and many
computers: Argon2id makes each guess cost about a second of one core, which
is why "good" starts at about 48 bits (four random common words).

Dari and Pashto are read as carefully as English: Arabic-script common
words and phrases, the rows of the Dari keyboard and the alphabet are
weaknesses like their Latin kin; Arabic yeh and kaf count as Persian ی and
ک, Persian and Arabic-Indic digits as 0-9, and a zero-width non-joiner as a
break between words.

Why not zxcvbn (PyPI ``zxcvbn`` 4.5.0, MIT, pure Python, 1.7 MB of English
dictionaries; measured in issue 14): it scores text in any other script as
random characters, ten guesses each, so "بسم الله الرحمن الرحیم", "الله اکبر
الله اکبر", "دوستت دارم عزیزم" and the Dari keyboard's top row
"ضصثقفغعهخحج" all get its best score (4 of 4), and "Kabul2024" gets 3; its
``user_inputs`` match only whole words from its own lists, and its feedback
is English only. Our users' passphrases are as often Dari or Pashto as
English, so a smaller estimate that knows their script is the better
guard; its tests (tests/ui/test_wizard_keys_users.py and
tests/core/test_passphrase_strength.py) hold those cases.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .i18n import N_, _
from .users import MIN_PASSPHRASE_CHARS

# Passwords and words guessing programs try first (a short, representative
# list: the top of public breach lists, plus words anyone guessing a vault in
# this field would try).
_COMMON_WORDS = """
password passw0rd pass 123456 12345678 123456789 1234567890 qwerty qwertyuiop azerty
asdfgh zxcvbn abc123 111111 000000 123123 654321 iloveyou admin administrator welcome
letmein monkey dragon master shadow sunshine princess football baseball soccer cricket
superman batman trustno1 secret login hello freedom whatever michael jennifer charlie
computer internet starwars love god allah bismillah inshallah mashallah muhammad
mohammad ahmad ali fatima kabul kandahar herat mazar jalalabad afghanistan afghan
pakistan islamabad peshawar iran tehran america usa london germany refugee parole visa
family mother father baby angel flower summer winter spring autumn vault intake laptop
caseworker translator coordinator counsel office correct horse battery staple
"""
# Whole phrases (with their spaces), and the same words in Dari and Pashto
# script: prayers and greetings, names, places, words of affection.
_COMMON_PHRASES = """
correct horse battery staple|
بسم|الله|بسم الله|الرحمن|الرحیم|بسم الله الرحمن الرحیم|اکبر|الله اکبر|انشاالله|ان شاء الله|
ماشاالله|الحمدلله|خدا|خدایا|سلام|سلام علیکم|محمد|احمد|علی|حسن|حسین|فاطمه|زهرا|مریم|
عبدالله|کابل|هرات|قندهار|کندهار|مزار|مزارشریف|جلال آباد|بلخ|غزنی|بدخشان|پنجشیر|
افغانستان|افغان|پاکستان|ایران|امریکا|آمریکا|وطن|آزادی|دوست|دوستت دارم|دوستت دارم عزیزم|
عزیزم|عشق|جان|جانم|مادر|پدر|برادر|خواهر|زندگی|امید|گل|پشتون|پښتون|پښتو|پشتو|دری|فارسی|
مینه|زه ستا سره مینه لرم|ستا|مور|پلار|ورور|خور|کور|ژوند|رمز|رمز عبور|پسورد|عبور|صندوق
"""
COMMON = frozenset(_COMMON_WORDS.split()) | frozenset(
    word.strip() for word in _COMMON_PHRASES.split("|") if word.strip()
)
# Runs people type without thinking: rows of common keyboards and the alphabets.
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "azertyuiop",
    "qwertzuiop",
    "1qaz2wsx3edc",
    "ابتثجحخدذرزسشصضطظعغفقکگلمنوهی",
    # The rows of the Dari (Persian) keyboard, which Pashto keyboards share.
    "ضصثقفغعهخحجچ",
    "شسیبلاتنمکگ",
    "ظطزرذدپو",
)
_LEET = str.maketrans(
    {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_YEAR = re.compile(r"(19|20)\d\d")
WORD_BITS = 12.0  # one word out of a few thousand common ones

# Verdicts: (bits below which it applies, level 0-4, label)
LEVELS = (
    (28.0, 0, N_("Very weak")),
    (40.0, 1, N_("Weak")),
    (48.0, 2, N_("Fair")),
    (64.0, 3, N_("Good")),
    (math.inf, 4, N_("Strong")),
)


@dataclass(frozen=True)
class Strength:
    bits: float
    level: int  # 0 (very weak) to 4 (strong)
    label: str  # translated
    warnings: tuple[str, ...]  # translated, most important first
    long_enough: bool  # the one rule (the vault refuses shorter); the rest is advice


def _alphabet(text: str) -> int:
    size = 0
    if any(ch.islower() and ch.isascii() for ch in text):
        size += 26
    if any(ch.isupper() and ch.isascii() for ch in text):
        size += 26
    if any(ch.isdigit() for ch in text):
        size += 10
    if any(ch.isalpha() and not ch.isascii() for ch in text):
        size += 40  # Dari/Pashto letters, or another script
    if any(not ch.isalnum() and not ch.isspace() for ch in text):
        size += 33
    if any(ch.isspace() for ch in text):
        size += 1
    return max(size, 10)


# Arabic letter forms typed on an Arabic keyboard, and Eastern digits; a
# zero-width non-joiner separates like a space. One character for one, so
# positions in the folded text are positions in the typed text.
_SCRIPT = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "\u200c": " ",
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    }
)


def _plain(text: str) -> str:
    return text.casefold().translate(_SCRIPT)


def _fold(text: str) -> str:
    return _plain(text).translate(_LEET)


def _word_at(folded: str, start: int, words: Iterable[str]) -> int:
    """Length of the longest listed word starting at ``start`` (0 if none)."""
    best = 0
    for word in words:
        if len(word) >= 3 and len(word) > best and folded.startswith(word, start):
            best = len(word)
    return best


def _run_at(text: str, start: int) -> int:
    """Length of a keyboard or alphabet run (either direction) or a repeat at ``start``."""
    end = start + 1
    while end < len(text) and text[end] == text[start]:
        end += 1
    best = end - start
    for line in SEQUENCES:
        for row in (line, line[::-1]):
            position = row.find(text[start])
            if position < 0:
                continue
            length = 1
            while (
                position + length < len(row)
                and start + length < len(text)
                and text[start + length] == row[position + length]
            ):
                length += 1
            best = max(best, length)
    return best if best >= 3 else 0


def _char_bits(text: str, context: Iterable[str]) -> tuple[float, set[str]]:
    folded = _fold(text)
    plain = _plain(text)
    pool_bits = math.log2(_alphabet(text))
    own = {_fold(word) for word in context if len(word) >= 3}
    dictionary_bits = math.log2(len(COMMON))
    found: set[str] = set()
    bits, i = 0.0, 0
    while i < len(text):
        mine = max(_word_at(folded, i, own), _word_at(plain, i, own))
        common = max(_word_at(folded, i, COMMON), _word_at(plain, i, COMMON))
        run = _run_at(plain, i)
        year = 4 if _YEAR.match(text, i) else 0
        longest = max(mine, common, run, year)
        if longest == 0:
            bits += pool_bits
            i += 1
            continue
        if longest == mine:
            found.add("context")
            bits += 2.0
        elif longest == common:
            found.add("common")
            bits += dictionary_bits + 1.0  # +1: capitals or digits for letters
        elif longest == year:
            found.add("year")
            bits += 7.0
        else:
            found.add("run")
            bits += pool_bits + 2.0
        i += longest
    return bits, found


def _phrase_bits(text: str) -> float:
    words = [w for w in re.split(r"[\s\-_.,]+", text) if w]
    if len(words) < 3 or not all(w.isalpha() for w in words):
        return math.inf
    return WORD_BITS * len(words)


def estimate(passphrase: str, context: Iterable[str] = ()) -> Strength:
    """The verdict on ``passphrase``; ``context`` holds words it should not contain
    (the user's name, the vault's name)."""
    text = unicodedata.normalize("NFC", passphrase)
    long_enough = len(text) >= MIN_PASSPHRASE_CHARS
    if not text:
        return Strength(0.0, 0, _("Empty"), (), False)
    context_words = [w for item in context for w in re.split(r"\W+", item) if w]
    bits, found = _char_bits(text, context_words)
    bits = min(bits, _phrase_bits(text))
    # Nothing is stronger than its unique characters allow ("aaaaaaaaaaaaaaaa").
    bits = min(bits, len(set(text)) * math.log2(_alphabet(text)) + 4.0)
    warnings: list[str] = []
    if not long_enough:
        warnings.append(
            _("Too short: at least {count} characters (now {length}).").format(
                count=MIN_PASSPHRASE_CHARS, length=len(text)
            )
        )
    if "context" in found:
        warnings.append(_("It contains your name or the vault's name."))
    if "common" in found:
        warnings.append(_("It contains a common password or word that is guessed early."))
    if "run" in found:
        warnings.append(_("It contains a keyboard or alphabet run, or a repeated character."))
    if "year" in found:
        warnings.append(_("It contains a year, which is easy to guess."))
    level, label = next((lvl, name) for limit, lvl, name in LEVELS if bits < limit)
    if level < 3:
        warnings.append(
            _("Longer is better: four or more unrelated words, or a sentence only you know.")
        )
    return Strength(round(bits, 1), level, _(label), tuple(warnings), long_enough)
