"""The workspace by keyboard alone: Tab out of the list, F6 between panes, the pane keys."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.ui.bundles.export_dialog import ExportDialog
from intake_desktop.ui.qt import QApplication, Qt, QWidget
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.keyboard import FORM, LIST, OUTLINE
from intake_desktop.ui.shell.main_window import MainWindow
from tests.helpers import MINIMAL_CASE
from tests.ui.test_main_window import unlock

Key = Qt.Key
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, locked_session: VaultSession) -> Iterator[MainWindow]:
    """Unlocked, three cases listed, the first one open, the window active."""
    win = MainWindow(locked_session)
    qtbot.addWidget(win)
    win.resize(1366, 740)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    unlock(qtbot, win)
    vault = locked_session.vault
    assert vault is not None
    for title in ("Karimi family", "Nazari family", "Rahimi family"):
        CaseStore(vault).add_case({**copy.deepcopy(MINIMAL_CASE), "title": title})
    win.cases.model.reload()
    win.cases.table.setFocus()
    win.cases.select(win.cases.model.case_id(0) or "")
    qtbot.waitUntil(lambda: win.editor.case_id == win.cases.model.case_id(0))
    yield win
    win.editor.flush()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot, key: Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifiers)


def test_tab_leaves_the_case_list_and_arrows_move_within_it(qtbot, window: MainWindow) -> None:
    """Tab walked cell by cell, and at a row's end opened the next case."""
    first, second = window.cases.model.case_id(0), window.cases.model.case_id(1)
    assert focused() is window.cases.table
    for _cell in range(6):  # more than the list's visible columns
        press(qtbot, Key.Key_Tab)
        if window.keys.pane_of(focused()) != LIST:
            break
    assert window.keys.pane_of(focused()) == OUTLINE
    assert focused() is window.editor.outline
    assert window.editor.case_id == first  # Tab opened no other case
    window.cases.table.setFocus()
    press(qtbot, Key.Key_Down)
    qtbot.waitUntil(lambda: window.editor.case_id == second)
    assert focused() is window.cases.table


def test_f6_walks_the_three_panes_and_shift_f6_walks_back(qtbot, window: MainWindow) -> None:
    editor = window.editor
    walk = []
    for _step in range(3):
        press(qtbot, Key.Key_F6)
        walk.append(window.keys.pane_of(focused()))
    assert walk == [OUTLINE, FORM, LIST]
    assert focused() is window.cases.table
    press(qtbot, Key.Key_F6)
    press(qtbot, Key.Key_F6)
    assert editor.form is not None and focused() is editor.form.first_input()
    back = []
    for _step in range(3):
        press(qtbot, Key.Key_F6, SHIFT)
        back.append(window.keys.pane_of(focused()))
    assert back == [OUTLINE, LIST, FORM]


def test_f6_passes_over_the_editor_while_no_case_is_open(qtbot, window: MainWindow) -> None:
    window.editor.clear()
    window.cases.search.setFocus()
    press(qtbot, Key.Key_F6)
    assert window.keys.pane_of(focused()) == LIST and focused() is window.cases.table


def test_ctrl_f_and_ctrl_1_2_3_go_straight_to_a_pane(qtbot, window: MainWindow) -> None:
    editor = window.editor
    press(qtbot, Key.Key_3, CTRL)
    assert editor.form is not None and focused() is editor.form.first_input()
    press(qtbot, Key.Key_F, CTRL)
    assert focused() is window.cases.search
    press(qtbot, Key.Key_2, CTRL)
    assert focused() is editor.outline
    press(qtbot, Key.Key_1, CTRL)
    assert focused() is window.cases.table
    # The search box's text is selected, so typing replaces it.
    window.cases.search.setText("Karimi")
    press(qtbot, Key.Key_F, CTRL)
    assert window.cases.search.selectedText() == "Karimi"


def test_ctrl_shift_n_adds_a_record_from_the_case_list(qtbot, window: MainWindow) -> None:
    """Ctrl+Shift+N worked only while focus was inside the editor."""
    editor = window.editor
    people = editor.outline.sections["person"].childCount()
    assert focused() is window.cases.table
    press(qtbot, Key.Key_N, CTRL | SHIFT)
    assert editor.outline.sections["person"].childCount() == people + 1
    assert editor.form is editor.forms["person"]
    assert focused() is editor.form.first_input()
    # And from the search box, with no case open: a word in the status bar, nothing else.
    editor.clear()
    window.cases.search.setFocus()
    press(qtbot, Key.Key_N, CTRL | SHIFT)
    assert "Open a case first" in window.statusBar().currentMessage()


def test_ctrl_shift_h_adds_household_members_from_the_case_list(qtbot, window: MainWindow) -> None:
    """The household dialog's shortcut worked only while focus was inside the editor."""
    editor = window.editor
    assert focused() is window.cases.table
    press(qtbot, Key.Key_H, CTRL | SHIFT)
    dialog = editor.household.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: editor.household.dialog is None)
    editor.clear()
    window.cases.search.setFocus()
    press(qtbot, Key.Key_H, CTRL | SHIFT)
    assert editor.household.dialog is None
    assert "Open a case first" in window.statusBar().currentMessage()


def test_ctrl_e_exports_from_the_search_box(qtbot, window: MainWindow) -> None:
    window.cases.search.setFocus()
    window.cases.search.setText("Karimi")
    press(qtbot, Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: window.findChild(ExportDialog) is not None)
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
