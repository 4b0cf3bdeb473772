"""Deleting a case from the app (issue 13, item 16), with the keyboard.

The case list's Delete key (and its context menu, and the case menu under
New case) asks first, naming the case; Cancel is the default. Deleting
clears the editor that showed the case, the list loses it, and the next
bundle carries the deletion. A refusal (the case changed meanwhile) is
shown, and nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyrage
import pytest
from PySide6.QtWidgets import QAbstractButton  # only the tests need the base class

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.errors import NotFound
from intake_desktop.core.trust import TrustStore
from intake_desktop.ui.bundles.export_dialog import ALL
from intake_desktop.ui.qt import QMessageBox, QSettings, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.widgets.bidi import FSI, PDI
from tests.helpers import MINIMAL_CASE, make_vault
from tests.ui.bundle_dialog_support import export_with_dialog, shot

pytestmark = pytest.mark.usefixtures("jobs_end")

TITLE = "<b>Rahimi</b> family"


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


def destructive(box: QMessageBox | None) -> QAbstractButton:
    assert box is not None
    role = QMessageBox.ButtonRole.DestructiveRole
    [button] = [b for b in box.buttons() if box.buttonRole(b) == role]
    return button


@pytest.fixture
def window(qtbot, qapp: object, tmp_path: Path, settings: QSettings) -> Iterator[MainWindow]:
    path = tmp_path / "vault"
    vault, _code = make_vault(path)
    TrustStore(vault).add_recipient("Office", str(pyrage.x25519.Identity.generate().to_public()))
    win = MainWindow(VaultSession(path, settings))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.session._opened(vault)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    win.session.lock()


def test_a_case_is_deleted_from_the_list_after_a_question_naming_it(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    service = window.session.cases
    assert service is not None and window.session.vault is not None
    store = CaseStore(window.session.vault)
    doomed = service.new_case(TITLE, "siv")
    store.add_case(MINIMAL_CASE)
    window.cases.model.reload()
    window.cases.select(doomed)
    assert window.editor.case_id == doomed

    # Reachable: in the list's context menu, the case menu, and on the Delete key.
    assert window.cases.delete_action in window.cases.table.actions()
    assert window.cases.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert window.delete_case_action in window.case_menu.actions()
    window.cases.table.setFocus()
    qtbot.keyClick(window.cases.table, Qt.Key.Key_Delete)
    box = window.delete_box
    assert box is not None and box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    text = plain(box.text())
    assert f"Delete the case “{TITLE}” ({doomed}) and everything in it?" in text
    assert "deleted from this vault" in text and "next bundle" in text
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    shot(window, "delete-case-window")
    shot(box, "delete-case-confirmation")
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert store.document(doomed)["title"] == TITLE  # asked, and nothing happened

    window.cases.table.setFocus()
    qtbot.keyClick(window.cases.table, Qt.Key.Key_Delete)
    destructive(window.delete_box).click()
    with pytest.raises(NotFound):
        store.document(doomed)
    assert window.editor.case_id is None  # it showed that case: cleared
    assert window.cases.model.total == 1 and window.cases.model.row_of(doomed) == -1
    assert TITLE in plain(window.statusBar().currentMessage())

    # The deletion travels in the next bundle (a deleted case has no consent to refuse it).
    result = export_with_dialog(qtbot, window.session, tmp_path / "next.intake", "Office", ALL)
    assert result.cases == 2


def test_a_refused_deletion_is_shown_and_deletes_nothing(qtbot, window: MainWindow) -> None:
    service = window.session.cases
    assert service is not None and window.session.vault is not None
    case_id = service.new_case("Karimi family", "siv")
    window.cases.model.reload()
    window.delete_case(case_id)
    assert window.delete_box is not None
    # Changed elsewhere (another window, the command line) while the question was open.
    CaseStore(window.session.vault).update_case(case_id, {"title": "Karimi family (edited)"})
    destructive(window.delete_box).click()
    refusal = window.delete_box
    assert refusal is not None and refusal.isVisible()
    assert refusal.textFormat() == Qt.TextFormat.PlainText
    assert "changed elsewhere" in refusal.text() and "Nothing was deleted." in refusal.text()
    assert CaseStore(window.session.vault).document(case_id)["title"] == "Karimi family (edited)"
    refusal.close()
