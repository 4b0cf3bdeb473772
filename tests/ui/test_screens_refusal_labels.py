"""A refusal names the field as the form labels it, never by its storage key.

The New case dialog said "The case was not made: title: longer than 300
characters" (in Dari too: "title: بیشتر از 300 حرف است"). The core's errors
carry a template and the field's path; the dialogs now put the field's
label in its place, as the case editor does for its forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.i18n import ENGLISH, _
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.field_labels import field_label
from intake_desktop.ui.qt import QApplication, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.new_case_dialog import NewCaseDialog
from intake_desktop.ui.widgets.language import InterfaceLanguage

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)


@pytest.mark.parametrize("code", [ENGLISH, "fa_AF", "ps"])
def test_a_refused_title_is_named_by_its_label(
    qtbot, session: VaultSession, interface: InterfaceLanguage, code: str
) -> None:
    interface.apply(code)
    dialog = NewCaseDialog(None, session.cases)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title.setText("Nazari family of Herat province " * 10)  # 320 characters
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    text = dialog.problem.text()
    assert dialog.isVisible() and dialog.problem.isVisible() and "300" in text
    assert field_label("case", "title") + ":" in text, text
    assert "title:" not in text, text  # the storage key
    if code == ENGLISH:
        assert text == "The case was not made: Title: longer than 300 characters."
    assert CaseStore(session.vault).count() == 0  # type: ignore[arg-type]


def test_a_refused_household_member_is_named_by_the_label(
    qtbot: Any, session: VaultSession, interface: InterfaceLanguage
) -> None:
    assert session.vault is not None
    case_id = CaseStore(session.vault).add_case({"title": "Haidari family", "route": "siv"})
    editor = CaseEditor(session)
    qtbot.addWidget(editor)
    editor.resize(1100, 760)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.open_case(case_id)
    editor.outline.setFocus()
    qtbot.keyClick(editor.outline, Qt.Key.Key_H, CTRL_SHIFT)
    qtbot.waitUntil(lambda: editor.household.dialog is not None)
    dialog = editor.household.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.name.setText("Ahmad\x07 Haidari")  # a control character the core refuses
    dialog.add.click()
    text = dialog.status.text()
    assert text.startswith(_("Full name") + ":"), text
    assert "full_name" not in text and "Nothing was added." in text
    dialog.reject()
    editor.flush()
