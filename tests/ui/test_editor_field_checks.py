"""A field is checked when it is left, and its problem shown without moving the form (issue 14, 6).

Each scenario is typed, as a caseworker without a mouse types it: a choice
still open, Tab from a date's year to its month, a statement's language
before its text is reached. Nothing is said until the field (the whole field
editor, not a part of it) or the record is left; what is typed is stored all
the same (in the record, or what cannot be in an encrypted draft). When a
problem is said, no widget of the form has moved: a click meant for a field
still lands in it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint

from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.save_state import SaveState
from intake_desktop.ui.qt import QApplication, QComboBox, Qt, QWidget
from intake_desktop.ui.services.session import VaultSession
from tests.ui.case_editor_support import SAVE_TIMEOUT, select, stored, type_text

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot: Any, key: Qt.Key, modifier: Any = Qt.KeyboardModifier.NoModifier) -> QWidget:
    """A key pressed where the focus is; the widget that has the focus after it."""
    qtbot.keyClick(focused(), key, modifier)
    return focused()


Place = tuple[QPoint, Any]


def layout_of(editor: CaseEditor) -> dict[str, Place]:
    """Where every shown widget of the record's pane is, in the editor's coordinates
    (once the layout has settled)."""
    QApplication.processEvents()
    pane = editor.stack
    return {
        f"{type(w).__name__} {w.accessibleName()!r} {id(w)}": (w.mapTo(editor, QPoint()), w.size())
        for w in [pane, *pane.findChildren(QWidget)]
        if w.isVisibleTo(editor) and w.window() is editor.window()
    }


def unmoved(before: dict[str, Place], after: dict[str, Place]) -> bool:
    """No widget shown both times moved or changed size (a line kept for a message
    may appear in its place); the form's inputs are all still there."""
    moved = {
        k: (before[k], after[k]) for k in before.keys() & after.keys() if before[k] != after[k]
    }
    gone = [k for k in before.keys() - after.keys() if not k.startswith("QLabel")]
    assert moved == {} and gone == []
    return True


def said(editor: CaseEditor) -> str:
    """The message shown above the form ("" when none is)."""
    return editor.message.text if editor.message.isVisible() else ""


def marked(editor: CaseEditor) -> list[str]:
    form = editor.form
    assert form is not None
    return [w.accessibleName() for w in form.findChildren(QWidget) if w.property("invalid")]


def stored_quietly(qtbot: Any, editor: CaseEditor) -> None:
    """Wait for the save a pause in the typing makes: the draft kept, nothing said."""
    qtbot.waitUntil(
        lambda: not editor.saver.dirty and editor.saver.draft is not None, timeout=SAVE_TIMEOUT
    )
    assert editor.saver.state is SaveState.DRAFT
    assert said(editor) == "" and marked(editor) == []


def test_a_choice_still_open_is_not_called_missing(qtbot: Any, editor: CaseEditor) -> None:
    editor.outline.setCurrentItem(editor.outline.sections["relationship"])
    editor.outline.setFocus()
    person = press(qtbot, Qt.Key.Key_N, CTRL_SHIFT)  # a new relationship
    assert person.accessibleName() == "Person"
    before = layout_of(editor)
    press(qtbot, Qt.Key.Key_Down)  # the first person of the case
    relative = press(qtbot, Qt.Key.Key_Tab)
    assert relative.accessibleName() == "Relative"
    assert said(editor) == "" and marked(editor) == []  # the kind was not reached yet
    press(qtbot, Qt.Key.Key_Down)
    kind = press(qtbot, Qt.Key.Key_Tab)
    assert isinstance(kind, QComboBox) and kind.accessibleName() == "Relative is the person's"
    press(qtbot, Qt.Key.Key_F4)  # its list opens, and stays open while the caseworker reads
    qtbot.waitUntil(lambda: kind.view().isVisible())
    assert focused() is kind.view()
    stored_quietly(qtbot, editor)  # the relationship is kept as a draft meanwhile
    assert unmoved(before, layout_of(editor))
    press(qtbot, Qt.Key.Key_Escape)  # closed without a choice
    qtbot.waitUntil(lambda: not kind.view().isVisible())
    assert said(editor) == ""

    press(qtbot, Qt.Key.Key_Tab)  # left unchosen: now it is said, and marked
    assert said(editor).startswith("Relative is the person's: choose one of the options.")
    assert marked(editor) == ["Relative is the person's"]
    assert editor.saver.state is SaveState.ERROR
    assert unmoved(before, layout_of(editor))  # the message took no room from the form

    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, Qt.Key.Key_Down)  # Spouse
    press(qtbot, Qt.Key.Key_Tab)
    assert editor.saver.state is SaveState.SAVED and said(editor) == "" and marked(editor) == []
    record_id = editor.outline.currentItem().data(0, Qt.ItemDataRole.UserRole + 1)
    assert record_id is not None
    assert stored(editor.session, record_id).body["kind"] == "spouse"


def test_tab_from_a_dates_year_to_its_month_says_nothing(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    person_id = select(editor, "person", 0)
    edit = editor.forms["person"].editor("date_of_birth").edit  # type: ignore[attr-defined]
    edit.calendar.setFocus()
    before = layout_of(editor)
    press(qtbot, Qt.Key.Key_Tab)  # precision
    assert press(qtbot, Qt.Key.Key_Tab) is edit.year
    type_text(edit.year, "1990")
    assert press(qtbot, Qt.Key.Key_Tab) is edit.month  # inside one date: not left
    assert said(editor) == "" and marked(editor) == []
    assert "month" not in edit.estimate.text()
    stored_quietly(qtbot, editor)
    assert stored(session, person_id).body["date_of_birth"] is None  # not a date yet

    press(qtbot, Qt.Key.Key_Tab)  # day
    press(qtbot, Qt.Key.Key_Tab)  # as written
    press(qtbot, Qt.Key.Key_Tab)  # out of the date: it is checked now
    assert said(editor).startswith("Date of birth: Choose the month (or a coarser precision).")
    assert edit.month.property("invalid") is True
    assert edit.estimate.text() == "Choose the month (or a coarser precision)."
    assert unmoved(before, layout_of(editor))


def test_a_statements_language_is_not_marked_before_its_text_is_reached(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    editor.outline.setCurrentItem(editor.outline.sections["statement"])
    editor.outline.setFocus()
    speaker = press(qtbot, Qt.Key.Key_N, CTRL_SHIFT)
    assert speaker.accessibleName() == "Speaker"
    before = layout_of(editor)
    press(qtbot, Qt.Key.Key_Down)
    for _ in range(20):  # on through the statement's fields to its language
        widget = press(qtbot, Qt.Key.Key_Tab)
        assert said(editor) == "" and marked(editor) == [], widget.accessibleName()
        if widget.accessibleName() == "Original language":
            break
    assert focused().accessibleName() == "Original language"
    press(qtbot, Qt.Key.Key_Down)  # the first language of the list
    text = press(qtbot, Qt.Key.Key_Tab)
    assert text.accessibleName() == "Original text"
    assert said(editor) == "" and marked(editor) == []  # "is required" waits for the text
    stored_quietly(qtbot, editor)  # no statement without its text: all of it in the draft
    assert unmoved(before, layout_of(editor))

    type_text(text, "ما از کابل آمدیم")
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S: save now
    assert editor.saver.state is SaveState.SAVED and said(editor) == ""
    record_id = editor.outline.currentItem().data(0, Qt.ItemDataRole.UserRole + 1)
    assert stored(session, record_id).body["text"] == "ما از کابل آمدیم"


def test_leaving_the_record_says_every_problem(qtbot: Any, editor: CaseEditor) -> None:
    editor.outline.setCurrentItem(editor.outline.sections["relationship"])
    editor.outline.setFocus()
    press(qtbot, Qt.Key.Key_N, CTRL_SHIFT)
    press(qtbot, Qt.Key.Key_Down)  # a person, and nothing else
    stored_quietly(qtbot, editor)
    select_other = editor.outline.sections["relationship"].child(0)
    editor.outline.setCurrentItem(select_other)  # refused: what is typed would be lost
    assert editor.outline.currentItem() is not select_other
    assert said(editor).startswith("Relative is the person's: choose one of the options.")
    assert "Relative is the person's" in marked(editor)
