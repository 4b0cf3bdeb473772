"""The main window: unlocking, the case list, quick lock and idle lock."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.demo import fill
from intake_desktop.ui.cases.case_list import PAGE
from intake_desktop.ui.qt import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSettings,
    Qt,
    QTableView,
    QToolBar,
    QWidget,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow, NewCaseDialog
from tests.helpers import MINIMAL_CASE, PASSPHRASE

SENTINEL = "Qxzvtraw-SENTINEL-4471"


def visible_text(root: QWidget) -> str:
    """Every piece of text the window's widgets hold, models included."""
    parts: list[str] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QLabel):
            parts.append(widget.text())
        elif isinstance(widget, QComboBox):
            parts.extend(widget.itemText(i) for i in range(widget.count()))
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    parts.append(str(model.index(row, column).data()))
        parts.append(widget.toolTip())
    return "\n".join(parts)


@pytest.fixture
def window(qtbot, locked_session: VaultSession) -> MainWindow:
    win = MainWindow(locked_session)
    qtbot.addWidget(win)
    win.show()
    return win


def unlock(qtbot, win: MainWindow, passphrase: str = PASSPHRASE) -> None:
    with qtbot.waitSignal(win.session.unlocked, timeout=20_000):
        win.unlock_screen.passphrase.setText(passphrase)
        win.unlock_screen.button.click()


def test_a_wrong_then_the_right_passphrase(qtbot, window: MainWindow) -> None:
    screen = window.unlock_screen
    assert window.pages.currentWidget() is screen
    with qtbot.waitSignal(window.session.unlock_failed, timeout=20_000):
        screen.passphrase.setText("not the passphrase")
        screen.button.click()
    assert "Wrong passphrase" in screen.message.text()
    assert screen.passphrase.text() == ""
    # The growing pause: the button stays off until it has passed.
    assert not screen.button.isEnabled()
    qtbot.waitUntil(screen.button.isEnabled, timeout=10_000)
    unlock(qtbot, window)
    assert window.pages.currentWidget() is window.workspace
    assert window.session.vault is not None and window.session.vault.user.name == "farida"


def test_the_case_list_loads_lazily_and_searches(qtbot, window: MainWindow) -> None:
    unlock(qtbot, window)
    vault = window.session.vault
    assert vault is not None
    fill(vault, PAGE + 50, seed=3)
    CaseStore(vault).add_case({**copy.deepcopy(MINIMAL_CASE), "title": SENTINEL})
    window.cases.model.reload()
    model = window.cases.model
    assert model.total == PAGE + 51
    assert model.rowCount() == PAGE  # only the first page until the view scrolls
    assert model.canFetchMore()
    window.cases.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == PAGE + 51, timeout=5_000)
    window.cases.search.setText(SENTINEL.split("-")[0])
    qtbot.waitUntil(lambda: model.total == 1, timeout=5_000)
    assert model.rows[0].title == SENTINEL
    assert "1 of 1" in window.cases.count.text()


def test_quick_lock_clears_every_view(qtbot, window: MainWindow) -> None:
    unlock(qtbot, window)
    vault = window.session.vault
    assert vault is not None
    case_id = CaseStore(vault).add_case(
        {
            **copy.deepcopy(MINIMAL_CASE),
            "title": SENTINEL,
            "people": [{"full_name": SENTINEL + " person"}],
        }
    )
    window.cases.model.reload()
    window.cases.select(case_id)
    qtbot.waitUntil(lambda: window.editor.case_id == case_id, timeout=5_000)
    assert SENTINEL in visible_text(window)
    with qtbot.waitSignal(window.session.locked, timeout=5_000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.session.vault is None
    assert window.pages.currentWidget() is window.unlock_screen
    assert SENTINEL not in visible_text(window)
    assert not window.export_action.isEnabled()


def test_the_app_locks_itself_when_idle(qtbot, tmp_path: Path, locked_session: VaultSession):
    settings = QSettings(str(tmp_path / "idle.ini"), QSettings.Format.IniFormat)
    settings.setValue("lock/idle_minutes", 1)
    session = VaultSession(locked_session.path, settings)
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    unlock(qtbot, win)
    assert session._idle.isActive() and session._idle.interval() == 60_000
    # Input restarts the countdown; silence lets it run out (shortened here).
    session._idle.setInterval(200)
    session._idle.start()
    with qtbot.waitSignal(session.locked, timeout=5_000):
        pass
    assert win.pages.currentWidget() is win.unlock_screen


def new_case_dialog(qtbot, window: MainWindow) -> NewCaseDialog:
    window.new_case_action.trigger()
    qtbot.waitUntil(lambda: window.new_case_dialog is not None, timeout=5_000)
    dialog = window.new_case_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_a_new_case_from_the_toolbar(qtbot, window: MainWindow) -> None:
    unlock(qtbot, window)
    dialog = new_case_dialog(qtbot, window)
    qtbot.keyClicks(dialog.title, "Nazari family, Herat")
    dialog.route.setCurrentIndex(dialog.route.findData("siv"))
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    vault = window.session.vault
    assert vault is not None
    cases = CaseStore(vault).list()
    assert [(c.title, c.route) for c in cases] == [("Nazari family, Herat", "siv")]
    qtbot.waitUntil(lambda: window.editor.case_id == cases[0].id, timeout=5_000)
    assert window.cases.selected_ids() == [cases[0].id]
    assert window.new_case_dialog is None


def test_a_refused_title_keeps_the_dialog_open_and_says_why(qtbot, window: MainWindow) -> None:
    """A title over 300 characters was dropped: the dialog closed, no case, no message."""
    unlock(qtbot, window)
    dialog = new_case_dialog(qtbot, window)
    too_long = "Nazari family of Herat province " * 10  # 320 characters
    dialog.title.setText(too_long)
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    assert dialog.isVisible() and window.new_case_dialog is dialog
    assert dialog.problem.isVisible()
    assert "300" in dialog.problem.text() and "not made" in dialog.problem.text()
    qtbot.waitUntil(  # the reason is shown whole, not cut by a dialog too small for it
        lambda: dialog.problem.height() >= dialog.problem.heightForWidth(dialog.problem.width())
    )
    assert dialog.title.text() == too_long  # what was typed is still there to shorten
    vault = window.session.vault
    assert vault is not None
    assert CaseStore(vault).list() == []
    dialog.title.setText(too_long[:60].strip())
    assert not dialog.problem.isVisible()
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    assert [c.title for c in CaseStore(vault).list()] == [too_long[:60].strip()]


def test_locking_closes_the_new_case_dialog(qtbot, window: MainWindow) -> None:
    unlock(qtbot, window)
    dialog = new_case_dialog(qtbot, window)
    dialog.title.setText(SENTINEL)
    with qtbot.waitSignal(window.session.locked, timeout=5_000):
        window.session.lock()
    assert window.new_case_dialog is None and not dialog.isVisible()


def test_closing_the_window_saves_then_locks(qtbot, window: MainWindow) -> None:
    unlock(qtbot, window)
    session = window.session
    with qtbot.waitSignal(session.locked, timeout=5_000):
        window.close()
    assert session.vault is None


def test_first_run_offers_to_create_a_vault(qtbot, tmp_path: Path, settings) -> None:
    session = VaultSession(tmp_path / "none-yet", settings)
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win._wizard is not None, timeout=5_000)
    win._wizard.reject()
    qtbot.waitUntil(lambda: win._wizard is None, timeout=5_000)
    screen = win.unlock_screen
    assert screen.create_button.isVisible() and not screen.passphrase.isVisible()
    assert "no vault" in screen.title.text().lower()


def test_the_recovery_code_sets_a_new_passphrase(qtbot, tmp_path: Path, settings) -> None:
    from intake_desktop.core.errors import WrongPassphrase
    from intake_desktop.core.vault import Vault
    from intake_desktop.ui.access.recovery_dialog import RecoveryDialog
    from tests.helpers import make_vault

    path = tmp_path / "forgotten"
    vault, code = make_vault(path)
    vault.close()
    session = VaultSession(path, settings)
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    assert win.unlock_screen.forgot.isVisible()
    dialog = RecoveryDialog(session, win)  # deletes itself on close; the window owns it
    dialog.code.setText("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")  # a typo'd code
    dialog.entry.first.setText("a fresh long passphrase")
    dialog.entry.second.setText("a fresh long passphrase")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=20_000)
    assert "recovery code" in dialog.message.text().lower()
    dialog.code.setText(code.lower())
    dialog.entry.first.setText("a fresh long passphrase")
    dialog.entry.second.setText("a fresh long passphrase")
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.submit()
    assert dialog.done_for == "farida" and dialog.code.text() == ""
    Vault.open(path, "a fresh long passphrase").close()
    with pytest.raises(WrongPassphrase):
        Vault.open(path, PASSPHRASE)


def test_sorting_a_column_sorts_in_the_vault(qtbot, window: MainWindow) -> None:
    unlock(qtbot, window)
    vault = window.session.vault
    assert vault is not None
    store = CaseStore(vault)
    for title, status in (("B", "ready"), ("A", "closed"), ("C", "intake")):
        store.add_case({**copy.deepcopy(MINIMAL_CASE), "title": title, "status": status})
    window.cases.model.reload()
    status_column = window.cases.model.COLUMNS.index("status")
    window.cases.table.sortByColumn(status_column, Qt.SortOrder.AscendingOrder)
    assert [r.status for r in window.cases.model.rows] == ["closed", "intake", "ready"]
    window.cases.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [r.title for r in window.cases.model.rows] == ["C", "B", "A"]


def test_possible_duplicates_is_in_the_toolbar_and_opens_a_case(qtbot, window: MainWindow) -> None:
    assert window.duplicates_action in window.findChild(QToolBar, "main-toolbar").actions()
    assert not window.duplicates_action.isEnabled()  # locked
    unlock(qtbot, window)
    assert window.duplicates_action.isEnabled()
    vault = window.session.vault
    assert vault is not None
    case_id = CaseStore(vault).add_case({**copy.deepcopy(MINIMAL_CASE), "title": "Other"})
    window.cases.model.reload()
    window.go_to_case(case_id)  # what "Open case" in the duplicates view calls
    assert window.editor.case_id == case_id
    assert window.cases.selected_ids() == [case_id]
