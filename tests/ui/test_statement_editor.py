"""The statement editor: certify, void on edit, read back, and autosave carrying them through."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.certification import TranslatorDetails, certify
from intake_desktop.core.fingerprint import signing_key_fingerprint
from intake_desktop.core.vault import Vault
from intake_desktop.ui.editor.read_back_dialog import ReadBackDialog
from intake_desktop.ui.editor.save_state import SaveState
from intake_desktop.ui.qt import QApplication, Qt, QTextCursor
from intake_desktop.ui.services.session import VaultSession
from tests.ui.case_editor_support import SAVE_TIMEOUT, select, stored, type_text, wait_saved
from tests.ui.statements_support import (
    CASEWORKER_PASSPHRASE,
    ENGLISH,
    certify_through_the_dialog,
    make_editor,
    open_session,
    pair_of,
    panel_of,
    state,
    translator,
)

__all__ = ["translator"]  # the fixture, shared with the other statement tests


def edit_anyway(qtbot: Any, editor: Any) -> None:
    """Answer "edit anyway" to the question a protected text asks before its first change."""
    guard = pair_of(editor).guard
    qtbot.waitUntil(lambda: guard.question is not None and guard.question.isVisible())
    assert guard.edit_button is not None
    qtbot.mouseClick(guard.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: guard.question is None)


def test_a_translator_certifies_and_an_edit_voids_it(
    qtbot: Any, translator: VaultSession, tmp_path: Path
) -> None:
    editor = make_editor(qtbot, translator)
    panel = panel_of(editor)
    record_id = select(editor, "statement", 0)
    assert panel.certification_status.text() == "Not certified"
    assert not panel.read_back_button.isEnabled()  # a caseworker's action
    translation = pair_of(editor).translation
    translation.moveCursor(QTextCursor.MoveOperation.End)
    dialog = certify_through_the_dialog(qtbot, editor, "Zarghuna Safi")
    assert "I, Zarghuna Safi, certify that I am competent to translate from Dari into English" in (
        dialog.certificate.toPlainText()
    )
    type_text(dialog.address, "House 12, Karte Char, Kabul")
    type_text(dialog.phone, "+93 700 123 456")
    assert dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    # Name and date are isolated (bidi.isolate) so that they cannot reorder a Dari sentence.
    assert panel.certification_status.text().startswith(
        "Certified by \u2068Zarghuna Safi\u2069 on "
    )
    assert panel.certification_status.property("state") == "valid"
    # Whose own key signed, by fingerprint (the certification names it).
    signing_key = stored(translator, record_id).body["certification"]["signing_key"]
    fingerprint = signing_key_fingerprint(signing_key)
    assert panel.certification_status.toolTip() == (
        f"Signed with \u2068zarghuna\u2069's own key \u2068{fingerprint}\u2069"
    )
    assert editor.message.label.text() == "Certified."
    assert state(translator, record_id) == "valid"
    # One character typed in the translation: void at once, before any save.
    translation.setFocus()  # where the translator was typing: the cursor stayed there
    with wait_saved(qtbot, editor):
        qtbot.keyClicks(translation, "!")  # asks first (test_statements_edit_guard.py)
        edit_anyway(qtbot, editor)
        assert translation.toPlainText() == ENGLISH + "!"  # the key that asked, typed
        assert panel.certification_status.text().startswith(
            "Certification void: the text changed after it was certified"
        )
        assert panel.certification_status.property("state") == "void"
        assert not editor.message.isVisible()  # "Certified." no longer holds
    # Autosave kept the certification (it is void, not gone).
    body = stored(translator, record_id).body
    assert body["certification"]["translator"]["name"] == "Zarghuna Safi"
    assert body["translation"]["text"] == ENGLISH + "!"
    assert state(translator, record_id) == "void"
    if os.environ.get("INTAKE_SHOTS"):
        shots = Path(os.environ["INTAKE_SHOTS"])
        shots.mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()
        assert editor.grab().save(str(shots / "statement-void.png"))
    # Certify again: the dialog starts from the details stored in the vault.
    dialog = certify_through_the_dialog(qtbot, editor)
    assert dialog.name.text() == "Zarghuna Safi"  # as certified last, not the user name
    assert dialog.address.toPlainText() == "House 12, Karte Char, Kabul"
    assert dialog.phone.text() == "+93 700 123 456"
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert panel.certification_status.property("state") == "valid"
    assert state(translator, record_id) == "valid"
    assert not (tmp_path / "zarghuna.ini").exists() or "Karte" not in (
        tmp_path / "zarghuna.ini"
    ).read_text(encoding="utf-8")


def test_other_fields_save_and_keep_it_valid(qtbot: Any, translator: VaultSession) -> None:
    assert translator.vault is not None
    record_id = (
        CaseStore(translator.vault)
        .children(CaseStore(translator.vault).list()[0].id, "statement")[0]
        .id
    )
    certify(translator.vault, record_id, TranslatorDetails("Zarghuna Safi"))
    editor = make_editor(qtbot, translator)
    panel = panel_of(editor)
    assert panel.certification_status.property("state") == "valid"
    for key, text in (("interviewer", "Farida Rahimi"), ("interpreter", "Zarghuna Safi")):
        field = editor.forms["statement"].editor(key).focus_widget()
        field.setFocus()
        with wait_saved(qtbot, editor):
            qtbot.keyClicks(field, text)
    body = stored(translator, record_id).body
    assert (body["interviewer"], body["interpreter"]) == ("Farida Rahimi", "Zarghuna Safi")
    assert state(translator, record_id) == "valid"
    assert panel.certification_status.property("state") == "valid"


def test_a_caseworker_records_the_read_back(
    qtbot: Any, translator: VaultSession, tmp_path: Path
) -> None:
    assert translator.vault is not None
    caseworker = open_session(Vault.open(translator.path, CASEWORKER_PASSPHRASE), tmp_path)
    try:
        editor = make_editor(qtbot, caseworker)
        panel = panel_of(editor)
        record_id = select(editor, "statement", 0)
        assert not panel.certify_button.isEnabled()  # a translator's action
        assert panel.read_back_status.text() == "Not read back to the speaker yet"
        qtbot.mouseClick(panel.read_back_button, Qt.MouseButton.LeftButton)
        dialog = editor.statement_actions.dialog
        assert isinstance(dialog, ReadBackDialog)
        assert dialog.read_by.text() == "farida" and dialog.language.text() == "fa-AF"
        assert dialog.language.combo.currentText() == "Dari (\u2068fa-AF\u2069)"
        assert not dialog.ok.isEnabled()  # the speaker's confirmation is required
        dialog.confirmed.setChecked(True)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        assert panel.read_back_status.text().startswith(
            "Read back in Dari by \u2068farida\u2069 on "
        )
        assert state(caseworker, record_id, "read_back") == "valid"
        original = pair_of(editor).text
        original.setFocus()
        with wait_saved(qtbot, editor):
            type_text(original, "،")
            edit_anyway(qtbot, editor)
            assert panel.read_back_status.property("state") == "void"
        assert state(caseworker, record_id, "read_back") == "void"
    finally:
        caseworker.lock()


def test_an_unsaved_new_statement_is_saved_before_certifying(
    qtbot: Any, translator: VaultSession
) -> None:
    editor = make_editor(qtbot, translator)
    editor.add_record("statement")
    pair = pair_of(editor)
    pair.language.combo.setCurrentIndex(pair.language.combo.findData("ps"))
    pair.text.setPlainText("موږ له کندهار راغلو")
    pair.translation.setPlainText("We came from Kandahar")
    panel = panel_of(editor)
    assert panel.certify_button.isEnabled()
    dialog = certify_through_the_dialog(qtbot, editor, "Zarghuna Safi")
    assert "from Pashto into English" in dialog.certificate.toPlainText()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert panel.certification_status.property("state") == "valid"
    assert editor.saver.state == SaveState.SAVED


def test_screenshots_certified_and_void(
    qtbot: Any, translator: VaultSession, tmp_path: Path
) -> None:
    assert translator.vault is not None
    store = CaseStore(translator.vault)
    record_id = store.children(store.list()[0].id, "statement")[0].id
    details = TranslatorDetails("Zarghuna Safi", "House 12, Karte Char, Kabul", "+93 700 123 456")
    certify(translator.vault, record_id, details)
    out = Path(os.environ.get("INTAKE_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    editor = make_editor(qtbot, translator)
    editor.forms["statement"].editor("interviewer").set_value("Farida Rahimi")
    QApplication.processEvents()
    assert editor.grab().save(str(out / "statement-certified.png"))
    pair = pair_of(editor)
    pair.translation.appendPlainText("They took my brother.")
    QApplication.processEvents()
    assert panel_of(editor).certification_status.property("state") == "void"
    assert editor.grab().save(str(out / "statement-void-unsaved.png"))
    dialog = certify_through_the_dialog(qtbot, editor)
    QApplication.processEvents()
    assert dialog.grab().save(str(out / "certify-dialog.png"))
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=SAVE_TIMEOUT)
