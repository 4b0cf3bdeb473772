"""Counsel's packet in the app: the "Counsel packet…" action and its dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.errors import IntakeError
from ...core.i18n import _
from ..qt import QAction, QKeySequence, QMenu, Qt, QWidget
from ..services.session import VaultSession
from .packet_dialog import PacketDialog

if TYPE_CHECKING:
    from ..shell.main_window import MainWindow

SHORTCUT = "Ctrl+Shift+P"

__all__ = ["PacketDialog", "add_packet_action", "open_packet"]


def open_packet(parent: QWidget, session: VaultSession, case_id: str | None) -> str | None:
    """Open the packet dialog on ``case_id``; else a sentence saying why not."""
    service = session.cases
    if service is None:
        return None
    if case_id is None:
        return _("Choose a case in the list first.")
    try:
        title = str(service.record(case_id).body.get("title") or "")
    except IntakeError as exc:
        return str(exc)
    dialog = PacketDialog(session, case_id, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return None


def add_packet_action(window: MainWindow, menu: QMenu) -> QAction:
    """The main window's "Counsel packet…" (Ctrl+Shift+P) in ``menu`` (Export's arrow).

    It acts on the case chosen in the list, else the one open in the editor,
    after storing what is typed in it (the packet shows the case as saved).
    """
    action = QAction(_("Counsel packet…"), window)
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.setToolTip(
        _("A filing-ready PDF of the case chosen in the list, for counsel (Ctrl+Shift+P)")
    )

    def triggered() -> None:
        case_id = window.cases.current_case() or window.editor.case_id
        if case_id is not None and window.editor.case_id == case_id:
            window.editor.flush()
        problem = open_packet(window, window.session, case_id)
        if problem:
            window.statusBar().showMessage(problem, 8000)

    action.triggered.connect(triggered)
    window.addAction(action)
    menu.addAction(action)
    action.setEnabled(window.session.is_unlocked)
    return action
