"""Calendars without Qt: conversions, month names, estimates, placeholders, typed dates.

Agreement with Qt's own calendars is tested in tests/ui/test_calendars_qt.py
(it needs Qt); here the arithmetic is checked against itself and against
dates everyone in Afghanistan knows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake_desktop.core import calendars
from intake_desktop.core.calendars import (
    CALENDARS,
    GREGORIAN,
    LUNAR_HIJRI,
    SOLAR_HIJRI,
    convert,
    days_in_month,
    from_jdn,
    gregorian_estimate,
    is_leap,
    is_valid,
    possible_placeholder,
    to_jdn,
)
from intake_desktop.core.date_text import ParsedDate, parse_date_text

JDN_1900 = dt.date(1900, 1, 1).toordinal() + 1_721_425
JDN_2100 = dt.date(2100, 12, 31).toordinal() + 1_721_425
# Every JDN from 1 Hamal 1 AP (so all three calendars are defined) to 31 Dec 9999.
ANY_JDN = st.integers(min_value=1_948_440, max_value=dt.date.max.toordinal() + 1_721_425)


@pytest.mark.parametrize(
    ("calendar", "ymd", "gregorian"),
    [
        (SOLAR_HIJRI, (1365, 1, 1), "1986-03-21"),  # Nowruz 1365
        (SOLAR_HIJRI, (1403, 1, 1), "2024-03-20"),
        (SOLAR_HIJRI, (1404, 1, 1), "2025-03-21"),
        (SOLAR_HIJRI, (1403, 12, 30), "2025-03-20"),  # 1403 is leap
        (SOLAR_HIJRI, (1357, 2, 7), "1978-04-27"),  # 7 Sawr 1357
        (SOLAR_HIJRI, (1400, 5, 24), "2021-08-15"),  # 24 Asad 1400, the fall of Kabul
        (SOLAR_HIJRI, (1300, 1, 1), "1921-03-21"),
        (LUNAR_HIJRI, (1, 1, 1), "0622-07-19"),
        (LUNAR_HIJRI, (1400, 1, 1), "1979-11-21"),
        (LUNAR_HIJRI, (1446, 1, 1), "2024-07-08"),
        (GREGORIAN, (2000, 2, 29), "2000-02-29"),
    ],
)
def test_known_dates(calendar: str, ymd: tuple[int, int, int], gregorian: str) -> None:
    assert calendars.to_gregorian(calendar, *ymd) == gregorian
    year, month, day = map(int, gregorian.split("-"))
    assert convert(year, month, day, GREGORIAN, calendar) == ymd


def test_leap_years() -> None:
    assert [y for y in range(1395, 1410) if is_leap(SOLAR_HIJRI, y)] == [1395, 1399, 1403, 1408]
    assert days_in_month(SOLAR_HIJRI, 1402, 12) == 29
    assert not is_valid(SOLAR_HIJRI, 1402, 12, 30)
    assert [days_in_month(SOLAR_HIJRI, 1403, m) for m in (1, 6, 7, 11, 12)] == [31, 31, 30, 30, 30]
    assert sum(is_leap(LUNAR_HIJRI, y) for y in range(1, 31)) == 11
    assert not is_valid(GREGORIAN, 1900, 2, 29) and is_valid(GREGORIAN, 2000, 2, 29)
    assert not is_valid("julian", 2000, 1, 1)


@given(ANY_JDN, st.sampled_from(CALENDARS))
def test_round_trip_from_a_day(jdn: int, calendar: str) -> None:
    year, month, day = from_jdn(calendar, jdn)
    assert is_valid(calendar, year, month, day)
    assert to_jdn(calendar, year, month, day) == jdn


@given(
    st.sampled_from(CALENDARS),
    st.integers(1, 9999),
    st.integers(1, 12),
    st.integers(1, 31),
)
def test_round_trip_from_a_date(calendar: str, year: int, month: int, day: int) -> None:
    if not is_valid(calendar, year, month, day):
        return
    for other in CALENDARS:
        there = convert(year, month, day, calendar, other)
        if there is not None:
            assert convert(*there, other, calendar) == (year, month, day)


@given(ANY_JDN, st.integers(1, 800), st.sampled_from(CALENDARS))
def test_later_days_are_later_dates(jdn: int, step: int, calendar: str) -> None:
    later = min(jdn + step, dt.date.max.toordinal() + 1_721_425)
    assert from_jdn(calendar, jdn) <= from_jdn(calendar, later)
    if later > jdn:
        assert from_jdn(calendar, jdn) < from_jdn(calendar, later)


@pytest.mark.parametrize("calendar", CALENDARS)
def test_consecutive_days_step_by_one(calendar: str) -> None:
    """From 1900 to 2100, every next day is the next day (no gaps, no repeats)."""
    previous = from_jdn(calendar, JDN_1900)
    for jdn in range(JDN_1900 + 1, JDN_2100):
        current = from_jdn(calendar, jdn)
        year, month, day = previous
        if day < days_in_month(calendar, year, month):
            expected = (year, month, day + 1)
        elif month < 12:
            expected = (year, month + 1, 1)
        else:
            expected = (year + 1, 1, 1)
        assert current == expected
        previous = current


def test_estimates_and_ranges() -> None:
    assert gregorian_estimate(SOLAR_HIJRI, "year", 1365, None, None) == "1986-09-23"
    assert gregorian_estimate(SOLAR_HIJRI, "month", 1365, 1, None) == "1986-04-04"
    assert gregorian_estimate(LUNAR_HIJRI, "day", 1400, 1, 1) == "1979-11-21"
    assert gregorian_estimate(GREGORIAN, "unknown", None, None, None) is None
    assert gregorian_estimate(SOLAR_HIJRI, "day", 1365, 1, None) is None
    assert gregorian_estimate(SOLAR_HIJRI, "day", 9999, 12, 29) is None  # after 9999 CE
    assert convert(1, 1, 1, GREGORIAN, SOLAR_HIJRI) is None  # before 1 AP


def test_month_names_in_three_spellings() -> None:
    assert [calendars.month_name(SOLAR_HIJRI, m) for m in (1, 6, 12)] == ["Hamal", "Sunbula", "Hut"]
    assert calendars.month_name(SOLAR_HIJRI, 1, "dari") == "حمل"
    pashto = [calendars.month_name(SOLAR_HIJRI, m, "pashto") for m in range(1, 13)]
    assert pashto == [
        "وری", "غویی", "غبرګولی", "چنګاښ", "زمری", "وږی",
        "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب",
    ]  # fmt: skip
    assert calendars.month_name(LUNAR_HIJRI, 9) == "Ramadan"
    assert calendars.month_name(GREGORIAN, 1, "dari") == "جنوری"


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        ({"calendar": "gregorian", "precision": "day", "year": 1990, "month": 1, "day": 1}, True),
        ({"calendar": "solar_hijri", "precision": "day", "year": 1365, "month": 1, "day": 1}, True),
        # 11 Jadi 1368 is 1 January 1990: a placeholder converted from another document
        ({"calendar": "solar_hijri", "precision": "day", "year": 1368, "month": 10, "day": 11},
         True),
        ({"calendar": "gregorian", "precision": "year", "year": 1990}, False),
        ({"calendar": "gregorian", "precision": "day", "year": 1990, "month": 1, "day": 2}, False),
        (None, False),
    ],
)  # fmt: skip
def test_first_day_of_the_year_is_flagged(value: dict[str, object] | None, flagged: bool) -> None:
    assert possible_placeholder(value) is flagged


def test_describe_for_the_command_line() -> None:
    value = {"calendar": "solar_hijri", "precision": "day", "year": 1365, "month": 1, "day": 15}
    assert calendars.describe(value) == "15 Hamal 1365 (Solar Hijri) = 1986-04-04"
    value = {"calendar": "solar_hijri", "precision": "year", "year": 1365}
    assert calendars.describe(value) == "1365 (Solar Hijri) ~ 1986-09-23"
    assert calendars.describe({"precision": "unknown"}) == "unknown"


# Typed dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۵ حمل ۱۳۶۵", ParsedDate(SOLAR_HIJRI, "day", 1365, 1, 15)),
        ("1365/1/15", ParsedDate(SOLAR_HIJRI, "day", 1365, 1, 15)),
        ("۱۳۶۵/۱/۱۵ هـ ش", ParsedDate(SOLAR_HIJRI, "day", 1365, 1, 15)),
        ("١٣٦٥-٠١-١٥", ParsedDate(SOLAR_HIJRI, "day", 1365, 1, 15)),
        ("حمل ۱۳۶۵", ParsedDate(SOLAR_HIJRI, "month", 1365, 1)),
        ("۱۳۶۵", ParsedDate(SOLAR_HIJRI, "year", 1365)),
        ("15 Hamal 1365", ParsedDate(SOLAR_HIJRI, "day", 1365, 1, 15)),
        ("۲ غبرګولی ۱۳۷۰", ParsedDate(SOLAR_HIJRI, "day", 1370, 3, 2)),
        ("۲ غبرگولی ۱۳۷۰", ParsedDate(SOLAR_HIJRI, "day", 1370, 3, 2)),  # Dari keyboard gaf
        ("لیندۍ ۱۳۶۰", ParsedDate(SOLAR_HIJRI, "month", 1360, 9)),
        ("1 Dey 1360", ParsedDate(SOLAR_HIJRI, "day", 1360, 10, 1)),  # Iran's month names
        ("12 ربیع‌الاول ۱۴۰۵", ParsedDate(LUNAR_HIJRI, "day", 1405, 3, 12)),
        ("12 ربیع الاول 1405 ق", ParsedDate(LUNAR_HIJRI, "day", 1405, 3, 12)),
        ("1405 ه.ق", ParsedDate(LUNAR_HIJRI, "year", 1405)),
        ("1986", ParsedDate(GREGORIAN, "year", 1986)),
        ("21/03/1986", ParsedDate(GREGORIAN, "day", 1986, 3, 21)),
        ("1986-03-21", ParsedDate(GREGORIAN, "day", 1986, 3, 21)),
        ("Jan 1, 1990", ParsedDate(GREGORIAN, "day", 1990, 1, 1)),
        ("۱ جنوری ۱۹۹۰", ParsedDate(GREGORIAN, "day", 1990, 1, 1)),
        ("5/1/1365", ParsedDate(SOLAR_HIJRI, "day", 1365, 1, 5)),  # Hijri: day first
    ],
)
def test_typed_dates_that_are_clear(text: str, expected: ParsedDate) -> None:
    assert parse_date_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "03/04/1986",  # 3 April or 4 March?
        "15 Hamal 65",  # which century?
        "۱۳۶",  # still being typed
        "حدود ۱۳۶۵",  # "about 1365": a word we do not know changes the meaning
        "1440",  # Solar Hijri 1440 is 2061; lunar 1440 is 2018: say which
        "۳۰ حوت ۱۴۰۲",  # 1402 is not leap
        "15 Hamal Sawr 1365",
        "15 حمل ۱۳۶۵ ق",  # a Solar month with a lunar marker
        "",
        "x" * 500,
    ],
)
def test_typed_dates_that_are_not_clear(text: str) -> None:
    assert parse_date_text(text) is None


def test_a_hint_decides_only_what_the_text_leaves_open() -> None:
    assert parse_date_text("1440", LUNAR_HIJRI) == ParsedDate(LUNAR_HIJRI, "year", 1440)
    assert parse_date_text("1365", LUNAR_HIJRI) == ParsedDate(LUNAR_HIJRI, "year", 1365)
    solar = ParsedDate(SOLAR_HIJRI, "day", 1365, 1, 15)
    assert parse_date_text("۱۵ حمل ۱۳۶۵", LUNAR_HIJRI) == solar
    assert parse_date_text("1990", SOLAR_HIJRI) == ParsedDate(GREGORIAN, "year", 1990)


@given(st.text(max_size=60))
def test_parsing_never_fails_and_gives_real_dates(text: str) -> None:
    parsed = parse_date_text(text)
    if parsed is not None:
        fuzzy = parsed.as_fuzzy(text)
        assert fuzzy["gregorian"] is not None
        assert fuzzy["original_text"] == text
