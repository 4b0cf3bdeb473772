"""A date with a day is a real day of its calendar, wherever it enters the core.

``model.validate`` is the one gate: ``case add``, the app's saves and every
record a bundle brings pass through it. What it accepts must be what the
calendars module can convert (and so what the app's date editor accepts:
tests/ui/test_fuzzy_date_agreement.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake_desktop.core.calendars import (
    CALENDARS,
    GREGORIAN,
    LUNAR_HIJRI,
    SOLAR_HIJRI,
    gregorian_estimate,
    is_valid,
)
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import InvalidInput
from intake_desktop.core.model import KINDS, PRECISIONS, validate
from tests.helpers import make_vault

CALENDAR_WORDS = {GREGORIAN: "Gregorian", SOLAR_HIJRI: "Solar Hijri", LUNAR_HIJRI: "Lunar Hijri"}

# (calendar, year, month, day): days their month lacks.
IMPOSSIBLE = [
    pytest.param(GREGORIAN, 2023, 2, 30, id="30-february-2023"),
    pytest.param(GREGORIAN, 1900, 2, 29, id="29-february-1900"),
    pytest.param(GREGORIAN, 2024, 4, 31, id="31-april"),
    pytest.param(SOLAR_HIJRI, 1402, 7, 31, id="31-mizan-1402"),
    pytest.param(SOLAR_HIJRI, 1402, 12, 30, id="30-hut-1402-common-year"),
    pytest.param(LUNAR_HIJRI, 1445, 2, 30, id="30-safar-1445"),
    pytest.param(LUNAR_HIJRI, 1446, 12, 30, id="30-dhu-al-hijjah-common-year"),
]
POSSIBLE = [
    pytest.param(GREGORIAN, 2024, 2, 29, id="29-february-2024"),
    pytest.param(SOLAR_HIJRI, 1403, 12, 30, id="30-hut-1403-leap-year"),
    pytest.param(SOLAR_HIJRI, 1402, 6, 31, id="31-sunbula"),
    pytest.param(LUNAR_HIJRI, 1445, 1, 30, id="30-muharram"),
]


def fuzzy(calendar: str, precision: str, year: Any, month: Any = None, day: Any = None) -> Any:
    return {"calendar": calendar, "precision": precision, "year": year, "month": month, "day": day}


def person(date: Any) -> dict[str, Any]:
    return {"full_name": "Test person", "date_of_birth": date}


def refusal(kind: str, body: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        validate(KINDS[kind], body, kind)
    assert info.value.exit_code == 6
    return info.value


@pytest.mark.parametrize(("calendar", "year", "month", "day"), IMPOSSIBLE)
def test_a_day_the_month_lacks_is_refused(calendar: str, year: int, month: int, day: int) -> None:
    error = refusal("person", person(fuzzy(calendar, "day", year, month, day)))
    message = str(error)
    assert message == (
        f"person.date_of_birth.day: is not a real date in the {CALENDAR_WORDS[calendar]} calendar."
    )
    # Documents' document dates are checked the same way.
    document = {"kind": "tazkira", "issued": fuzzy(calendar, "day", year, month, day)}
    assert str(refusal("identity_document", document)).startswith("identity_document.issued.day:")
    document = {"kind": "passport", "expires": fuzzy(calendar, "day", year, month, day)}
    assert str(refusal("identity_document", document)).startswith("identity_document.expires.day:")


@pytest.mark.parametrize(("calendar", "year", "month", "day"), IMPOSSIBLE)
def test_a_day_given_beside_a_coarser_precision_is_checked_too(
    calendar: str, year: int, month: int, day: int
) -> None:
    for precision in ("month", "year"):
        error = refusal("person", person(fuzzy(calendar, precision, year, month, day)))
        assert str(error).startswith("person.date_of_birth.day: is not a real date")


@pytest.mark.parametrize(("calendar", "year", "month", "day"), POSSIBLE)
def test_real_days_at_the_end_of_a_month_are_kept(
    calendar: str, year: int, month: int, day: int
) -> None:
    body = validate(KINDS["person"], person(fuzzy(calendar, "day", year, month, day)))
    assert (body["date_of_birth"]["year"], body["date_of_birth"]["day"]) == (year, day)


@pytest.mark.parametrize(
    ("calendar", "date"),
    [
        (SOLAR_HIJRI, fuzzy(SOLAR_HIJRI, "year", 9999)),  # after Gregorian 9999
        (SOLAR_HIJRI, fuzzy(SOLAR_HIJRI, "day", 9500, 1, 1)),
        (LUNAR_HIJRI, fuzzy(LUNAR_HIJRI, "month", 9800, 3)),
    ],
)
def test_a_date_with_no_gregorian_equivalent_is_refused(calendar: str, date: Any) -> None:
    error = refusal("person", person(date))
    assert str(error) == (
        f"person.date_of_birth.year: is not a real date in the {CALENDAR_WORDS[calendar]} calendar."
    )


def test_case_add_refuses_an_impossible_date_and_stores_nothing(tmp_path: Any) -> None:
    vault, _code = make_vault(tmp_path / "vault")
    try:
        store = CaseStore(vault)
        document = {
            "title": "Test family",
            "route": "other",
            "people": [person(fuzzy(SOLAR_HIJRI, "day", 1402, 12, 30))],
        }
        with pytest.raises(InvalidInput) as info:
            store.add_case(document)
        assert "people[0].date_of_birth.day" in str(info.value)
        assert vault.conn.execute("SELECT count(*) FROM records").fetchone()[0] == 0
    finally:
        vault.close()


# Dates shaped as the app's date editor makes them: a month only for the
# precisions day and month, a day only for the precision day.
APP_DATES = st.builds(
    lambda calendar, precision, year, month, day: fuzzy(
        calendar,
        precision,
        None if precision == "unknown" else year,
        month if precision in ("day", "month") else None,
        day if precision == "day" else None,
    ),
    st.sampled_from(CALENDARS),
    st.sampled_from(PRECISIONS),
    # Any year, and often the last ones the Hijri calendars can convert.
    st.integers(1, 9999) | st.integers(9300, 9999),
    st.integers(1, 12),
    # Any day, and often the days a month may lack.
    st.integers(1, 31) | st.integers(29, 31),
)


def accepted(date: dict[str, Any]) -> bool:
    try:
        validate(KINDS["person"], person(date))
    except InvalidInput:
        return False
    return True


@given(APP_DATES)
def test_the_core_accepts_exactly_the_dates_the_calendars_can_convert(date: Any) -> None:
    convertible = date["precision"] == "unknown" or (
        gregorian_estimate(
            date["calendar"], date["precision"], date["year"], date["month"], date["day"]
        )
        is not None
    )
    assert accepted(date) == convertible


@given(
    st.sampled_from(CALENDARS),
    st.integers(1, 9999),
    st.integers(1, 12),
    st.integers(28, 31),  # where months end: the days that can be missing
)
def test_the_core_accepts_a_day_exactly_when_the_calendar_has_it(
    calendar: str, year: int, month: int, day: int
) -> None:
    assert accepted(fuzzy(calendar, "day", year, month, day)) == is_valid(
        calendar, year, month, day
    )
