"""The date editor: typing what the document says fills in the parts; month names; placeholders."""

from __future__ import annotations

from typing import Any

from intake_desktop.ui.editor.fuzzy_date_edit import FuzzyDateEdit
from tests.ui.case_editor_support import type_text


def make(qtbot: Any) -> FuzzyDateEdit:
    edit = FuzzyDateEdit("Date of birth")
    qtbot.addWidget(edit)
    edit.set_value(None)
    edit.show()
    return edit


def test_typing_the_original_fills_the_parts(qtbot: Any) -> None:
    edit = make(qtbot)
    type_text(edit.original, "۱۵ حمل ۱۳۶۵")
    assert edit.value() == {
        "calendar": "solar_hijri",
        "precision": "day",
        "year": 1365,
        "month": 1,
        "day": 15,
        "original_text": "۱۵ حمل ۱۳۶۵",  # kept exactly as typed
        "gregorian": "1986-04-04",
    }
    assert edit.note.isVisibleTo(edit) and "check it" in edit.note.text()
    assert edit.month.currentText() == "1 Hamal · حمل · وری"
    # Typing on changes the parts with it; an unclear text clears what it filled.
    type_text(edit.original, " ق")  # now a Solar month with a lunar marker: unclear
    assert edit.parts() == (None, None, None)
    assert edit.original.text() == "۱۵ حمل ۱۳۶۵ ق"


def test_parts_set_by_hand_are_never_overwritten(qtbot: Any) -> None:
    edit = make(qtbot)
    type_text(edit.year, "1986")
    edit.year.textEdited.emit(edit.year.text())
    type_text(edit.original, "۱۵ حمل ۱۳۶۵")
    assert edit.parts() == (1986, None, None)
    assert not edit.note.isVisibleTo(edit)


def test_a_stored_date_is_not_refilled(qtbot: Any) -> None:
    edit = make(qtbot)
    edit.set_value(
        {"calendar": "gregorian", "precision": "year", "year": 1986, "original_text": "1986"}
    )
    type_text(edit.original, " (approx.)")
    assert edit.value()["precision"] == "year" and edit.value()["year"] == 1986  # type: ignore[index]


def test_a_calendar_chosen_first_decides_a_bare_year(qtbot: Any) -> None:
    edit = make(qtbot)
    edit.calendar.setCurrentIndex(edit.calendar.findData("lunar_hijri"))
    edit.calendar.activated.emit(edit.calendar.currentIndex())
    type_text(edit.original, "1440")
    assert edit.value()["calendar"] == "lunar_hijri"  # type: ignore[index]
    assert edit.value()["precision"] == "year"  # type: ignore[index]


def test_pashto_and_lunar_month_names(qtbot: Any) -> None:
    edit = make(qtbot)
    edit.calendar.setCurrentIndex(edit.calendar.findData("solar_hijri"))
    names = [edit.month.itemText(i) for i in range(1, 13)]
    assert names[2] == "3 Jawza · جوزا · غبرګولی" and names[11] == "12 Hut · حوت · کب"
    edit.calendar.setCurrentIndex(edit.calendar.findData("lunar_hijri"))
    assert edit.month.itemText(9) == "9 Ramadan · رمضان"


def test_one_january_in_any_calendar_is_flagged(qtbot: Any) -> None:
    edit = make(qtbot)
    type_text(edit.original, "11 Jadi 1368")  # = 1 January 1990
    assert edit.value()["gregorian"] == "1990-01-01"  # type: ignore[index]
    assert edit.warning.isVisibleTo(edit) and "1 January" in edit.warning.text()
    edit.set_value(None)
    type_text(edit.original, "۱ حمل ۱۳۶۵")
    assert "First day of the year" in edit.warning.text()
