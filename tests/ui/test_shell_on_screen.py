"""A dialog that grows after it opened stays on the screen (widgets/on_screen.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from intake_desktop.ui.qt import QApplication, QDialog, QLabel, QVBoxLayout
from intake_desktop.ui.widgets.on_screen import OnScreen, install_on_screen


@pytest.fixture
def keeper(qapp: QApplication) -> Iterator[OnScreen]:
    installed = install_on_screen(qapp)
    yield installed
    qapp.removeEventFilter(installed)
    installed.setParent(None)
    installed.deleteLater()


def grown_dialog(qtbot) -> tuple[QDialog, QLabel]:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    more = QLabel("The new recovery code")
    more.hide()
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel("Replace the recovery code"))
    layout.addWidget(more)
    return dialog, more


def test_a_dialog_that_grows_at_the_bottom_of_the_screen_moves_up(qtbot, keeper: OnScreen) -> None:
    dialog, more = grown_dialog(qtbot)
    area = dialog.screen().availableGeometry()
    dialog.resize(400, 200)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.move(area.left() + 20, area.bottom() - dialog.frameGeometry().height() - 10)
    qtbot.waitUntil(lambda: area.contains(dialog.frameGeometry()))
    more.setMinimumHeight(450)  # the code appears: the dialog grows by 450 px
    more.show()
    qtbot.waitUntil(lambda: dialog.height() >= 450)
    assert area.contains(dialog.frameGeometry()), (dialog.frameGeometry(), area)


def test_a_dialog_taller_than_the_screen_is_made_to_fit(qtbot, keeper: OnScreen) -> None:
    dialog, _more = grown_dialog(qtbot)
    area = dialog.screen().availableGeometry()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(300, area.height() + 200)
    qtbot.waitUntil(lambda: area.contains(dialog.frameGeometry()))
    assert dialog.height() < area.height()
