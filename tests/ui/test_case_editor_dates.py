"""The case editor's dates: calendars, estimates, impossible dates, right-to-left originals."""

from __future__ import annotations

from typing import Any

from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.fuzzy_date_edit import FuzzyDateEditor, gregorian_estimate
from intake_desktop.ui.editor.statement_text import StatementTextEditor
from intake_desktop.ui.qt import (
    Qt,
)
from intake_desktop.ui.services.session import VaultSession
from tests.ui.case_editor_support import (
    select,
    stored,
    type_text,
)


def test_gregorian_estimates() -> None:
    assert gregorian_estimate("solar_hijri", "day", 1365, 1, 1) == "1986-03-21"
    assert gregorian_estimate("solar_hijri", "day", 1402, 12, 29) == "2024-03-19"
    assert gregorian_estimate("solar_hijri", "day", 1402, 12, 30) is None  # not a leap year
    assert gregorian_estimate("lunar_hijri", "day", 1400, 1, 1) == "1979-11-21"
    assert gregorian_estimate("gregorian", "month", 1990, 4, None) == "1990-04-15"
    assert gregorian_estimate("solar_hijri", "year", 1365, None, None) == "1986-09-23"
    assert gregorian_estimate("gregorian", "unknown", None, None, None) is None


def test_solar_hijri_date_of_birth(qtbot: Any, editor: CaseEditor, session: VaultSession) -> None:
    person_id = select(editor, "person", 0)
    dob = editor.forms["person"].editor("date_of_birth")
    assert isinstance(dob, FuzzyDateEditor)
    edit = dob.edit
    edit.calendar.setCurrentIndex(edit.calendar.findData("solar_hijri"))
    assert edit.month.itemText(1).startswith("1 Hamal")
    type_text(edit.year, "۱۳۶۵")  # Persian digits, as on a Dari keyboard
    edit.month.setCurrentIndex(edit.month.findData(1))
    qtbot.keyClicks(edit.day, "1")
    type_text(edit.original, "۱ حمل ۱۳۶۵")
    assert edit.estimate.text() == "Gregorian: \u20681986-03-21\u2069"
    assert edit.warning.isVisibleTo(editor) and "placeholder" in edit.warning.text()
    assert editor.flush()
    saved = stored(session, person_id).body["date_of_birth"]
    assert saved == {
        "calendar": "solar_hijri",
        "precision": "day",
        "year": 1365,
        "month": 1,
        "day": 1,
        "original_text": "۱ حمل ۱۳۶۵",
        "gregorian": "1986-03-21",
    }
    select(editor, "person", 1)
    select(editor, "person", 0)
    assert (
        edit.year.text() == "1365" and edit.estimate.text() == "Gregorian: \u20681986-03-21\u2069"
    )


def test_impossible_fuzzy_date_is_refused(qtbot: Any, editor: CaseEditor) -> None:
    select(editor, "person", 0)
    edit = editor.forms["person"].editor("date_of_birth").edit  # type: ignore[attr-defined]
    edit.calendar.setCurrentIndex(edit.calendar.findData("solar_hijri"))
    qtbot.keyClicks(edit.year, "1402")
    edit.month.setCurrentIndex(edit.month.findData(12))
    qtbot.keyClicks(edit.day, "30")
    assert editor.flush() is False
    assert edit.day.property("invalid") is True
    assert "no such day" in editor.message.label.text()


def test_statement_original_is_right_to_left(editor: CaseEditor) -> None:
    select(editor, "statement", 0)
    pair = editor.forms["statement"].editor("text")
    assert isinstance(pair, StatementTextEditor)
    original = pair.pair.text
    assert original.toPlainText() == "ما از کابل آمدیم"
    assert pair.pair.translation.toPlainText() == "We came from Kabul"
    assert original.layoutDirection() == Qt.LayoutDirection.RightToLeft
    option = original.document().defaultTextOption()
    assert option.textDirection() == Qt.LayoutDirection.RightToLeft
    pair.pair.language.setText("en")
    assert original.layoutDirection() == Qt.LayoutDirection.LeftToRight


# Attachments
