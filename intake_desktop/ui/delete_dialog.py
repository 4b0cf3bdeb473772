"""Asking before a record leaves a case."""

from __future__ import annotations

from ..core.i18n import _, ngettext
from .field_labels import kind_text
from .qt import QMessageBox, Qt, QWidget


def confirm_delete(parent: QWidget, kind: str, label: str, users: int) -> bool:
    """True if the caseworker chose Delete (Cancel is the default button)."""
    text = _("Delete “{name}” from this case?").format(name=label)
    if users:
        text += "\n\n" + ngettext(
            "{count} other record refers to it; it will show it as a removed record.",
            "{count} other records refer to it; they will show it as a removed record.",
            users,
        ).format(count=users)
    text += "\n\n" + _("The deletion is recorded and travels with the case in bundles.")
    box = QMessageBox(QMessageBox.Icon.Warning, kind_text(kind, 2).rstrip("…"), text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    delete = box.addButton(_("Delete"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is delete
