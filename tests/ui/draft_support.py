"""What the drafts tests share: a family case, a window on it, the typing, the checks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.save_state import SaveState
from intake_desktop.ui.qt import (
    QApplication,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSettings,
    Qt,
    QTimer,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from tests.helpers import PASSPHRASE, make_vault
from tests.ui.case_editor_support import family_document, line, type_text
from tests.ui.draft_driver import DATE, PARAGRAPH


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Vault]:
    vault = Vault.open(path, PASSPHRASE)
    try:
        yield vault
    finally:
        vault.close()


def make_family(path: Path) -> str:
    vault, _ = make_vault(path)
    try:
        return CaseStore(vault).add_case(family_document(3))
    finally:
        vault.close()


def new_window(qtbot: Any, path: Path, settings: QSettings) -> MainWindow:
    window = MainWindow(VaultSession(path, settings))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def unlock(qtbot: Any, window: MainWindow) -> None:
    with qtbot.waitSignal(window.session.unlocked, timeout=20_000):
        window.unlock_screen.passphrase.setText(PASSPHRASE)
        window.unlock_screen.button.click()


def open_case(qtbot: Any, window: MainWindow, case_id: str) -> CaseEditor:
    window.cases.select(case_id)
    qtbot.waitUntil(lambda: window.editor.case_id == case_id, timeout=5_000)
    return window.editor


def app_on_family(
    qtbot: Any, family: tuple[Path, str], settings: QSettings
) -> tuple[MainWindow, CaseEditor, str]:
    """The app on the family's vault, unlocked, the family's case open."""
    path, case_id = family
    window = new_window(qtbot, path, settings)
    unlock(qtbot, window)
    return window, open_case(qtbot, window, case_id), case_id


def original(editor: CaseEditor) -> QPlainTextEdit:
    text = editor.forms["statement"].editor("text").pair.text  # type: ignore[attr-defined]
    assert isinstance(text, QPlainTextEdit)
    return text


def type_date_then_paragraph(editor: CaseEditor) -> None:
    """The issue's steps: the date first (left incomplete), then the paragraph."""
    date = line(editor, "statement", "date")
    date.setFocus()
    type_text(date, DATE)
    text = original(editor)
    text.setFocus()
    text.moveCursor(text.textCursor().MoveOperation.End)
    type_text(text, PARAGRAPH)
    assert editor.saver.dirty  # the paragraph is in the widget only, until the lock


def press_ctrl_l(qtbot: Any, window: MainWindow) -> None:
    with qtbot.waitSignal(window.session.locked, timeout=5_000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.session.vault is None
    assert PARAGRAPH not in original(window.editor).toPlainText()  # the screen was cleared


def accept_next_box(button: str) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, click)


def assert_statement_draft_shown(editor: CaseEditor) -> None:
    date = line(editor, "statement", "date")
    assert isinstance(date, QLineEdit)
    assert date.text() == DATE
    assert date.property("invalid") is True
    assert original(editor).toPlainText().endswith(PARAGRAPH)
    assert editor.message.isVisible()
    said = editor.message.label.text()
    assert "draft" in said and "Date: Write the date as YYYY-MM-DD" in said
    assert editor.saver.state == SaveState.ERROR


# The scenario
