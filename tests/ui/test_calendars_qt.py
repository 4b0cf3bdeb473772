"""core/calendars.py agrees with Qt's own calendars (QCalendar Jalali and IslamicCivil).

Islamic Civil: every day Qt and we can both name, sampled by hypothesis over
622-9999 CE and checked day by day over 1900-2100. Solar Hijri: Qt uses
Birashk's 2820-year arithmetic, we use the 33-year rule that matches the
astronomical calendar; they agree on every day of 1300-1435 AP (1921-2057
CE), checked day by day, and disagree only in the leap years listed below.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from intake_desktop.core import calendars
from intake_desktop.ui.qt import QCalendar, QDate

JALALI = QCalendar(QCalendar.System.Jalali)
ISLAMIC = QCalendar(QCalendar.System.IslamicCivil)
TO_JDN = 1_721_425


def qt_parts(calendar: QCalendar, ordinal: int) -> tuple[int, int, int]:
    day = dt.date.fromordinal(ordinal)
    parts = calendar.partsFromDate(QDate(day.year, day.month, day.day))
    return parts.year, parts.month, parts.day


def qt_gregorian(calendar: QCalendar, year: int, month: int, day: int) -> str | None:
    date = QDate(year, month, day, calendar)
    return f"{date.year():04d}-{date.month():02d}-{date.day():02d}" if date.isValid() else None


SOLAR_AGREE = (dt.date(1921, 3, 21).toordinal(), dt.date(2057, 3, 19).toordinal())
LUNAR_RANGE = (dt.date(622, 7, 19).toordinal(), dt.date(9999, 12, 31).toordinal())


def test_solar_hijri_agrees_with_qt_every_day_from_1300_to_1435() -> None:
    for ordinal in range(*SOLAR_AGREE):
        assert calendars.from_jdn("solar_hijri", ordinal + TO_JDN) == qt_parts(JALALI, ordinal)


def test_islamic_civil_agrees_with_qt_every_day_from_1900_to_2100() -> None:
    for ordinal in range(dt.date(1900, 1, 1).toordinal(), dt.date(2100, 12, 31).toordinal()):
        assert calendars.from_jdn("lunar_hijri", ordinal + TO_JDN) == qt_parts(ISLAMIC, ordinal)


@settings(max_examples=500)
@given(st.integers(*LUNAR_RANGE))
def test_islamic_civil_agrees_with_qt_over_eight_thousand_years(ordinal: int) -> None:
    ours = calendars.from_jdn("lunar_hijri", ordinal + TO_JDN)
    assert ours == qt_parts(ISLAMIC, ordinal)
    assert calendars.to_gregorian("lunar_hijri", *ours) == qt_gregorian(ISLAMIC, *ours)


@settings(max_examples=500)
@given(st.integers(1300, 1435), st.integers(1, 12), st.integers(1, 31))
def test_solar_hijri_dates_convert_like_qt(year: int, month: int, day: int) -> None:
    ours = calendars.to_gregorian("solar_hijri", year, month, day)
    assert ours == qt_gregorian(JALALI, year, month, day)


def test_where_the_33_year_rule_and_qts_2820_year_rule_differ() -> None:
    """Known, and documented: only these leap years in 1178-1634 AP (1799-2256 CE)."""
    differ = [
        y for y in range(1178, 1635) if calendars.is_leap("solar_hijri", y) != JALALI.isLeapYear(y)
    ]
    assert differ == [
        1209, 1210, 1242, 1243, 1275, 1276, 1436, 1437, 1469, 1470, 1502, 1503,
        1535, 1536, 1564, 1565, 1568, 1569, 1597, 1598, 1601, 1602, 1630, 1631, 1634,
    ]  # fmt: skip
