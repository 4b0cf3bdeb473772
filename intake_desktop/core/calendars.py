"""The three calendars Afghan documents use, in pure Python (no Qt).

* **Gregorian**, proleptic (Python's ``datetime``), years 1 to 9999.
* **Solar Hijri** (Afghanistan's and Iran's civil calendar; in Afghanistan with
  the zodiac month names Hamal ... Hut in Dari, Wray ... Kab in Pashto). The
  real calendar starts each year at the vernal equinox; the **33-year
  arithmetic rule** used here (a year is leap when ``year mod 33`` is 1, 5, 9,
  13, 17, 22, 26 or 30) reproduces the astronomical calendar for 1178-1634 AP
  (1799-2256 CE). Qt's ``QCalendar.System.Jalali`` uses Birashk's 2820-year
  arithmetic instead; the two agree for every year from 1300 to 1435 AP
  (1921-2057 CE) and differ in a few years outside it (1436/1437, 1275/1276,
  ...), where the 33-year rule is the astronomically right one.
* **Lunar Hijri** as the tabular Islamic civil calendar (Qt's
  ``IslamicCivil``): 30-year cycle, leap when ``(14 + 11 * year) mod 30 < 11``,
  epoch 16 July 622 (Julian) = 19 July 622 (proleptic Gregorian). Religious
  and Saudi dates are set by sighting or by Umm al-Qura and may differ by a
  day or two: that is what the precision and the original text are for.

Dates are converted through the Julian Day Number (JDN). Every function here
takes and returns plain integers and strings, so the command line, the
importer and the desktop app share one conversion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from .i18n import N_, _

GREGORIAN, SOLAR_HIJRI, LUNAR_HIJRI = "gregorian", "solar_hijri", "lunar_hijri"
CALENDARS: Final = (GREGORIAN, SOLAR_HIJRI, LUNAR_HIJRI)

_ORDINAL_TO_JDN: Final = 1_721_425  # date(1, 1, 1).toordinal() == 1 is JDN 1721426
_SOLAR_LEAP: Final = frozenset({1, 5, 9, 13, 17, 22, 26, 30})
_SOLAR_EPOCH: Final = 1_948_320  # JDN of 1 Hamal 1 AP (so that 1 Hamal 1365 = 1986-03-21)
_LUNAR_EPOCH: Final = 1_948_440  # JDN of 1 Muharram 1 AH (16 July 622 Julian), the civil epoch

# Months: (Latin transliteration, Dari, Pashto) for Afghanistan's Solar Hijri.
# The Latin (and English) names are marked for translation: describe() and the
# app's month lists show them translated; parsing (date_text.py) uses them as they are.
AFGHAN_MONTHS: Final = (
    (N_("Hamal"), "حمل", "Wray", "وری"),
    (N_("Sawr"), "ثور", "Ghwayay", "غویی"),
    (N_("Jawza"), "جوزا", "Gbargolay", "غبرګولی"),
    (N_("Saratan"), "سرطان", "Chungash", "چنګاښ"),
    (N_("Asad"), "اسد", "Zmaray", "زمری"),
    (N_("Sunbula"), "سنبله", "Wazhay", "وږی"),
    (N_("Mizan"), "میزان", "Tala", "تله"),
    (N_("Aqrab"), "عقرب", "Laram", "لړم"),
    (N_("Qaws"), "قوس", "Lindey", "لیندۍ"),
    (N_("Jadi"), "جدی", "Marghumay", "مرغومی"),
    (N_("Dalw"), "دلو", "Salwaghah", "سلواغه"),
    (N_("Hut"), "حوت", "Kab", "کب"),
)
# Iran's names for the same months (documents issued in Iran, refugee cards).
IRANIAN_MONTHS: Final = (
    ("Farvardin", "فروردین"),
    ("Ordibehesht", "اردیبهشت"),
    ("Khordad", "خرداد"),
    ("Tir", "تیر"),
    ("Mordad", "مرداد"),
    ("Shahrivar", "شهریور"),
    ("Mehr", "مهر"),
    ("Aban", "آبان"),
    ("Azar", "آذر"),
    ("Dey", "دی"),
    ("Bahman", "بهمن"),
    ("Esfand", "اسفند"),
)
LUNAR_MONTHS: Final = (
    (N_("Muharram"), "محرم"),
    (N_("Safar"), "صفر"),
    (N_("Rabi al-Awwal"), "ربیع‌الاول"),
    (N_("Rabi al-Thani"), "ربیع‌الثانی"),
    (N_("Jumada al-Awwal"), "جمادی‌الاول"),
    (N_("Jumada al-Thani"), "جمادی‌الثانی"),
    (N_("Rajab"), "رجب"),
    (N_("Shaban"), "شعبان"),
    (N_("Ramadan"), "رمضان"),
    (N_("Shawwal"), "شوال"),
    (N_("Dhu al-Qadah"), "ذیقعده"),
    (N_("Dhu al-Hijjah"), "ذیحجه"),
)
# Gregorian months as English and as Afghan Dari writes them.
GREGORIAN_MONTHS: Final = (
    (N_("January"), "جنوری"),
    (N_("February"), "فبروری"),
    (N_("March"), "مارچ"),
    (N_("April"), "اپریل"),
    # Translators: the month.
    (N_("May"), "می"),
    (N_("June"), "جون"),
    (N_("July"), "جولای"),
    (N_("August"), "اگست"),
    (N_("September"), "سپتمبر"),
    (N_("October"), "اکتوبر"),
    (N_("November"), "نومبر"),
    (N_("December"), "دسمبر"),
)
CALENDAR_NAMES: Final = {
    GREGORIAN: N_("Gregorian"),
    SOLAR_HIJRI: N_("Solar Hijri"),
    LUNAR_HIJRI: N_("Lunar Hijri"),
}


def _check_calendar(calendar: str) -> None:
    if calendar not in CALENDARS:
        raise ValueError(f"unknown calendar {calendar!r}")


# Leap years and month lengths


def is_leap(calendar: str, year: int) -> bool:
    _check_calendar(calendar)
    if calendar == GREGORIAN:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if calendar == SOLAR_HIJRI:
        return year % 33 in _SOLAR_LEAP
    return (14 + 11 * year) % 30 < 11


def days_in_month(calendar: str, year: int, month: int) -> int:
    _check_calendar(calendar)
    if not 1 <= month <= 12:
        raise ValueError("month out of range")
    if calendar == GREGORIAN:
        if month == 2:
            return 29 if is_leap(calendar, year) else 28
        return 30 if month in (4, 6, 9, 11) else 31
    if calendar == SOLAR_HIJRI:
        if month <= 6:
            return 31
        if month <= 11:
            return 30
        return 30 if is_leap(calendar, year) else 29
    if month == 12:
        return 30 if is_leap(calendar, year) else 29
    return 30 if month % 2 == 1 else 29


def is_valid(calendar: str, year: int, month: int, day: int) -> bool:
    """Whether the date exists and converts to a Gregorian date in years 1-9999."""
    if calendar not in CALENDARS or not 1 <= year <= 9999 or not 1 <= month <= 12:
        return False
    if not 1 <= day <= days_in_month(calendar, year, month):
        return False
    return _JDN_MIN <= _to_jdn(calendar, year, month, day) <= _JDN_MAX


# Julian Day Numbers


def _solar_leaps_before(year: int) -> int:
    """How many leap years there are in 1 .. year - 1 (year >= 1)."""
    cycles, rest = divmod(year - 1, 33)
    return 8 * cycles + sum(1 for leap in _SOLAR_LEAP if leap <= rest)


def _to_jdn(calendar: str, year: int, month: int, day: int) -> int:
    if calendar == GREGORIAN:
        return dt.date(year, month, day).toordinal() + _ORDINAL_TO_JDN
    if calendar == SOLAR_HIJRI:
        before = 31 * (month - 1) if month <= 7 else 186 + 30 * (month - 7)
        return _SOLAR_EPOCH + 365 * (year - 1) + _solar_leaps_before(year) + before + day - 1
    before = (59 * (month - 1) + 1) // 2  # ceil(29.5 * (month - 1))
    return _LUNAR_EPOCH + 354 * (year - 1) + (3 + 11 * year) // 30 + before + day - 1


_JDN_MIN: Final = dt.date.min.toordinal() + _ORDINAL_TO_JDN
_JDN_MAX: Final = dt.date.max.toordinal() + _ORDINAL_TO_JDN


def to_jdn(calendar: str, year: int, month: int, day: int) -> int:
    """The Julian Day Number of a date; ValueError if it does not exist."""
    if not is_valid(calendar, year, month, day):
        raise ValueError("no such date")
    return _to_jdn(calendar, year, month, day)


def _year_start(calendar: str, year: int) -> int:
    return _to_jdn(calendar, year, 1, 1) if calendar != GREGORIAN else _greg_start(year)


def _greg_start(year: int) -> int:
    return dt.date(year, 1, 1).toordinal() + _ORDINAL_TO_JDN


def from_jdn(calendar: str, jdn: int) -> tuple[int, int, int]:
    """(year, month, day) in ``calendar`` of a JDN within Gregorian years 1-9999."""
    _check_calendar(calendar)
    if not _JDN_MIN <= jdn <= _JDN_MAX:
        raise ValueError("date out of range")
    if calendar == GREGORIAN:
        date = dt.date.fromordinal(jdn - _ORDINAL_TO_JDN)
        return date.year, date.month, date.day
    epoch, mean_year = (
        (_SOLAR_EPOCH, 365.2424) if calendar == SOLAR_HIJRI else (_LUNAR_EPOCH, 354.3667)
    )
    if jdn < epoch:
        raise ValueError("date before the calendar's epoch")
    year = max(1, int((jdn - epoch) / mean_year) + 1)
    while year > 1 and _year_start(calendar, year) > jdn:
        year -= 1
    while _year_start(calendar, year + 1) <= jdn:
        year += 1
    offset = jdn - _year_start(calendar, year)
    month = 1
    while offset >= days_in_month(calendar, year, month):
        offset -= days_in_month(calendar, year, month)
        month += 1
    return year, month, offset + 1


def convert(
    year: int, month: int, day: int, source: str, target: str
) -> tuple[int, int, int] | None:
    """The same day in another calendar, or None when it does not exist or is out of range."""
    if not is_valid(source, year, month, day):
        return None
    try:
        return from_jdn(target, _to_jdn(source, year, month, day))
    except ValueError:
        return None


def to_gregorian(calendar: str, year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` of a date in ``calendar``, or None."""
    found = convert(year, month, day, calendar, GREGORIAN)
    return None if found is None else f"{found[0]:04d}-{found[1]:02d}-{found[2]:02d}"


# Dates as documents write them (model.FUZZY_DATE)


def gregorian_estimate(
    calendar: str, precision: str, year: int | None, month: int | None, day: int | None
) -> str | None:
    """The Gregorian date for sorting and ages, as ``YYYY-MM-DD`` (None: unknown or no such day).

    An exact date converts exactly; a month alone counts as its 15th day and a
    year alone as the first day of its seventh month (about the middle).
    """
    if precision == "unknown" or year is None or calendar not in CALENDARS:
        return None
    if precision == "year":
        month, day = 7, 1
    elif month is None:
        return None
    elif precision == "month":
        day = 15
    elif day is None:
        return None
    return to_gregorian(calendar, year, month, day)


def possible_placeholder(value: dict[str, Any] | None) -> bool:
    """An exact date on the first day of a year: often written when nobody knew the date.

    True for 1/1 in the date's own calendar (1 January, 1 Hamal, 1 Muharram) and
    for any exact date whose Gregorian equivalent is 1 January (a placeholder
    converted from another document).
    """
    if not value or value.get("precision") != "day":
        return False
    if (value.get("month"), value.get("day")) == (1, 1):
        return True
    estimate = value.get("gregorian") or gregorian_estimate(
        value.get("calendar") or GREGORIAN,
        "day",
        value.get("year"),
        value.get("month"),
        value.get("day"),
    )
    return bool(estimate) and str(estimate).endswith("-01-01")


def month_name(calendar: str, month: int, style: str = "latin") -> str:
    """A month's name: ``latin`` (Hamal), ``dari`` (حمل), ``pashto`` (وری) or ``english``.

    Gregorian and lunar months have one Arabic-script spelling, used for both
    Dari and Pashto.
    """
    _check_calendar(calendar)
    index = month - 1
    if calendar == SOLAR_HIJRI:
        latin, dari, pashto_latin, pashto = AFGHAN_MONTHS[index]
        return {"dari": dari, "pashto": pashto, "pashto_latin": pashto_latin}.get(style, latin)
    table = GREGORIAN_MONTHS if calendar == GREGORIAN else LUNAR_MONTHS
    latin, arabic_script = table[index]
    return arabic_script if style in ("dari", "pashto") else latin


def calendar_name(calendar: str) -> str:
    """The calendar's name in the interface language (Solar Hijri)."""
    return _(CALENDAR_NAMES[calendar])


def describe(
    value: dict[str, Any] | None,
    *,
    month_style: str = "latin",
    calendar_label: Callable[[str], str] = calendar_name,
    unknown: str | None = None,
    estimate_text: Callable[[str], str] = str,
) -> str:
    """A fuzzy date for people: ``15 Hamal 1365 (Solar Hijri) = 1986-04-04``.

    ``estimate_text`` wraps the Gregorian estimate (the app isolates it: after a
    Dari calendar name, "1986-04-04" would otherwise be shown as 04-04-1986).

    In the interface language: Latin month names, calendar names and the word
    for an unknown date (``unknown``, unless given) go through the catalog.
    ``month_style`` "dari" or "pashto" writes the month as documents do.
    """
    if not value:
        return ""
    if unknown is None:
        unknown = _("unknown")
    calendar = value.get("calendar") or GREGORIAN
    precision = value.get("precision") or "day"
    year, month, day = value.get("year"), value.get("month"), value.get("day")
    if precision == "unknown" or year is None:
        text = unknown
    elif precision == "year" or month is None:
        text = str(year)
    elif precision == "month" or day is None:
        text = f"{month_label(calendar, month, month_style)} {year}"
    else:
        text = f"{day} {month_label(calendar, month, month_style)} {year}"
    if calendar != GREGORIAN and year is not None:
        text += f" ({calendar_label(calendar)})"
    estimate = value.get("gregorian") or gregorian_estimate(calendar, precision, year, month, day)
    if estimate and calendar != GREGORIAN:
        shown = estimate_text(estimate)
        text += f" = {shown}" if precision == "day" else f" ~ {shown}"
    return text


def month_label(calendar: str, month: int, style: str = "latin") -> str:
    """A month's name to show: the Latin (English) name translated; Dari and Pashto as written."""
    name = month_name(calendar, month, style)
    return name if style in ("dari", "pashto", "pashto_latin") else _(name)
