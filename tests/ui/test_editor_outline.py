"""The case editor's outline, names table and save state (issue 14, items 13 and the enum).

* A Pashto relationship label puts the relation word last ("… د احمد زوی"):
  a label cut at the pane's edge lost it. Labels wrap instead.
* Closing the app just after Enter in a name cell printed Qt's
  "commitData called with an editor that does not belong to this view".
* The save state is an enum, said in words by the header and the status bar.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.i18n import ENGLISH
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.case_outline import CaseOutline
from intake_desktop.ui.editor.save_state import SaveState
from intake_desktop.ui.qt import (
    QApplication,
    QSettings,
    Qt,
    QTextLayout,
    QTextOption,
    QTreeWidgetItem,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.widgets.language import InterfaceLanguage
from tests.helpers import PASSPHRASE, make_vault
from tests.ui.case_editor_support import family_document, select, type_text

LONG_NAMES = {
    "title": "د احمدزي کورنۍ",
    "route": "humanitarian_parole",
    "people": [
        {"id": "f", "full_name": "محمد نور احمدزی د کندهار ولایت د ارغنداب ولسوالۍ"},
        {"id": "s", "full_name": "عبدالرحمن احمدزی د محمد نور زوی"},
    ],
    "relationships": [{"person": "f", "relative": "s", "kind": "child"}],
}


@pytest.fixture
def pashto(qapp: QApplication) -> Iterator[None]:
    language = InterfaceLanguage(qapp)
    language.apply("ps")
    yield
    language.apply(ENGLISH)


def text_fits(outline: CaseOutline, item: QTreeWidgetItem) -> bool:
    """Whether an item's row is tall enough for its whole label, wrapped to its width."""
    rect = outline.visualItemRect(item)
    indent = outline.indentation() * (2 if item.parent() is not None else 1)
    layout = QTextLayout(item.text(0), item.font(0))
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(outline.viewport().width() - indent - 6)  # the item's own margins
        height += line.height()
    layout.endLayout()
    return height <= rect.height()


def test_a_pashto_relationship_label_keeps_its_relation_word(
    qtbot: Any, pashto: None, session: VaultSession
) -> None:
    assert session.vault is not None
    case_id = CaseStore(session.vault).add_case(LONG_NAMES)
    editor = CaseEditor(session)
    qtbot.addWidget(editor)
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    editor.open_case(case_id)
    QApplication.processEvents()
    outline = editor.outline
    item = outline.sections["relationship"].child(0)
    label = item.text(0)
    assert label.endswith("زوی") or "زوی" in label  # the Pashto word for the child, last
    assert outline.fontMetrics().horizontalAdvance(label) > outline.viewport().width()
    for each in [*outline.sections.values(), *outline.record_items()]:
        assert text_fits(outline, each), each.text(0)
    # Narrower still (the pane dragged smaller): the rows grow, nothing is cut.
    outline.setFixedWidth(220)
    QApplication.processEvents()
    assert text_fits(outline, item)


def test_closing_right_after_enter_in_a_name_cell_prints_no_qt_warning(
    qtbot: Any, tmp_path: Path, settings: QSettings, qt_messages: list[str]
) -> None:
    path = tmp_path / "vault"
    vault, _code = make_vault(path)
    case_id = CaseStore(vault).add_case(family_document(3))
    vault.close()
    window = MainWindow(VaultSession(path, settings))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.session.unlocked, timeout=20_000):
        window.unlock_screen.passphrase.setText(PASSPHRASE)
        window.unlock_screen.button.click()
    window.cases.select(case_id)
    qtbot.waitUntil(lambda: window.editor.case_id == case_id, timeout=5_000)
    editor = window.editor
    select(editor, "person", 0)
    table = editor.forms["person"].editor("names").names.table  # type: ignore[attr-defined]
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    cell = QApplication.focusWidget()
    assert cell is not None and cell.parentWidget() is table.viewport()
    type_text(cell, "ی")
    qtbot.keyClick(cell, Qt.Key.Key_Return)  # Qt commits and closes the cell a moment later
    window.close()  # ... after the close has saved, locked and cleared the form
    QApplication.processEvents()
    assert window.session.vault is None
    assert [m for m in qt_messages if "commitData" in m] == []


@pytest.fixture
def qt_messages() -> Iterator[list[str]]:
    """Every message Qt prints (warnings included) while the test runs."""
    from PySide6.QtCore import qInstallMessageHandler

    said: list[str] = []
    previous = qInstallMessageHandler(lambda _kind, _context, message: said.append(message))
    yield said
    qInstallMessageHandler(previous)


def test_every_save_state_is_said_in_words(editor: CaseEditor) -> None:
    words = {state: state.words() for state in SaveState}
    assert len(set(words.values())) == len(SaveState)  # no two states read the same
    for state in SaveState:
        editor.saver.set_state(state)
        assert editor.header.state.text() == words[state]
        assert editor.header.state.property("state") == state.value
