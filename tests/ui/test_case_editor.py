"""The case editor on a real vault: autosave, errors, stale edits, records, files, dates."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from intake_desktop import demo
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.records import RecordStore
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.names_table import NamesEditor
from intake_desktop.ui.editor.save_state import SaveState
from intake_desktop.ui.qt import (
    QApplication,
    QComboBox,
    QImage,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    Qt,
    QTableWidget,
    QTimer,
    QTreeWidget,
    QWidget,
)
from intake_desktop.ui.services.session import VaultSession
from tests.ui.case_editor_support import (
    SAVE_TIMEOUT,
    family_document,
    line,
    select,
    stored,
    wait_saved,
)


def test_open_case_lists_every_section_quickly(
    editor: CaseEditor, session: VaultSession, case_id: str
) -> None:
    counts = {k: s.childCount() for k, s in editor.outline.sections.items() if k != "case"}
    assert counts["person"] == 8
    assert sum(counts.values()) >= 30
    assert editor.header.title.text() == "Haidari family"
    assert line(editor, "case", "title").text() == "Haidari family"
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        editor.open_case(case_id)
        timings.append(time.perf_counter() - start)
    assert sorted(timings)[2] < 0.1, timings


def test_references_show_names(editor: CaseEditor) -> None:
    select(editor, "relationship", 2)
    person = line(editor, "relationship", "person")
    relative = line(editor, "relationship", "relative")
    assert person.currentText() == "Person 0"
    assert relative.currentText() == "Person 3"
    # The names are isolated (bidi.isolate): a Latin name cannot reorder a Dari sentence.
    assert (
        editor.outline.currentItem().text(0)
        == "\u2068Person 3\u2069: Child of \u2068Person 0\u2069"
    )


# Autosave


def test_typing_saves_after_a_pause(qtbot: Any, editor: CaseEditor, session: VaultSession) -> None:
    title = line(editor, "case", "title")
    title.setFocus()
    with qtbot.waitSignal(editor.title_changed, timeout=SAVE_TIMEOUT), wait_saved(qtbot, editor):
        qtbot.keyClicks(title, " of Kabul")
    assert editor.header.state.text() == "All changes saved"
    assert stored(session, editor.case_id).body["title"] == "Haidari family of Kabul"

    person_id = select(editor, "person", 1)
    name = line(editor, "person", "full_name")
    name.setFocus()
    with wait_saved(qtbot, editor):
        qtbot.keyClicks(name, " Rahimi")
    assert stored(session, person_id).body["full_name"] == "Person 1 Rahimi"
    assert editor.outline.currentItem().text(0) == "Person 1 Rahimi"


def test_leaving_a_field_saves_at_once(editor: CaseEditor, session: VaultSession) -> None:
    title = line(editor, "case", "title")
    title.setFocus()
    title.selectAll()
    title.insert("Noori family")
    title.textEdited.emit(title.text())
    assert editor.saver.state == SaveState.UNSAVED
    line(editor, "case", "external_ref").setFocus()  # focus leaves: saved now, no timer
    assert editor.saver.state == SaveState.SAVED
    assert not editor.saver.timer.isActive()
    assert stored(session, editor.case_id).body["title"] == "Noori family"


def test_flush_saves_pending_edits_synchronously(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    notes = line(editor, "case", "notes")
    notes.moveCursor(notes.textCursor().MoveOperation.End)
    qtbot.keyClicks(notes, " and more")
    assert editor.saver.timer.isActive()
    assert editor.flush() is True
    assert not editor.saver.timer.isActive()
    assert stored(session, editor.case_id).body["notes"] == "Case notes and more"


def test_opening_another_record_saves_the_shown_one(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    person_id = select(editor, "person", 0)
    qtbot.keyClicks(line(editor, "person", "place_of_birth"), "Herat")
    select(editor, "person", 1)
    assert stored(session, person_id).body["place_of_birth"] == "Herat"


def test_names_table_rows_are_saved(qtbot: Any, editor: CaseEditor, session: VaultSession) -> None:
    person_id = select(editor, "person", 2)
    names = editor.forms["person"].editor("names")
    assert isinstance(names, NamesEditor)
    table = names.names.table
    assert table.rowCount() == 2
    names.names.add_button.click()
    assert table.rowCount() == 3
    editor_widget = QApplication.focusWidget()
    assert isinstance(editor_widget, QLineEdit)
    qtbot.keyClicks(editor_widget, "Zabiullah")
    assert editor.saver.state == SaveState.UNSAVED
    assert editor.flush()  # the open cell's text is taken before saving
    saved = stored(session, person_id).body["names"]
    assert saved[-1] == {
        "text": "Zabiullah",
        "script": "latin",
        "kind": "alias",
        "language": "",
        "source": "",
    }


# Errors


def test_empty_title_is_refused_and_kept(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    title = line(editor, "case", "title")
    title.setFocus()
    title.selectAll()
    with qtbot.waitSignal(
        editor.save_state_changed,
        timeout=SAVE_TIMEOUT,
        check_params_cb=lambda s: s == SaveState.DRAFT,
    ):
        qtbot.keyClicks(title, "   ")
    # Kept in the draft after the pause, and not said while the title is being typed.
    assert title.property("invalid") is not True and not editor.message.isVisible()
    qtbot.keyClick(title, Qt.Key.Key_Tab)  # the field is left: now it is said
    assert editor.saver.state == SaveState.ERROR
    assert title.text() == "   "
    assert title.property("invalid") is True
    assert "Title" in title.toolTip()
    assert editor.message.isVisible() and "Title: is required." in editor.message.label.text()
    assert editor.flush() is False
    assert stored(session, editor.case_id).body["title"] == "Haidari family"

    title.selectAll()
    with wait_saved(qtbot, editor):
        qtbot.keyClicks(title, "Sadat family")
    assert title.property("invalid") is False
    assert not editor.message.isVisible()
    assert stored(session, editor.case_id).body["title"] == "Sadat family"


def test_bad_date_is_marked_not_lost(qtbot: Any, editor: CaseEditor, session: VaultSession) -> None:
    interview_id = select(editor, "interview", 0)
    date = line(editor, "interview", "date")
    date.selectAll()
    qtbot.keyClicks(date, "2024-02-30")
    assert editor.flush() is False
    assert editor.saver.state == SaveState.ERROR
    assert date.text() == "2024-02-30"
    assert date.property("invalid") is True
    assert stored(session, interview_id).body["date"] == "2024-05-01"
    select(editor, "interview", 1)  # refused: the bad text would be lost
    assert editor.form is editor.forms["interview"]
    assert editor.outline.currentItem().data(0, Qt.ItemDataRole.UserRole + 1) == interview_id


def test_edit_saved_elsewhere_is_merged(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    assert session.vault is not None
    other = session.vault.clone()
    try:
        CaseStore(other).update_case(editor.case_id, {"notes": "Notes from the coordinator"})
    finally:
        other.close()
    title = line(editor, "case", "title")
    title.setFocus()
    qtbot.keyClicks(title, " (2)")
    with wait_saved(qtbot, editor):
        qtbot.keyClick(title, Qt.Key.Key_Tab)  # settled once the field is left, not mid-word
    body = stored(session, editor.case_id).body
    assert body["title"] == "Haidari family (2)"
    assert body["notes"] == "Notes from the coordinator"
    assert line(editor, "case", "notes").toPlainText() == "Notes from the coordinator"
    assert editor.message.level == "info"


def test_same_field_saved_elsewhere_lets_the_user_choose(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    assert session.cases is not None
    record = session.cases.record(editor.case_id)
    body = {**record.body, "title": "Their title"}
    session.cases.save(editor.case_id, "case", editor.case_id, body, record.version)
    title = line(editor, "case", "title")
    qtbot.keyClicks(title, " mine")
    assert editor.flush() is False
    assert editor.saver.state == SaveState.ERROR
    assert title.text() == "Their title"  # reloaded
    assert editor.message.level == "warning"
    assert "Title" in editor.message.label.text()
    use_mine = editor.message.buttons[0]
    assert use_mine.isVisible() and use_mine.text() == "Use my changes"
    use_mine.click()
    assert editor.saver.state == SaveState.SAVED
    assert title.text() == "Haidari family mine"
    assert stored(session, editor.case_id).body["title"] == "Haidari family mine"


# Untrusted text


def test_markup_in_case_text_stays_text(editor: CaseEditor, session: VaultSession) -> None:
    markup = "<b>Bold</b> <img src='file:///etc/passwd'>"
    person_id = select(editor, "person", 0)
    name = line(editor, "person", "full_name")
    name.setText(markup)
    name.textEdited.emit(markup)
    assert editor.flush()
    assert stored(session, person_id).body["full_name"] == markup
    item = editor.outline.currentItem()
    assert item.text(0) == markup
    assert "&lt;b&gt;" in item.toolTip(0) and "<b>" not in item.toolTip(0)
    assert editor.record_heading.text() == markup
    for label in editor.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


# Records


def _accept_next_dialog() -> None:
    def accept() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        assert "Person 7" in box.text()
        delete = next(b for b in box.buttons() if b.text() == "Delete")
        delete.click()

    QTimer.singleShot(0, accept)


def test_add_and_delete_a_person(qtbot: Any, editor: CaseEditor, session: VaultSession) -> None:
    assert session.cases is not None
    editor.outline.setCurrentItem(editor.outline.sections["person"])
    qtbot.keyClick(
        editor.outline,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert editor.form is editor.forms["person"]
    name = line(editor, "person", "full_name")
    assert name.hasFocus() and name.text() == ""
    assert editor.record_heading.text() == "New person"
    with wait_saved(qtbot, editor):
        qtbot.keyClicks(name, "Gul Agha")
    people = session.cases.records_of(editor.case_id, "person")
    assert [p.body["full_name"] for p in people][-1] == "Gul Agha"
    assert editor.outline.sections["person"].text(0) == "People (9)"

    victim = select(editor, "person", 7)
    _accept_next_dialog()
    editor.delete_button.click()
    assert stored(session, victim).deleted is True  # a tombstone, not a gap
    assert editor.outline.sections["person"].text(0) == "People (8)"
    assert editor.outline.item_for(victim) is None


def test_cancelled_delete_keeps_the_record(editor: CaseEditor, session: VaultSession) -> None:
    victim = select(editor, "claim", 0)

    def cancel() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        box.reject()

    QTimer.singleShot(0, cancel)
    editor.delete_record()
    assert stored(session, victim).deleted is False


def test_untouched_new_record_is_dropped(editor: CaseEditor, session: VaultSession) -> None:
    editor.add_record("claim")
    assert editor.outline.sections["claim"].childCount() == 3
    select(editor, "person", 0)
    assert editor.outline.sections["claim"].childCount() == 2
    assert session.cases is not None
    assert len(session.cases.records_of(editor.case_id, "claim")) == 2


# Dates and statements


def _case_text(root: QWidget) -> list[str]:
    found: list[str] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            found.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            found.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            found += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTableWidget):
            found += [
                widget.item(r, c).text()
                for r in range(widget.rowCount())
                for c in range(widget.columnCount())
                if widget.item(r, c)
            ]
        elif isinstance(widget, QListWidget):
            found += [widget.item(i).text() for i in range(widget.count())]
        elif isinstance(widget, QTreeWidget):
            items = [widget.topLevelItem(i) for i in range(widget.topLevelItemCount())]
            while items:
                item = items.pop()
                found += [item.text(0), item.toolTip(0)]
                items += [item.child(i) for i in range(item.childCount())]
        elif isinstance(widget, QLabel):
            found.append(widget.text())
        found.append(widget.toolTip())
        found.append(widget.accessibleName())
    return found


def test_clear_forgets_every_case_text(
    qtbot: Any,
    session: VaultSession,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sentinel = "SENTINEL7Q"
    assert session.vault is not None
    case_id = CaseStore(session.vault).add_case(family_document(3, sentinel))
    photo = tmp_path / f"{sentinel}.png"
    QImage(40, 30, QImage.Format.Format_RGB32).save(str(photo))
    editor = CaseEditor(session)
    qtbot.addWidget(editor)
    editor.show()
    editor.open_case(case_id)
    for section in editor.outline.sections.values():  # fill every form at least once
        for i in range(section.childCount()):
            editor.outline.setCurrentItem(section.child(i))
    select(editor, "evidence", 0)
    editor.attach_files([photo])
    title = line(editor, "case", "title")
    editor.outline.setCurrentItem(editor.outline.sections["case"])
    qtbot.keyClicks(title, f" typed {sentinel}")
    assert any(sentinel in text for text in _case_text(editor))

    editor.clear()
    leftovers = [text for text in _case_text(editor) if sentinel in text]
    assert leftovers == []
    assert editor.attachments.image.pixmap().isNull()
    assert not title.isUndoAvailable()
    for form in editor.forms.values():
        for widget in form.findChildren(QPlainTextEdit):
            assert not widget.document().isUndoAvailable()
    assert editor.records == {}
    assert sentinel not in caplog.text


def test_session_lock_saves_then_clears(
    qtbot: Any, editor: CaseEditor, session: VaultSession
) -> None:
    session.about_to_lock.connect(editor.flush)  # as the main window does
    qtbot.keyClicks(line(editor, "case", "external_ref"), "-9")
    case_id = editor.case_id
    assert session.vault is not None
    path = session.path
    session.lock()
    assert editor.case_id is None and line(editor, "case", "title").text() == ""
    from intake_desktop.core.vault import Vault
    from tests.helpers import PASSPHRASE

    with Vault.open(path, PASSPHRASE) as vault:
        assert RecordStore(vault).get(case_id).body["external_ref"] == "REF-1-9"


# Screenshots of a realistic demo case (saved to $INTAKE_SHOTS when set, else tmp_path)


def test_screenshots_of_a_demo_case(qtbot: Any, session: VaultSession, tmp_path: Path) -> None:
    assert session.vault is not None and session.cases is not None
    ids = demo.fill(session.vault, 40, seed=7)
    cases = session.cases

    def score(case: str) -> tuple[bool, bool, bool, int]:
        doc = cases.document(case)
        files = [a for e in doc["evidence"] for a in e["attachments"]]
        image = any(a["media_type"].startswith("image/") for a in files)
        dari = any(s["language"] == "fa-AF" for s in doc["statements"])
        return image, dari, bool(doc["identity_documents"]), len(doc["people"])

    chosen = max(ids, key=score)
    assert score(chosen)[:3] == (True, True, True)
    out = Path(os.environ.get("INTAKE_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    editor = CaseEditor(session)
    qtbot.addWidget(editor)
    editor.resize(1180, 780)
    editor.show()
    qtbot.waitExposed(editor)
    editor.open_case(chosen)

    def shot(name: str) -> None:
        QApplication.processEvents()
        pixmap = editor.grab()
        assert not pixmap.isNull()
        assert pixmap.save(str(out / f"editor-{name}.png"))

    shot("case")
    select(editor, "person", 0)
    shot("person")
    select(editor, "statement", 0)
    shot("statement")
    doc = cases.document(chosen)
    index = next(i for i, e in enumerate(doc["evidence"]) if e["attachments"])
    select(editor, "evidence", index)
    assert not editor.attachments.image.pixmap().isNull()
    shot("evidence")
    select(editor, "identity_document", 0)
    shot("document")
    select(editor, "relationship", 0)
    shot("relationship")
    editor.outline.setCurrentItem(editor.outline.sections["claim"])
    shot("section")
    editor.outline.setCurrentItem(editor.outline.sections["case"])
    title = line(editor, "case", "title")
    title.setText("   ")
    title.textEdited.emit(title.text())
    assert not editor.flush()
    shot("error")
