"""Typing survives a lock, the idle lock, a restart and a crash: drafts (issue 13, item 1).

The scenario: in a statement, type an incomplete date (``2026-11``), then a
paragraph of original text, then lock (Ctrl+L, or the idle lock). The date
cannot be stored; before drafts nothing of the form was, and locking threw
the form away. Now every valid field is stored in the record and the rest,
as typed, in an encrypted draft in the vault, shown again, marked, when the
record is opened after the lock, a restart or a crash.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.drafts import DraftStore
from intake_desktop.core.records import RecordStore
from intake_desktop.ui.editor.case_outline import DRAFT_ROLE
from intake_desktop.ui.qt import (
    QSettings,
    Qt,
    QTimer,
)
from tests.ui.case_editor_support import line, select, stored, type_text
from tests.ui.draft_driver import DATE, PARAGRAPH
from tests.ui.draft_support import (
    accept_next_box,
    app_on_family,
    assert_statement_draft_shown,
    make_family,
    new_window,
    open_case,
    opened,
    original,
    press_ctrl_l,
    type_date_then_paragraph,
    unlock,
)


@pytest.fixture
def family(tmp_path: Path) -> tuple[Path, str]:
    """A vault with a family case (a statement among its records)."""
    path = tmp_path / "vault"
    return path, make_family(path)


def test_ctrl_l_keeps_the_paragraph_typed_after_an_incomplete_date(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    path, case_id = family
    window = new_window(qtbot, path, settings)
    unlock(qtbot, window)
    editor = open_case(qtbot, window, case_id)
    statement_id = select(editor, "statement", 0)
    type_date_then_paragraph(editor)
    press_ctrl_l(qtbot, window)

    with opened(path) as vault:
        record = RecordStore(vault).require(statement_id)
        assert record.body["text"].endswith(PARAGRAPH)  # the valid fields are in the record
        assert record.body["date"] is None
        draft = DraftStore(vault).for_record(statement_id)
        assert draft is not None and draft.fields == {"date": {"text": DATE}}
        assert [p.field for p in draft.problems] == ["date"]
        assert draft.base_version == record.version

    unlock(qtbot, window)
    editor = open_case(qtbot, window, case_id)
    item = editor.outline.item_for(statement_id)
    assert item is not None and item.data(0, DRAFT_ROLE) == statement_id  # marked in the list
    select(editor, "statement", 0)
    assert_statement_draft_shown(editor)

    # Finishing it: a whole date saves the record and removes the draft.
    date = line(editor, "statement", "date")
    date.setFocus()
    type_text(date, "-20")
    assert editor.flush()
    assert stored(window.session, statement_id).body["date"] == "2026-11-20"
    assert window.session.vault is not None
    assert DraftStore(window.session.vault).for_record(statement_id) is None
    assert not editor.message.isVisible() and date.property("invalid") is False
    assert editor.outline.currentItem().data(0, DRAFT_ROLE) is None


def test_the_idle_lock_keeps_a_new_statement_with_no_language(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    path, case_id = family
    window = new_window(qtbot, path, settings)
    session = window.session
    unlock(qtbot, window)
    editor = open_case(qtbot, window, case_id)
    editor.add_record("statement")
    type_date_then_paragraph(editor)
    session._idle.setInterval(200)  # the idle lock, shortened; no input from here on
    session._idle.start()
    with qtbot.waitSignal(session.locked, timeout=5_000):
        pass

    with opened(path) as vault:
        statements = [r for r in RecordStore(vault).of_case(case_id) if r.kind == "statement"]
        assert len(statements) == 2  # no statement without a language was made
        (draft,) = DraftStore(vault).of_case(case_id)
        assert draft.is_new and draft.kind == "statement"
        assert draft.fields["language"]["text"] == PARAGRAPH
        assert draft.fields["date"] == {"text": DATE}
        assert {p.field for p in draft.problems} == {"date", "language"}

    # Listed as a draft, reopened with its problems, finished.
    unlock(qtbot, window)
    editor = open_case(qtbot, window, case_id)
    section = editor.outline.sections["statement"]
    assert section.childCount() == 3
    item = section.child(2)
    assert item.text(0) == "New statement (draft)" and item.data(0, DRAFT_ROLE) == draft.id
    editor.outline.setCurrentItem(item)
    assert_statement_draft_shown(editor)
    assert "Original language: is required." in editor.message.label.text()

    language = editor.forms["statement"].editor("text").pair.language  # type: ignore[attr-defined]
    language.combo.setFocus()
    language.combo.setCurrentIndex(language.combo.findData("fa-AF"))  # Dari, from the list
    assert editor.flush() is False  # the date is still incomplete: kept as a draft
    record_id = item.data(0, Qt.ItemDataRole.UserRole + 1)
    assert record_id is not None  # the statement exists now, with its paragraph
    assert stored(session, record_id).body["text"].endswith(PARAGRAPH)
    assert session.vault is not None
    drafts = DraftStore(session.vault)
    assert drafts.get(draft.id) is None  # the new record's draft became the record's
    moved = drafts.for_record(record_id)
    assert moved is not None and moved.fields == {"date": {"text": DATE}}
    assert "Original language" not in editor.message.label.text()


def test_a_half_typed_date_of_birth_and_a_name_without_its_text_come_back(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    path, case_id = family
    window = new_window(qtbot, path, settings)
    unlock(qtbot, window)
    editor = open_case(qtbot, window, case_id)
    person_id = select(editor, "person", 1)
    form = editor.forms["person"]
    dob = form.editor("date_of_birth").edit  # type: ignore[attr-defined]
    dob.calendar.setCurrentIndex(dob.calendar.findData("solar_hijri"))
    type_text(dob.year, "۱۳۶۵")  # the month not chosen yet
    type_text(dob.original, "حمل ۱۳۶۵")
    table = form.editor("names").names.table  # type: ignore[attr-defined]
    form.editor("names").names.add_row()  # type: ignore[attr-defined]
    editor.flush()  # the open cell, empty, is committed
    table.item(2, 4).setText("Qzvx9-passport")  # a source, but no name yet
    place = line(editor, "person", "place_of_birth")
    place.setFocus()
    type_text(place, "Herat")
    press_ctrl_l(qtbot, window)

    with opened(path) as vault:
        body = RecordStore(vault).require(person_id).body
        assert body["place_of_birth"] == "Herat"  # valid: in the record
        assert body["date_of_birth"] is None and len(body["names"]) == 2
        draft = DraftStore(vault).for_record(person_id)
        assert draft is not None
        assert draft.fields["date_of_birth"]["year"] == "۱۳۶۵"
        assert draft.fields["date_of_birth"]["original"] == "حمل ۱۳۶۵"
        assert draft.fields["names"]["rows"][2]["source"] == "Qzvx9-passport"
        assert {p.field for p in draft.problems} == {"date_of_birth", "names"}

    unlock(qtbot, window)
    editor = open_case(qtbot, window, case_id)
    select(editor, "person", 1)
    assert dob.calendar.currentData() == "solar_hijri"
    assert dob.year.text() == "۱۳۶۵" and dob.original.text() == "حمل ۱۳۶۵"
    assert dob.month.property("invalid") is True
    assert table.rowCount() == 3 and table.item(2, 4).text() == "Qzvx9-passport"
    assert table.property("invalid") is True
    said = editor.message.label.text()
    assert "Date of birth: Choose the month" in said and "Names, row 3: is required." in said


def test_my_side_of_a_clash_not_settled_before_the_lock_is_kept(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    window, editor, case_id = app_on_family(qtbot, family, settings)
    assert window.session.vault is not None
    other = window.session.vault.clone()  # someone else saves the title meanwhile
    try:
        CaseStore(other).update_case(case_id, {"title": "Their title"})
    finally:
        other.close()
    title = line(editor, "case", "title")
    title.setFocus()
    type_text(title, " mine")
    assert editor.flush() is False
    assert title.text() == "Their title" and editor.message.buttons[0].text() == "Use my changes"
    press_ctrl_l(qtbot, window)  # before choosing

    unlock(qtbot, window)
    editor = open_case(qtbot, window, case_id)
    title = line(editor, "case", "title")
    assert title.text() == "Their title"
    assert "Title" in editor.message.label.text()
    use_mine = editor.message.buttons[0]
    assert use_mine.isVisible() and use_mine.text() == "Use my changes"
    use_mine.click()
    assert title.text() == "Haidari family mine"
    assert stored(window.session, case_id).body["title"] == "Haidari family mine"
    assert window.session.vault is not None
    assert DraftStore(window.session.vault).for_record(case_id) is None


def test_a_cases_draft_shows_with_that_case_only(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    path, case_id = family
    window = new_window(qtbot, path, settings)
    unlock(qtbot, window)
    assert window.session.vault is not None
    other_id = CaseStore(window.session.vault).add_case({"title": "Other family", "route": "siv"})
    window.cases.model.reload()
    editor = open_case(qtbot, window, case_id)
    title = line(editor, "case", "title")
    title.setFocus()
    title.selectAll()
    type_text(title, " ")
    assert editor.flush() is False  # an empty title: kept as the case's draft
    case_item = editor.outline.sections["case"]
    assert case_item.data(0, DRAFT_ROLE) == case_id
    press_ctrl_l(qtbot, window)
    unlock(qtbot, window)
    editor = open_case(qtbot, window, other_id)
    assert case_item.data(0, DRAFT_ROLE) is None
    assert title.text() == "Other family" and not editor.message.isVisible()
    editor = open_case(qtbot, window, case_id)
    assert case_item.data(0, DRAFT_ROLE) == case_id
    assert title.text() == " " and "Title: is required." in editor.message.label.text()


# Discarding


def test_discarding_drafts_asks_first(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    window, editor, _case_id = app_on_family(qtbot, family, settings)
    session = window.session
    statement_id = select(editor, "statement", 0)
    type_date_then_paragraph(editor)
    assert editor.flush() is False
    discard = editor.message.buttons[0]
    assert discard.isVisible() and discard.text() == "Discard draft…"

    accept_next_box("Cancel")
    discard.click()
    assert session.vault is not None
    assert DraftStore(session.vault).for_record(statement_id) is not None

    accept_next_box("Discard draft")
    discard.click()
    assert DraftStore(session.vault).for_record(statement_id) is None
    assert line(editor, "statement", "date").text() == ""  # the stored date (none) again
    assert original(editor).toPlainText().endswith(PARAGRAPH)  # saved in the record before
    assert editor.flush()  # nothing left to keep: the editor may move on
    select(editor, "statement", 1)

    # A never-saved record's draft goes with the record, after asking.
    editor.add_record("statement")
    type_date_then_paragraph(editor)
    assert editor.flush() is False
    item = editor.outline.currentItem()
    draft_id = item.data(0, DRAFT_ROLE)
    assert draft_id and DraftStore(session.vault).get(draft_id) is not None
    accept_next_box("Discard draft")
    editor.delete_record()
    assert DraftStore(session.vault).get(draft_id) is None
    assert editor.outline.sections["statement"].childCount() == 2


def test_deleting_a_record_deletes_its_draft(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    window, editor, _case_id = app_on_family(qtbot, family, settings)
    statement_id = select(editor, "statement", 0)
    type_date_then_paragraph(editor)
    assert editor.flush() is False
    assert window.session.vault is not None
    assert DraftStore(window.session.vault).for_record(statement_id) is not None
    accept_next_box("Delete")
    editor.delete_record()
    assert window.session.vault is not None
    assert DraftStore(window.session.vault).for_record(statement_id) is None
    assert stored(window.session, statement_id).deleted


# Timing: nothing only in the widgets for longer than the autosave delay


def test_typing_that_goes_on_is_stored_while_it_goes_on(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    window, editor, case_id = app_on_family(qtbot, family, settings)
    notes = line(editor, "case", "notes")
    notes.setFocus()
    notes.moveCursor(notes.textCursor().MoveOperation.End)
    typed: list[str] = []
    typist = QTimer()
    typist.setInterval(250)  # never a pause as long as the autosave delay

    def one_more() -> None:
        typed.append("x")
        type_text(notes, "x")
        if len(typed) >= 40:
            typist.stop()

    typist.timeout.connect(one_more)
    typist.start()
    try:
        qtbot.waitUntil(lambda: "x" in stored(window.session, case_id).body["notes"], timeout=8_000)
        assert typist.isActive()  # stored while the typing went on
    finally:
        typist.stop()
    assert not editor.message.isVisible()


def test_a_save_while_typing_goes_on_keeps_a_change_saved_elsewhere_meanwhile(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> None:
    window, editor, case_id = app_on_family(qtbot, family, settings)
    title = line(editor, "case", "title")
    title.setFocus()
    type_text(title, " mine")
    assert window.session.vault is not None
    other = window.session.vault.clone()  # someone else saves meanwhile
    try:
        CaseStore(other).update_case(case_id, {"notes": "Notes from the coordinator"})
    finally:
        other.close()
    cursor = title.cursorPosition()
    editor.saver.keep()  # the save one delay into the typing: stale, and not the moment to merge
    draft = DraftStore(window.session.vault).for_record(case_id)
    assert draft is not None and draft.fields == {"title": {"title": "Haidari family mine"}}
    assert title.text() == "Haidari family mine" and title.cursorPosition() == cursor
    assert not editor.message.isVisible()
    assert editor.flush()  # the typing paused: merged, saved, the draft gone
    body = stored(window.session, case_id).body
    assert (body["title"], body["notes"]) == ("Haidari family mine", "Notes from the coordinator")
    assert DraftStore(window.session.vault).for_record(case_id) is None
