"""Asking before something that cannot be undone."""

from __future__ import annotations

from collections.abc import Callable

from .qt import QMessageBox, Qt, QWidget


def confirm_destructive(
    parent: QWidget, title: str, text: str, action: str, on_confirm: Callable[[], None]
) -> QMessageBox:
    """A non-blocking question whose default is Cancel; ``on_confirm`` runs only on ``action``.

    The text is plain (it may hold a name someone typed). Keep the returned
    box referenced until it closes.
    """
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    confirm = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    confirm.clicked.connect(on_confirm)
    box.open()
    return box
