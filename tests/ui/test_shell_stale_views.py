"""Views that follow the vault: the list's counts after saves, the open case after a lock."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.ui.app import DesktopApp
from intake_desktop.ui.qt import QApplication, QSettings, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.widgets.language import InterfaceLanguage
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault
from tests.ui.test_main_window import unlock

NO_PEOPLE = {k: v for k, v in MINIMAL_CASE.items() if k not in ("people", "statements")}
OTHER_PASSPHRASE = "another long passphrase for rahim"


@pytest.fixture
def window(qtbot, locked_session: VaultSession) -> Iterator[MainWindow]:
    win = MainWindow(locked_session)
    qtbot.addWidget(win)
    win.resize(1366, 740)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    win.editor.flush()


def add_cases(window: MainWindow, *titles: str) -> list[str]:
    vault = window.session.vault
    assert vault is not None
    ids = [CaseStore(vault).add_case({**copy.deepcopy(NO_PEOPLE), "title": t}) for t in titles]
    window.cases.model.reload()
    return ids


def people_shown(window: MainWindow, case_id: str) -> str:
    model = window.cases.model
    row = model.row_of(case_id)
    assert row >= 0
    return str(model.index(row, model.COLUMNS.index("people")).data())


def test_the_people_count_follows_people_added_in_the_editor(qtbot, window: MainWindow) -> None:
    """The list kept "People 0" while four people were added."""
    unlock(qtbot, window)
    (case_id,) = add_cases(window, "Karimi family")
    window.cases.table.setFocus()
    window.cases.select(case_id)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.case_id == case_id)
    assert people_shown(window, case_id) == "0"
    for name in ("Zarmina", "Nasir", "Laila", "Omid"):
        editor.add_record("person")
        assert editor.form is editor.forms["person"]
        qtbot.keyClicks(editor.form.first_input(), f"{name} Karimi")
        assert editor.flush()
    qtbot.waitUntil(lambda: people_shown(window, case_id) == "4", timeout=5_000)
    # The refresh left the editor alone: the last person is still the one shown.
    assert editor.case_id == case_id and editor.form is editor.forms["person"]
    assert editor.current is not None and editor.current.parent() is not None
    assert window.cases.current_case() == case_id


def test_the_list_keeps_its_current_case_when_a_save_reorders_it(qtbot, window: MainWindow) -> None:
    unlock(qtbot, window)
    (older,) = add_cases(window, "Older family")
    vault = window.session.vault
    assert vault is not None
    CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))  # one person
    people = window.cases.model.COLUMNS.index("people")
    window.cases.table.sortByColumn(people, Qt.SortOrder.DescendingOrder)
    assert window.cases.model.case_id(1) == older
    window.cases.select(older)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.case_id == older)
    for name in ("Omid Older", "Laila Older"):
        editor.add_record("person")
        qtbot.keyClicks(editor.form.first_input(), name)
        assert editor.flush()
    shown = editor.current
    qtbot.waitUntil(lambda: window.cases.model.case_id(0) == older, timeout=5_000)
    assert window.cases.current_case() == older and window.cases.selected_ids() == [older]
    assert editor.case_id == older and editor.current is shown  # not opened again


def test_the_open_case_is_open_again_after_unlocking(
    qtbot, window: MainWindow, settings: QSettings
) -> None:
    unlock(qtbot, window)
    _first, second = add_cases(window, "Karimi family", "Nazari family")
    window.cases.select(second)
    qtbot.waitUntil(lambda: window.editor.case_id == second)
    with qtbot.waitSignal(window.session.locked, timeout=5_000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.case_id is None
    settings.sync()
    kept = Path(settings.fileName())
    assert not kept.exists() or second not in kept.read_text(encoding="utf-8")
    assert all(second not in str(settings.value(key)) for key in settings.allKeys())
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.editor.case_id == second, timeout=5_000)
    assert window.cases.current_case() == second


def test_another_person_unlocking_does_not_get_the_case_opened(
    qtbot, tmp_path: Path, settings: QSettings
) -> None:
    path = tmp_path / "shared"
    vault, _code = make_vault(path)
    vault.add_user("rahim", "caseworker", OTHER_PASSPHRASE)
    case_id = CaseStore(vault).add_case(copy.deepcopy(MINIMAL_CASE))
    vault.close()
    session = VaultSession(path, settings)
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    unlock(qtbot, win)
    win.cases.select(case_id)
    qtbot.waitUntil(lambda: win.editor.case_id == case_id)
    session.lock()
    unlock(qtbot, win, OTHER_PASSPHRASE)
    assert session.cases is not None and session.cases.user == "rahim"
    QApplication.processEvents()
    assert win.editor.case_id is None
    session.lock()
    unlock(qtbot, win, PASSPHRASE)  # farida's case was forgotten when rahim unlocked
    QApplication.processEvents()
    assert win.editor.case_id is None
    session.lock()


def test_a_language_switch_forgets_the_open_case(
    qtbot, locked_session: VaultSession, qapp: QApplication
) -> None:
    interface = InterfaceLanguage(qapp)
    desktop = DesktopApp(locked_session, interface)
    try:
        desktop.window.show()
        unlock(qtbot, desktop.window)
        (case_id,) = add_cases(desktop.window, "Karimi family")
        desktop.window.cases.select(case_id)
        qtbot.waitUntil(lambda: desktop.window.editor.case_id == case_id)
        assert desktop.switch_language("ps")
        unlock(qtbot, desktop.window)
        QApplication.processEvents()
        assert desktop.window.editor.case_id is None
    finally:
        interface.apply("en")
        desktop.window.close()
        desktop.window.deleteLater()
