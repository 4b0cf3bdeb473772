"""Screenshots of the workspace and the case editor (take.py): the case list, a case's
records, the household, a field's problem, statements and what protects them, files,
new and deleted cases, possible duplicates, a draft kept across a lock."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from shots_access import Laptop
from shots_world import PASSPHRASE, TRANSLATOR, TRANSLATOR_PASSPHRASE, World

from intake_desktop.ui.qt import QApplication, QEvent, QKeyEvent, QLineEdit, Qt


def type_text(widget: Any, text: str) -> None:
    """Key presses carrying any text, Dari too, into the widget (given the focus first)."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    if isinstance(widget, QLineEdit):
        widget.selectAll()  # what is typed replaces what was there
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def show_record(camera: Any, editor: Any, kind: str, index: int = 0) -> None:
    editor.outline.setCurrentItem(editor.outline.sections[kind].child(index))
    camera.wait(lambda: editor.form is editor.forms[kind], f"a {kind}'s form")


def scroll_to(camera: Any, editor: Any, kind: str, widget: Any) -> None:
    """Scroll the record's form so ``widget`` shows whole (once laid out).

    Not ``ensureWidgetVisible``: for a text box it only brings the cursor's line in.
    """
    camera.settle()
    form = editor.forms[kind]
    bottom = widget.mapTo(form.widget(), widget.rect().bottomLeft()).y() + 10
    bar = form.verticalScrollBar()
    bar.setValue(min(bar.maximum(), max(bar.value(), bottom - form.viewport().height())))


def show_texts(camera: Any, editor: Any) -> None:
    """The statement's original beside its translation, the original being typed into."""
    pair = editor.forms["statement"].editor("text").pair
    pair.text.setFocus(Qt.FocusReason.TabFocusReason)
    scroll_to(camera, editor, "statement", pair.translation)


def dari_statement_index(laptop: Laptop, case_id: str) -> int:
    doc = laptop.session.cases.document(case_id)  # type: ignore[union-attr]
    languages = [s["language"] for s in doc["statements"]]
    return languages.index("fa-AF") if "fa-AF" in languages else 0


def open_case(camera: Any, laptop: Laptop, case_id: str) -> None:
    laptop.window.cases.select(case_id)
    camera.wait(lambda: laptop.window.editor.case_id == case_id, "the case to open")


def caseworker(camera: Any, laptop: Laptop, world: World) -> None:
    """Farida's workspace: a family's case, record by record."""
    window, editor = laptop.window, laptop.window.editor
    open_case(camera, laptop, world.chosen)
    camera.shoot("case-list-and-editor", window)
    show_record(camera, editor, "person")
    camera.shoot("editor-person", window)
    household(camera, laptop)
    field_problem(camera, laptop)
    show_record(camera, editor, "statement", dari_statement_index(laptop, world.chosen))
    show_texts(camera, editor)
    camera.shoot("editor-statement", window)
    panel = editor.forms["statement"].editor("certification")
    read_back = camera.opened(panel.read_back_button.click, "Record read-back")
    read_back.notes.setPlainText("Read aloud in Dari at the end of the interview.")
    read_back.confirmed.setChecked(True)
    camera.shoot("read-back-dialog", window, read_back)
    read_back.reject()
    show_record(camera, editor, "identity_document")
    camera.shoot("editor-document", window)
    doc = laptop.session.cases.document(world.chosen)  # type: ignore[union-attr]
    pictures = [
        i
        for i, e in enumerate(doc["evidence"])
        if any(a["media_type"].startswith("image/") for a in e["attachments"])
    ]
    show_record(camera, editor, "evidence", pictures[0] if pictures else 0)
    scroll_to(camera, editor, "evidence", editor.attachments)
    camera.shoot("editor-evidence", window)
    add_files(camera, laptop, world.root)
    cases(camera, laptop, world)


def household(camera: Any, laptop: Laptop) -> None:
    """Add household member… with a daughter typed, before Enter adds her."""
    window, editor = laptop.window, laptop.window.editor
    dialog = camera.opened(editor.household_action.trigger, "Add household member")
    type_text(dialog.name, "زهرا")
    type_text(dialog.spelling, "Zahra")
    dialog.relationship.setCurrentIndex(dialog.relationship.findData("child"))
    dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
    type_text(dialog.born, "۱۳۸۵")
    camera.shoot("editor-household", window, dialog)
    dialog.reject()
    camera.settle()


def field_problem(camera: Any, laptop: Laptop) -> None:
    """30 Hut (Esfand) 1365 typed as a date of birth: no such day, said once the field is left."""
    window, editor = laptop.window, laptop.window.editor
    window.activateWindow()  # focus moves (and is followed) only in the active window
    camera.wait(window.isActiveWindow, "the main window to be active")
    show_record(camera, editor, "person")
    form = editor.forms["person"]
    date = form.editor("date_of_birth").edit
    calendar, precision = date.calendar.currentIndex(), date.precision.currentIndex()
    year, month, day = date.year.text(), date.month.currentIndex(), date.day.text()
    date.calendar.setCurrentIndex(date.calendar.findData("solar_hijri"))
    date.precision.setCurrentIndex(date.precision.findData("day"))
    type_text(date.year, "1365")
    date.month.setCurrentIndex(date.month.findData(12))
    type_text(date.day, "30")
    form.editor("place_of_birth").focus_widget().setFocus(Qt.FocusReason.TabFocusReason)
    camera.wait(lambda: editor.message.isVisible(), "the date's problem")
    camera.shoot("editor-field-problem", window)
    # Put the date back as it was, so the record saves and the case can be left.
    date.calendar.setCurrentIndex(calendar)
    date.precision.setCurrentIndex(precision)
    type_text(date.year, year)
    date.month.setCurrentIndex(month)
    type_text(date.day, day)
    form.editor("place_of_birth").focus_widget().setFocus(Qt.FocusReason.TabFocusReason)
    camera.wait(lambda: editor.flush(), "the date put back")


def add_files(camera: Any, laptop: Laptop, root: Path) -> None:
    """Add files… with a recording large enough to stream behind the progress dialog."""
    window, editor = laptop.window, laptop.window.editor
    recording = root / "interview recording.mp4"  # random bytes: no case content
    with recording.open("wb") as f:
        for _ in range(384):
            f.write(os.urandom(1 << 20))
    editor.attach_files([recording])
    progress = editor.attach.progress
    if progress is None:
        raise SystemExit("Add files… stored the recording without a progress dialog")
    camera.wait(lambda: progress.dialog.value() >= 250 or editor.attach_job is None, "progress")
    if editor.attach_job is not None:
        camera.shoot("editor-add-files", window, progress.dialog)
        editor.attach_job.cancel()
    camera.wait(lambda: editor.attach_job is None, "Add files… to end")
    editor.message.hide_message()
    recording.unlink()


def cases(camera: Any, laptop: Laptop, world: World) -> None:
    """New case (and refused), search, possible duplicates, deleting a case."""
    window = laptop.window
    dialog = camera.opened(window.new_case_action.trigger, "New case")
    type_text(dialog.title, "Rahimi family, Kandahar")
    camera.shoot("new-case", window, dialog)
    type_text(dialog.title, "Rahimi family of Kandahar province, seen in Quetta " * 7)
    dialog.ok.click()  # over 300 characters: refused, the reason shown, nothing made
    camera.wait(lambda: dialog.problem.isVisible(), "the refusal")
    camera.shoot("new-case-refused", window, dialog)
    dialog.reject()

    window.cases.search.setFocus(Qt.FocusReason.ShortcutFocusReason)  # Ctrl+F
    window.cases.search.setText("محمد")
    window.cases.apply_filters()  # what the search box's pause would do
    camera.settle(60)
    camera.shoot("case-list-search", window)
    window.cases.search.clear()
    window.cases.apply_filters()
    open_case(camera, laptop, world.chosen)

    duplicates = camera.opened(window.duplicates_action.trigger, "Possible duplicates")
    camera.wait(lambda: duplicates.table.rowCount() > 0, "possible duplicates")
    duplicates.table.setFocus()
    camera.shoot("duplicates", window, duplicates)
    compare = camera.opened(duplicates.open_button.click, "two people side by side")
    camera.shoot("duplicates-compare", window, duplicates, compare)
    compare.reject()
    duplicates.reject()

    open_case(camera, laptop, world.ids[5])  # chosen in the list, then the Delete key
    window.cases.table.setFocus(Qt.FocusReason.OtherFocusReason)
    box = camera.opened(window.delete_case_action.trigger, "Delete case")
    camera.shoot("delete-case", window, box)
    box.reject()
    camera.settle()


def draft_after_lock(camera: Any, laptop: Laptop, world: World) -> None:
    """A statement's date typed only as far as 2026-11, locked, unlocked: its draft."""
    window, editor = laptop.window, laptop.window.editor
    open_case(camera, laptop, world.chosen)
    index = dari_statement_index(laptop, world.chosen)
    show_record(camera, editor, "statement", index)
    date = editor.forms["statement"].editor("date").focus_widget()
    stored = date.text()
    type_text(date, "2026-11")
    laptop.lock(camera)
    laptop.unlock(camera, PASSPHRASE)  # the case open before the lock opens again
    camera.wait(lambda: editor.case_id == world.chosen, "the case to reopen")
    show_record(camera, editor, "statement", index)
    camera.shoot("editor-draft", window)
    type_text(date, stored)  # finished: the draft goes
    editor.outline.setFocus()
    camera.wait(lambda: editor.flush(), "the draft finished")
    laptop.lock(camera)


def translator(camera: Any, laptop: Laptop, world: World) -> None:
    """Jamshid certifies the Dari statement; then a key typed into it asks first."""
    window, editor = laptop.window, laptop.window.editor
    laptop.unlock(camera, TRANSLATOR_PASSPHRASE)
    open_case(camera, laptop, world.chosen)
    show_record(camera, editor, "statement", dari_statement_index(laptop, world.chosen))
    show_texts(camera, editor)
    panel = editor.forms["statement"].editor("certification")
    certify = camera.opened(panel.certify_button.click, "Certify")
    type_text(certify.name, TRANSLATOR)
    certify.address.setPlainText("House 12, Street 3, Karte Char, Kabul")
    type_text(certify.phone, "+93 700 123 456")
    camera.shoot("certify-dialog", window, certify)
    certify.ok.click()
    camera.wait(lambda: panel.certification_status.property("state") == "valid", "certified")
    show_texts(camera, editor)
    camera.shoot("editor-statement-certified", window)
    translation = editor.forms["statement"].editor("text").pair.translation
    translation.setFocus(Qt.FocusReason.TabFocusReason)
    translation.moveCursor(translation.textCursor().MoveOperation.End)
    guard = editor.forms["statement"].editor("text").pair.guard
    question = camera.opened(lambda: type_text(translation, "."), "Edit a certified statement?")
    camera.shoot("statement-edit-guard", window, question)
    guard.keep_button.click()
    camera.settle()
    laptop.lock(camera)
