"""Certify…: both texts shown as certified, the signed-in translator's name, someone else named.

Issue 14, defect 10: the dialog showed neither text, started with an empty
name, and said nothing when the statement's "Translator" named someone else.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.certification import TranslatorDetails, certify
from intake_desktop.ui.editor.certify_dialog import CertifyDialog
from intake_desktop.ui.qt import QApplication, QPlainTextEdit, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import LTR, RTL
from tests.ui.case_editor_support import type_text
from tests.ui.statements_support import (
    DARI,
    DOCUMENT,
    ENGLISH,
    certify_through_the_dialog,
    make_editor,
    translator,
    translator_session,
)

__all__ = ["translator"]  # the fixture

# The statement's "Translator" field names someone other than the signed-in translator.
OTHERS = copy.deepcopy(DOCUMENT)
OTHERS["statements"][0]["translation"]["translator"] = "Ahmad Karimi"
# An original with a Latin word first: its language, not its first letter, decides.
PASHTO = "UNHCR ته مو خپل سندونه ورکړل."


@pytest.fixture
def others(qapp: object, tmp_path: Path) -> Iterator[VaultSession]:
    live = translator_session(tmp_path, OTHERS)
    yield live
    live.lock()


def direction(edit: QPlainTextEdit) -> Qt.LayoutDirection:
    return edit.document().defaultTextOption().textDirection()


def test_the_dialog_shows_both_texts_as_they_are_certified(
    qtbot: Any, others: VaultSession
) -> None:
    editor = make_editor(qtbot, others)
    dialog = certify_through_the_dialog(qtbot, editor)
    assert dialog.original.toPlainText() == DARI
    assert dialog.translation.toPlainText() == ENGLISH
    for text in (dialog.original, dialog.translation):
        assert text.isReadOnly()
        assert text.isVisible() and text.height() > 3 * text.fontMetrics().lineSpacing()
    assert direction(dialog.original) == RTL  # Dari, also in an English interface
    assert direction(dialog.translation) == LTR
    assert dialog.original.accessibleName() == "Original text (Dari)"
    dialog.reject()


def test_the_signed_in_translator_is_named_and_someone_else_is_pointed_out(
    qtbot: Any, others: VaultSession
) -> None:
    editor = make_editor(qtbot, others)
    dialog = certify_through_the_dialog(qtbot, editor)
    assert dialog.name.text() == "zarghuna"  # the signed-in user, before any certificate
    assert dialog.ok.isEnabled()
    assert "I, zarghuna, certify" in dialog.certificate.toPlainText()
    warning = dialog.someone_else
    assert warning.isVisible()
    assert warning.textFormat() == Qt.TextFormat.PlainText
    assert "Ahmad Karimi" in warning.text() and "zarghuna" in warning.text()
    dialog.name.clear()
    type_text(dialog.name, "Ahmad Karimi")  # the translator it names: nothing to warn of
    assert not warning.isVisible()
    dialog.name.clear()
    type_text(dialog.name, "Zarghuna Safi")
    assert warning.isVisible()
    dialog.reject()


def test_no_warning_when_the_statement_names_the_certifier(
    qtbot: Any, translator: VaultSession
) -> None:
    assert translator.vault is not None
    store = CaseStore(translator.vault)
    statement = store.children(store.list()[0].id, "statement")[0].id
    certify(translator.vault, statement, TranslatorDetails("Zarghuna Safi", "Kabul", "+93"))
    editor = make_editor(qtbot, translator)
    dialog = certify_through_the_dialog(qtbot, editor)
    assert dialog.name.text() == "Zarghuna Safi"  # as certified last
    assert not dialog.someone_else.isVisible()
    dialog.reject()


def test_an_original_in_pashto_is_right_to_left_whatever_its_first_letter(
    qapp: QApplication,
) -> None:
    statement = {
        "language": "ps",
        "text": PASHTO,
        "translation": {"language": "en", "text": "We gave our documents to UNHCR."},
    }
    dialog = CertifyDialog(statement, None, "zarghuna")
    try:
        assert direction(dialog.original) == RTL
        assert dialog.original.toPlainText() == PASHTO
    finally:
        dialog.deleteLater()
