"""Editing a certified (or read-back) statement asks first, before the first key changes it.

Issue 14, defect 10: one key typed into a certified translation voided the
certification without a word; now the texts are read-only while it holds,
and the first key that would change them asks: edit anyway, or keep it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.certification import TranslatorDetails, certify, record_read_back
from intake_desktop.core.vault import Vault
from intake_desktop.ui.qt import QApplication, Qt
from intake_desktop.ui.services.session import VaultSession
from tests.ui.case_editor_support import stored, type_text, wait_saved
from tests.ui.statements_support import (
    CASEWORKER_PASSPHRASE,
    ENGLISH,
    make_editor,
    open_session,
    pair_of,
    panel_of,
    state,
    translator,
)

__all__ = ["translator"]  # the fixture


def statement_id(session: VaultSession) -> str:
    assert session.vault is not None
    store = CaseStore(session.vault)
    return store.children(store.list()[0].id, "statement")[0].id


def certified(session: VaultSession) -> str:
    assert session.vault is not None
    record_id = statement_id(session)
    certify(session.vault, record_id, TranslatorDetails("Zarghuna Safi"))
    return record_id


def asked(qtbot: Any, editor: Any) -> Any:
    guard = pair_of(editor).guard
    qtbot.waitUntil(lambda: guard.question is not None and guard.question.isVisible())
    return guard


def answer(qtbot: Any, editor: Any, edit: bool) -> None:
    guard = pair_of(editor).guard
    button = guard.edit_button if edit else guard.keep_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: guard.question is None)


def test_a_certified_translation_asks_before_the_first_key_changes_it(
    qtbot: Any, translator: VaultSession
) -> None:
    record_id = certified(translator)
    version = stored(translator, record_id).version
    editor = make_editor(qtbot, translator)
    pair, panel = pair_of(editor), panel_of(editor)
    assert pair.protected_note.isVisible()  # said before anyone types
    assert "you will be asked" in pair.protected_note.text()
    translation = pair.translation
    translation.setFocus()
    translation.moveCursor(translation.textCursor().MoveOperation.End)

    # Reading is free: moving, selecting and copying never ask.
    qtbot.keyClick(translation, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(translation, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert pair.guard.question is None
    assert QApplication.clipboard().text() == ENGLISH[-1]

    type_text(translation, "!")
    guard = asked(qtbot, editor)
    assert guard.question.windowTitle() == "Edit a certified statement?"
    said = guard.question.text()
    assert "certified by \u2068Zarghuna Safi\u2069" in said and "void" in said
    assert translation.toPlainText() == ENGLISH  # nothing changed while it asks
    answer(qtbot, editor, edit=False)
    assert translation.toPlainText() == ENGLISH
    assert panel.certification_status.property("state") == "valid"
    qtbot.waitUntil(translation.hasFocus)  # back where the translator was
    qtbot.keyClick(translation, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    asked(qtbot, editor)  # pasting is a change too
    answer(qtbot, editor, edit=False)
    assert translation.toPlainText() == ENGLISH
    assert editor.flush() and stored(translator, record_id).version == version

    with wait_saved(qtbot, editor):
        type_text(translation, "!")
        asked(qtbot, editor)
        answer(qtbot, editor, edit=True)
        assert translation.toPlainText().endswith("!")  # the key that asked, typed
        assert panel.certification_status.property("state") == "void"
        assert not pair.protected_note.isVisible()
        type_text(translation, "?")  # asked once: typing goes on
        assert pair.guard.question is None
    assert translation.toPlainText().endswith("!?")
    assert state(translator, record_id) == "void"


def test_the_original_and_its_language_ask_too(qtbot: Any, translator: VaultSession) -> None:
    certified(translator)
    editor = make_editor(qtbot, translator)
    pair = pair_of(editor)
    pair.text.setFocus()
    qtbot.keyClick(pair.text, Qt.Key.Key_Backspace)
    asked(qtbot, editor)
    answer(qtbot, editor, edit=False)
    combo = pair.language.combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # would choose the next language
    asked(qtbot, editor)
    answer(qtbot, editor, edit=False)
    assert pair.language.text() == "fa-AF"
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    asked(qtbot, editor)
    answer(qtbot, editor, edit=True)
    qtbot.keyClick(combo, Qt.Key.Key_Escape)  # the list may have opened: close it
    assert panel_of(editor).certification_status.property("state") == "valid"  # not yet changed
    assert not pair.text.isReadOnly()


def test_a_read_back_protects_the_texts_not_the_languages(
    qtbot: Any, translator: VaultSession, tmp_path: Path
) -> None:
    assert translator.vault is not None
    caseworker = open_session(Vault.open(translator.path, CASEWORKER_PASSPHRASE), tmp_path)
    try:
        assert caseworker.vault is not None
        record_read_back(caseworker.vault, statement_id(caseworker), read_by="Farida")
        editor = make_editor(qtbot, caseworker)
        pair = pair_of(editor)
        assert "read-back" in pair.protected_note.text()
        combo = pair.translation_language.combo
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # a language is not what was read back
        assert pair.guard.question is None
        pair.text.setFocus()
        type_text(pair.text, "،")
        guard = asked(qtbot, editor)
        assert guard.question.windowTitle() == "Edit a read-back statement?"
        assert guard.edit_button is not None
        assert guard.edit_button.text() == "Edit, voiding the read-back"
        answer(qtbot, editor, edit=False)
    finally:
        caseworker.lock()


def test_certifying_again_protects_the_new_texts(qtbot: Any, translator: VaultSession) -> None:
    record_id = statement_id(translator)
    editor = make_editor(qtbot, translator)
    pair = pair_of(editor)
    assert not pair.protected_note.isVisible() and not pair.translation.isReadOnly()
    panel = panel_of(editor)
    qtbot.mouseClick(panel.certify_button, Qt.MouseButton.LeftButton)
    dialog = editor.statement_actions.dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert state(translator, record_id) == "valid"
    assert pair.protected_note.isVisible() and pair.translation.isReadOnly()
