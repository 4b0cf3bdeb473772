"""Asking before something that cannot be undone."""

from __future__ import annotations

from collections.abc import Callable

from ..qt import QAbstractButton, QMessageBox, Qt, QWidget


def _question(
    parent: QWidget, title: str, text: str, action: str, icon: QMessageBox.Icon
) -> tuple[QMessageBox, QAbstractButton]:
    """A box with ``action`` and Cancel, Cancel the default; plain text (names people typed)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    confirm = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box, confirm


def confirm_destructive(
    parent: QWidget,
    title: str,
    text: str,
    action: str,
    on_confirm: Callable[[], None],
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> QMessageBox:
    """A non-blocking question whose default is Cancel; ``on_confirm`` runs only on ``action``.

    Keep the returned box referenced until it closes.
    """
    box, confirm = _question(parent, title, text, action, icon)
    confirm.clicked.connect(on_confirm)
    box.open()
    return box


def confirmed(
    parent: QWidget,
    title: str,
    text: str,
    action: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> bool:
    """The same question, answered before returning: True only for ``action``."""
    box, confirm = _question(parent, title, text, action, icon)
    box.exec()
    return box.clickedButton() is confirm
