"""The statement editor: certify, void on edit, read back, and autosave carrying them through."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core import attestations
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.certification import TranslatorDetails, certify
from intake_desktop.core.vault import Vault
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.certify_dialog import CertifyDialog
from intake_desktop.ui.editor.read_back_dialog import ReadBackDialog
from intake_desktop.ui.editor.statement_editor import CertificationPanel
from intake_desktop.ui.qt import QApplication, QSettings, Qt, QTextCursor
from intake_desktop.ui.services.session import VaultSession
from tests.helpers import make_vault
from tests.ui.case_editor_support import SAVE_TIMEOUT, select, stored, type_text, wait_saved

CASEWORKER_PASSPHRASE = "caseworker passphrase for tests"
DARI = (
    "ما از کابل آمدیم. پدرم در وزارت دفاع کار می‌کرد و بعد از سقوط کابل،"
    " طالبان دو بار به خانهٔ ما آمدند."
)
ENGLISH = (
    "We came from Kabul. My father worked at the Ministry of Defence, and after the fall of"
    " Kabul the Taliban came to our house twice."
)
DOCUMENT: dict[str, Any] = {
    "title": "Ahmadzai family",
    "route": "humanitarian_parole",
    "people": [
        {
            "id": "p1",
            "full_name": "محمد نور احمدزی",
            "names": [{"text": "Mohammad Noor Ahmadzai", "script": "latin", "source": "passport"}],
        }
    ],
    "interviews": [{"id": "i1", "date": "2026-11-02", "place": "Islamabad"}],
    "statements": [
        {
            "speaker": "p1",
            "interview": "i1",
            "language": "fa-AF",
            "date": "2026-11-02",
            "place": "Islamabad",
            "text": DARI,
            "translation": {"language": "en", "text": ENGLISH, "translator": "Zarghuna Safi"},
        }
    ],
}


def open_session(vault: Vault, tmp_path: Path) -> VaultSession:
    settings = QSettings(str(tmp_path / f"{vault.user.name}.ini"), QSettings.Format.IniFormat)
    live = VaultSession(vault.path, settings)
    live._opened(vault)
    return live


@pytest.fixture
def translator(qapp: object, tmp_path: Path) -> Iterator[VaultSession]:
    vault, code = make_vault(tmp_path / "vault", user_name="zarghuna", role="translator")
    # A translator may not add users (docs/roles.md); the recovery code may.
    with Vault.open_with_recovery(vault.path, code) as recovery:
        recovery.add_user("farida", "caseworker", CASEWORKER_PASSPHRASE)
    CaseStore(vault).add_case(DOCUMENT)
    live = open_session(vault, tmp_path)
    yield live
    live.lock()


def make_editor(qtbot: Any, session: VaultSession) -> CaseEditor:
    assert session.vault is not None
    case_id = CaseStore(session.vault).list()[0].id
    widget = CaseEditor(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 820)
    widget.show()
    qtbot.waitExposed(widget)
    widget.open_case(case_id)
    select(widget, "statement", 0)
    return widget


def panel_of(editor: CaseEditor) -> CertificationPanel:
    panel = editor.forms["statement"].editor("certification")
    assert isinstance(panel, CertificationPanel)
    return panel


def state(session: VaultSession, record_id: str, kind: str = "certification") -> str:
    assert session.vault is not None
    body = stored(session, record_id).body
    return attestations.status(body, kind, attestations.trusted_keys(session.vault)).state


def certify_through_the_dialog(qtbot: Any, editor: CaseEditor, name: str = "") -> CertifyDialog:
    panel = panel_of(editor)
    assert panel.certify_button.isEnabled()
    qtbot.mouseClick(panel.certify_button, Qt.MouseButton.LeftButton)
    dialog = editor.statement_actions.dialog
    assert isinstance(dialog, CertifyDialog) and dialog.isVisible()
    if name:
        assert not dialog.ok.isEnabled()  # no name yet: nothing to sign
        type_text(dialog.name, name)
    return dialog


def test_a_translator_certifies_and_an_edit_voids_it(
    qtbot: Any, translator: VaultSession, tmp_path: Path
) -> None:
    editor = make_editor(qtbot, translator)
    panel = panel_of(editor)
    record_id = select(editor, "statement", 0)
    assert panel.certification_status.text() == "Not certified"
    assert not panel.read_back_button.isEnabled()  # a caseworker's action
    translation = editor.forms["statement"].editor("text").pair.translation  # type: ignore[attr-defined]
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
    assert editor.message.label.text() == "Certified."
    assert state(translator, record_id) == "valid"
    # One character typed in the translation: void at once, before any save.
    translation.setFocus()  # where the translator was typing: the cursor stayed there
    with wait_saved(qtbot, editor):
        qtbot.keyClicks(translation, "!")
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
    assert dialog.name.text() == "Zarghuna Safi"
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
        assert dialog.language_name.text() == "Dari"
        assert not dialog.ok.isEnabled()  # the speaker's confirmation is required
        dialog.confirmed.setChecked(True)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        assert panel.read_back_status.text().startswith(
            "Read back in Dari by \u2068farida\u2069 on "
        )
        assert state(caseworker, record_id, "read_back") == "valid"
        original = editor.forms["statement"].editor("text").pair.text  # type: ignore[attr-defined]
        original.setFocus()
        with wait_saved(qtbot, editor):
            type_text(original, "،")
            assert panel.read_back_status.property("state") == "void"
        assert state(caseworker, record_id, "read_back") == "void"
    finally:
        caseworker.lock()


def test_an_unsaved_new_statement_is_saved_before_certifying(
    qtbot: Any, translator: VaultSession
) -> None:
    editor = make_editor(qtbot, translator)
    editor.add_record("statement")
    pair = editor.forms["statement"].editor("text").pair  # type: ignore[attr-defined]
    type_text(pair.language, "ps")
    pair.language.textEdited.emit(pair.language.text())
    pair.text.setPlainText("موږ له کندهار راغلو")
    pair.translation.setPlainText("We came from Kandahar")
    panel = panel_of(editor)
    assert panel.certify_button.isEnabled()
    dialog = certify_through_the_dialog(qtbot, editor, "Zarghuna Safi")
    assert "from Pashto into English" in dialog.certificate.toPlainText()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert panel.certification_status.property("state") == "valid"
    assert editor.saver.state == "saved"


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
    pair = editor.forms["statement"].editor("text").pair  # type: ignore[attr-defined]
    pair.translation.appendPlainText("They took my brother.")
    QApplication.processEvents()
    assert panel_of(editor).certification_status.property("state") == "void"
    assert editor.grab().save(str(out / "statement-void-unsaved.png"))
    dialog = certify_through_the_dialog(qtbot, editor)
    QApplication.processEvents()
    assert dialog.grab().save(str(out / "certify-dialog.png"))
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=SAVE_TIMEOUT)
