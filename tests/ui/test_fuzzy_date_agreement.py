"""The app's date editor and the core refuse the same dates.

The editor says "There is no such day in this calendar." before saving; the
core (``model.validate``) refuses the same dates from the command line and
from bundles. A date one accepts and the other refuses would either block a
save with no reason shown, or let the command line store a day that does not
exist.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_desktop.core.calendars import CALENDARS
from intake_desktop.core.errors import InvalidInput
from intake_desktop.core.model import KINDS, PRECISIONS, validate
from intake_desktop.ui.editor.fuzzy_date_edit import FuzzyDateEdit


def core_accepts(date: dict[str, Any] | None) -> bool:
    try:
        validate(KINDS["person"], {"full_name": "Test person", "date_of_birth": date})
    except InvalidInput:
        return False
    return True


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    st.sampled_from(CALENDARS),
    st.sampled_from(PRECISIONS),
    # The editor takes up to four digits of year and two of day.
    st.integers(0, 9999) | st.integers(9300, 9999),
    st.integers(1, 12),
    st.integers(0, 99) | st.integers(28, 31),
)
def test_editor_and_core_refuse_the_same_dates(
    qtbot: Any, calendar: str, precision: str, year: int, month: int, day: int
) -> None:
    edit = FuzzyDateEdit("Date of birth")
    qtbot.addWidget(edit)
    edit.set_value(
        {"calendar": calendar, "precision": precision, "year": year, "month": month, "day": day}
    )
    assert (edit.problem() is None) == core_accepts(edit.value())
