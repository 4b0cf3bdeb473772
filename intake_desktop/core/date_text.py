"""Reading a date as a document or a person wrote it, when that is unambiguous.

``parse_date_text("۱۵ حمل ۱۳۶۵")`` gives Solar Hijri, day precision, 1365-01-15.
The result only *prefills* the structured fields of a date (calendar,
precision, year, month, day); the text as typed is always kept as it is.
Anything that could be read two ways gives None rather than a guess:

* ``05/04/1990`` (5 April or 4 May?) is None; ``21/03/1990`` is 21 March;
* a year must have four digits: "15 Hamal 65" is None (which century?), and a
  year still being typed ("۱۳۶") prefills nothing;
* a bare year from 1300 to 1420 with no calendar word is Solar Hijri (what
  Afghan documents use; 1300-1420 AP is 1921-2042 CE); other years below
  1700 need a calendar word (``هـ ش``, ``ق``, a month name) or a hint;
* a word that is neither a month, a calendar marker nor a filler (``حدود``,
  "about") makes the whole text unreadable: it may change the meaning.

Numbers in Persian, Arabic-Indic or ASCII digits, and names in Dari, Pashto
or Latin spelling (folded with :func:`names.search_key`) are all accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from . import calendars
from .calendars import GREGORIAN, LUNAR_HIJRI, SOLAR_HIJRI
from .names import search_key


@dataclass(frozen=True)
class ParsedDate:
    calendar: str
    precision: str  # "day", "month" or "year"
    year: int
    month: int | None = None
    day: int | None = None

    def as_fuzzy(self, original_text: str = "") -> dict[str, Any]:
        """A value for a ``FUZZY_DATE`` field (``model.py``), with its Gregorian estimate."""
        return {
            "calendar": self.calendar,
            "precision": self.precision,
            "year": self.year,
            "month": self.month,
            "day": self.day,
            "original_text": original_text,
            "gregorian": calendars.gregorian_estimate(
                self.calendar, self.precision, self.year, self.month, self.day
            ),
        }


def _key(text: str) -> str:
    return re.sub(r"[^\w]", "", search_key(text)).replace("_", "")


def _month_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}

    def add(calendar: str, month: int, *spellings: str) -> None:
        for spelling in spellings:
            table[_key(spelling)] = (calendar, month)

    for i, afghan in enumerate(calendars.AFGHAN_MONTHS, 1):
        add(SOLAR_HIJRI, i, *afghan)
    for i, iranian in enumerate(calendars.IRANIAN_MONTHS, 1):
        add(SOLAR_HIJRI, i, *iranian)
    for i, lunar in enumerate(calendars.LUNAR_MONTHS, 1):
        add(LUNAR_HIJRI, i, *lunar)
    for i, (english, dari) in enumerate(calendars.GREGORIAN_MONTHS, 1):
        add(GREGORIAN, i, english, english[:3], dari)
    add(GREGORIAN, 9, "sept")
    # Other common spellings of the same months.
    add(SOLAR_HIJRI, 2, "Saur", "Sowr", "Thawr", "Ghwayai", "غوایی")
    add(SOLAR_HIJRI, 3, "Jauza", "Jowza", "Jawzā", "جوزاء", "غبرګلی", "Ghbargolay")
    add(SOLAR_HIJRI, 1, "Woray")
    add(SOLAR_HIJRI, 4, "Changakh")
    add(SOLAR_HIJRI, 6, "Wagay", "Wazhai")
    add(SOLAR_HIJRI, 6, "Sonbola", "Sunbulah", "Sombola", "سنبلہ")
    add(SOLAR_HIJRI, 8, "Akrab")
    add(SOLAR_HIJRI, 9, "Qous", "Kaws", "Lindai")
    add(SOLAR_HIJRI, 10, "Jaddi", "Jadai")
    add(SOLAR_HIJRI, 11, "Dalv", "Salwagha")
    add(SOLAR_HIJRI, 12, "Hoot", "Hout")
    add(SOLAR_HIJRI, 5, "Mordad", "امرداد")
    add(LUNAR_HIJRI, 3, "ربیع الاول", "Rabi ul Awwal", "Rabi I", "ربیع الأول")
    add(LUNAR_HIJRI, 4, "ربیع الثانی", "ربیع الآخر", "Rabi ul Thani", "Rabi al-Akhir", "Rabi II")
    add(LUNAR_HIJRI, 5, "جمادی الاول", "جمادی الاولی", "Jumada al-Ula", "Jumada I")
    add(LUNAR_HIJRI, 6, "جمادی الثانی", "جمادی الآخر", "Jumada al-Akhirah", "Jumada II")
    add(LUNAR_HIJRI, 8, "شعبان", "Shaaban", "Sha'ban")
    add(LUNAR_HIJRI, 9, "Ramazan", "رمضان")
    add(LUNAR_HIJRI, 11, "ذوالقعده", "ذی القعده", "ذی‌القعده", "Dhul Qadah", "Zulqadah")
    add(LUNAR_HIJRI, 12, "ذوالحجه", "ذی الحجه", "ذی‌الحجه", "Dhul Hijjah", "Zulhijjah")
    return table


_MONTHS: Final = _month_table()
# Calendar words; a sequence is matched as consecutive tokens.
_MARKERS: Final = (
    (("هجری", "شمسی"), SOLAR_HIJRI),
    (("هجری", "قمری"), LUNAR_HIJRI),
    (("ه", "ش"), SOLAR_HIJRI),
    (("ه", "ق"), LUNAR_HIJRI),
    (("هش",), SOLAR_HIJRI),
    (("هق",), LUNAR_HIJRI),
    (("شمسی",), SOLAR_HIJRI),
    (("قمری",), LUNAR_HIJRI),
    (("ش",), SOLAR_HIJRI),
    (("ق",), LUNAR_HIJRI),
    (("میلادی",), GREGORIAN),
    (("م",), GREGORIAN),
    (("sh",), SOLAR_HIJRI),
    (("ap",), SOLAR_HIJRI),
    (("ah",), LUNAR_HIJRI),
    (("ad",), GREGORIAN),
    (("ce",), GREGORIAN),
)
_FILLERS: Final = frozenset(
    _key(w) for w in ("سال", "تاریخ", "ماه", "روز", "of", "the", "date", "on", "تاریخی")
)
_TOKEN: Final = re.compile(r"\d+|[^\W\d_]+")
_MAX_TEXT: Final = 200
BARE_SOLAR_YEARS: Final = range(1300, 1421)
GREGORIAN_FROM: Final = 1700


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(search_key(text))


def _take_markers(words: list[str]) -> tuple[list[str], set[str]]:
    found: set[str] = set()
    rest: list[str] = []
    i = 0
    while i < len(words):
        for sequence, calendar in _MARKERS:
            if tuple(words[i : i + len(sequence)]) == sequence:
                found.add(calendar)
                i += len(sequence)
                break
        else:
            rest.append(words[i])
            i += 1
    return rest, found


def _take_months(words: list[str]) -> list[tuple[str, int]] | None:
    """Month names (up to three words joined), fillers skipped; None on an unknown word."""
    months: list[tuple[str, int]] = []
    i = 0
    while i < len(words):
        for width in (3, 2, 1):
            joined = "".join(words[i : i + width])
            if i + width <= len(words) and joined in _MONTHS:
                months.append(_MONTHS[joined])
                i += width
                break
        else:
            if words[i] not in _FILLERS:
                return None
            i += 1
    return months


def _calendar_for(year: int, named: set[str], hint: str | None) -> str | None:
    if len(named) > 1:
        return None
    if named:
        return next(iter(named))
    if year >= GREGORIAN_FROM:
        return GREGORIAN
    if hint in (SOLAR_HIJRI, LUNAR_HIJRI):
        return hint
    return SOLAR_HIJRI if year in BARE_SOLAR_YEARS else None


def _numeric(numbers: list[str]) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) from numbers alone: Y/M/D, D/M/Y, Y/M, M/Y or Y (4-digit years)."""
    if any(len(n) not in (1, 2, 4) for n in numbers):
        return None
    values = [int(n) for n in numbers]
    long = [len(n) == 4 for n in numbers]
    if len(values) == 1:
        return (values[0], None, None) if long[0] else None
    if len(values) == 2:
        if long[0] and not long[1]:
            return values[0], values[1], None
        if long[1] and not long[0]:
            return values[1], values[0], None
        return None
    if len(values) == 3:
        if long[0] and not long[1] and not long[2]:
            return values[0], values[1], values[2]
        if long[2] and not long[0] and not long[1]:
            day, month, year = values
            # Day first is the Afghan and Iranian habit; in a Gregorian date it
            # might be the US month-first one, so 05/04/1990 is not guessed.
            if year >= GREGORIAN_FROM and day <= 12 and month <= 12 and day != month:
                return None
            return year, month, day
    return None


def _with_month(numbers: list[str]) -> tuple[int, int | None] | None:
    """(year, day) around a month name: "15 Hamal 1365", "Hamal 1365", "1365 Hamal 15"."""
    if len(numbers) == 1 and len(numbers[0]) == 4:
        return int(numbers[0]), None
    if len(numbers) == 2:
        a, b = numbers
        if len(a) == 4 and len(b) <= 2:
            return int(a), int(b)
        if len(b) == 4 and len(a) <= 2:
            return int(b), int(a)
    return None


def parse_date_text(text: str, calendar_hint: str | None = None) -> ParsedDate | None:
    """The date ``text`` writes, or None when it is not clear (see the module doc).

    ``calendar_hint`` is the calendar someone already chose for this date; it
    decides only years that no calendar word or month name pins down.
    """
    if not text or len(text) > _MAX_TEXT:
        return None
    tokens = _tokens(text)
    numbers = [t for t in tokens if t.isdigit()]
    words, named = _take_markers([t for t in tokens if not t.isdigit()])
    months = _take_months(words)
    if months is None or len(months) > 1 or not numbers:
        return None
    month: int | None
    day: int | None
    if months:
        named.add(months[0][0])
        month = months[0][1]
        found = _with_month(numbers)
        if found is None:
            return None
        year, day = found
    else:
        parts = _numeric(numbers)
        if parts is None:
            return None
        year, month, day = parts
    calendar = _calendar_for(year, named, calendar_hint)
    if calendar is None or not 1 <= year <= 9999:
        return None
    if month is None:
        return ParsedDate(calendar, "year", year)
    if not 1 <= month <= 12:
        return None
    if day is None:
        if calendars.gregorian_estimate(calendar, "month", year, month, None) is None:
            return None
        return ParsedDate(calendar, "month", year, month)
    if not calendars.is_valid(calendar, year, month, day):
        return None
    return ParsedDate(calendar, "day", year, month, day)
