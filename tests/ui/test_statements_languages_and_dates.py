"""Statement languages by name; statement, interview and consent dates in any calendar;
tazkira dates in Solar Hijri.

Issue 14, defect 11: the language was a free-text code ("fa-AF"), those dates
were Gregorian only while people's dates offered the Solar Hijri calendar,
and a tazkira's dates started in the Gregorian calendar.
"""

from __future__ import annotations

from typing import Any

from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.event_date import CalendarDateEditor
from intake_desktop.ui.editor.fuzzy_date_edit import FuzzyDateEditor
from intake_desktop.ui.editor.language_choice import LanguageEditor
from intake_desktop.ui.editor.read_back_dialog import ReadBackDialog
from intake_desktop.ui.qt import Qt
from intake_desktop.ui.services.session import VaultSession
from tests.ui.case_editor_support import select, stored, type_text
from tests.ui.statements_support import pair_of

RTL = Qt.LayoutDirection.RightToLeft


def choose(combo: Any, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def dates(editor: CaseEditor, kind: str, key: str) -> CalendarDateEditor:
    found = editor.forms[kind].editor(key)
    assert isinstance(found, CalendarDateEditor)
    return found


def test_the_language_is_chosen_by_name_and_stored_as_its_tag(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    record_id = select(editor, "statement", 0)
    pair = pair_of(editor)
    combo = pair.language.combo
    names = [combo.itemText(i) for i in range(1, 4)]
    assert names == [
        "Dari (\u2068fa-AF\u2069)",
        "Pashto (\u2068ps\u2069)",
        "English (\u2068en\u2069)",
    ]
    assert combo.currentText().startswith("Dari") and not pair.language.other.isVisible()
    combo.setFocus()
    qtbot.keyClicks(combo, "Pa")  # by keyboard, as a name
    assert pair.language.text() == "ps"
    assert pair.text.document().defaultTextOption().textDirection() == RTL
    assert editor.flush()
    assert stored(session, record_id).body["language"] == "ps"
    assert pair.translation_language.text() == "en"


def test_other_takes_any_well_formed_tag_and_refuses_a_name(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    record_id = select(editor, "statement", 0)
    choice = pair_of(editor).language
    choose(choice.combo, choice.combo.itemData(choice.combo.count() - 1))  # Other…
    assert choice.other.isVisible()
    choice.other.setFocus()
    type_text(choice.other, "Uzbeki")
    assert not editor.flush()  # kept back as typed, marked
    assert choice.other.property("invalid") is True
    assert "language tag" in editor.message.label.text()
    assert stored(session, record_id).body["language"] == "fa-AF"
    choice.other.clear()
    type_text(choice.other, "uz-Arab")
    assert choice.named.text() == "Uzbek"  # what the tag stands for
    assert editor.flush()
    assert stored(session, record_id).body["language"] == "uz-Arab"


def test_a_language_stored_before_stays_as_it_was(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    record_id = select(editor, "statement", 1)
    assert session.cases is not None and session.vault is not None
    record = stored(session, record_id)
    body = {**record.body, "language": "Dari"}  # typed as free text by an older version
    session.cases.save(record.case_id, "statement", record_id, body, record.version)
    editor.open_case(record.case_id)
    select(editor, "statement", 1)
    choice = pair_of(editor).language
    assert choice.other.isVisible() and choice.other.text() == "Dari"
    interviewer = editor.forms["statement"].editor("interviewer").focus_widget()
    interviewer.setFocus()
    type_text(interviewer, "Farida")
    assert editor.flush()  # not a tag, but as stored: no problem, kept unchanged
    assert stored(session, record_id).body["language"] == "Dari"


def test_a_statement_date_in_solar_hijri(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    record_id = select(editor, "statement", 0)
    date = dates(editor, "statement", "date")
    choose(date.calendar, "solar_hijri")
    date.line.setFocus()
    type_text(date.line, "۱۴۰۵-۰۸-۱۲")  # Persian digits, as on a Dari keyboard
    assert date.shown.text() == "12 Aqrab 1405 (Solar Hijri) = \u20682026-11-03\u2069"
    assert editor.flush()
    assert stored(session, record_id).body["date"] == {
        "calendar": "solar_hijri",
        "precision": "day",
        "year": 1405,
        "month": 8,
        "day": 12,
        "original_text": "",
        "gregorian": "2026-11-03",
    }
    select(editor, "statement", 1)
    select(editor, "statement", 0)
    assert date.calendar.currentData() == "solar_hijri" and date.line.text() == "1405-08-12"
    date.line.clear()
    type_text(date.line, "1405-12-30")  # 1405 is not a leap year
    assert not editor.flush()
    assert "There is no such day in this calendar." in editor.message.label.text()


def test_interview_and_consent_dates_offer_the_calendars(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    interview_id = select(editor, "interview", 0)
    date = dates(editor, "interview", "date")
    assert date.calendar.currentData() == "gregorian" and date.line.text() == "2024-05-01"
    place = editor.forms["interview"].editor("place").focus_widget()
    place.setFocus()
    type_text(place, " (north)")
    assert editor.flush()
    assert stored(session, interview_id).body["date"] == "2024-05-01"  # untouched: as it was
    choose(date.calendar, "solar_hijri")  # the same day, written in that calendar
    assert date.line.text() == "1403-02-12"
    assert editor.flush()
    assert stored(session, interview_id).body["date"]["gregorian"] == "2024-05-01"
    choose(date.calendar, "gregorian")
    assert date.line.text() == "2024-05-01"
    language = editor.forms["interview"].editor("language")
    assert isinstance(language, LanguageEditor)
    choose(language.choice.combo, "ps")
    assert editor.flush() and stored(session, interview_id).body["language"] == "ps"

    consent_id = select(editor, "consent", 0)
    given = dates(editor, "consent", "given_on")
    assert isinstance(dates(editor, "consent", "withdrawn_on"), CalendarDateEditor)
    choose(given.calendar, "lunar_hijri")
    given.line.setFocus()
    type_text(given.line, "1448-05-21")
    assert editor.flush()
    body = stored(session, consent_id).body
    assert body["given_on"]["calendar"] == "lunar_hijri" and body["given_on"]["gregorian"]
    assert body["withdrawn_on"] is None
    label = editor.outline.sections["consent"].child(0).text(0)
    assert "21 Jumada al-Awwal 1448 (Lunar Hijri)" in label  # in words, not as stored


def test_tazkira_dates_start_in_solar_hijri(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    select(editor, "identity_document", 0)  # a tazkira, no dates yet
    issued = editor.forms["identity_document"].editor("issued")
    assert isinstance(issued, FuzzyDateEditor)
    assert issued.edit.calendar.currentData() == "solar_hijri"
    assert issued.edit.month.itemText(8).startswith("8 Aqrab")
    kind = editor.forms["identity_document"].editor("kind").focus_widget()
    choose(kind, "passport")
    assert issued.edit.calendar.currentData() == "gregorian"
    choose(kind, "tazkira")
    issued.edit.original.setFocus()
    type_text(issued.edit.original, "15 3 1365")  # numbers only: read as Solar Hijri
    assert issued.edit.value() is not None
    assert issued.edit.value()["calendar"] == "solar_hijri"  # type: ignore[index]
    assert issued.edit.value()["gregorian"] == "1986-06-05"  # type: ignore[index]
    assert editor.flush()


def test_opening_a_tazkira_after_a_passport_changes_nothing(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    select(editor, "identity_document", 0)
    choose(editor.forms["identity_document"].editor("kind").focus_widget(), "passport")
    assert editor.flush()
    record_id = select(editor, "identity_document", 1)  # a tazkira: its dates start elsewhere
    issued = editor.forms["identity_document"].editor("issued")
    assert isinstance(issued, FuzzyDateEditor)
    assert issued.edit.calendar.currentData() == "solar_hijri"
    version = stored(session, record_id).version
    assert not editor.saver.dirty  # opening it is not an edit: nothing to save
    assert editor.flush() and stored(session, record_id).version == version


def test_the_read_back_language_is_chosen_the_same_way(qapp: object) -> None:
    dialog = ReadBackDialog("fa-AF", "farida")
    try:
        assert dialog.language.text() == "fa-AF" and dialog.language.combo.currentIndex() == 1
        dialog.confirmed.setChecked(True)
        assert dialog.ok.isEnabled()
        choose(
            dialog.language.combo, dialog.language.combo.itemData(dialog.language.combo.count() - 1)
        )
        type_text(dialog.language.other, "Farsi Dari")
        assert not dialog.ok.isEnabled()  # not a tag: said beside it, nothing recorded
        assert "language tag" in dialog.language_problem.text()
        assert dialog.form.isRowVisible(dialog.language_problem)
        dialog.language.other.clear()
        type_text(dialog.language.other, "prs")
        assert dialog.ok.isEnabled() and dialog.values()[1] == "prs"
        assert not dialog.form.isRowVisible(dialog.language_problem)
    finally:
        dialog.deleteLater()
