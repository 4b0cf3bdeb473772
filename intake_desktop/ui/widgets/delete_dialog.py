"""Asking before a record leaves a case, or a case leaves the vault."""

from __future__ import annotations

from collections.abc import Callable

from ...core.i18n import _, ngettext
from ..editor.field_labels import kind_text
from ..qt import QMessageBox, QWidget
from .bidi import isolate
from .confirm import confirm_destructive, confirmed


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
    return confirmed(parent, kind_text(kind, 2).rstrip("…"), text, _("Delete"))


def ask_delete_case(
    parent: QWidget, title: str, case_id: str, on_confirm: Callable[[], None]
) -> QMessageBox:
    """A non-blocking question naming the case; ``on_confirm`` runs only on "Delete case".

    Cancel is the default button. Keep the returned box referenced until it closes.
    """
    text = (
        _("Delete the case “{title}” ({id}) and everything in it?").format(
            title=isolate(title), id=isolate(case_id)
        )
        + "\n\n"
        + _(
            "Its people, documents, statements, consents and files are deleted from this "
            "vault and cannot be brought back here. The deletion travels in the next bundle "
            "you export, like any other change."
        )
    )
    return confirm_destructive(
        parent, _("Delete case"), text, _("Delete case"), on_confirm, QMessageBox.Icon.Warning
    )
