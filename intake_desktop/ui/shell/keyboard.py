"""The workspace by keyboard: three panes, and the keys that move between them.

The workspace has three panes, in reading order: the case list (search box,
filters, the list), the case outline (with its Add and Delete buttons) and
the record form. F6 moves to the next pane and Shift+F6 to the previous one,
as in most desktop programs; Ctrl+1, Ctrl+2 and Ctrl+3 go straight to one,
Ctrl+F to the search box. Ctrl+Shift+N (a new record in the open case)
works from the case list as well as from inside the editor, which has its
own. A pane with nothing to reach (no case open) is passed over.

Text boxes take some Ctrl keys for editing on X11 (Ctrl+E moves to the end
of the line, Ctrl+U deletes it): the window's own shortcuts win over them,
so Ctrl+E exports from the search box too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...core.i18n import _
from ..qt import (
    QAction,
    QApplication,
    QEvent,
    QKeyEvent,
    QKeySequence,
    QObject,
    QShortcut,
    Qt,
    QWidget,
)

if TYPE_CHECKING:
    from .main_window import MainWindow

LIST, OUTLINE, FORM = 0, 1, 2


class PaneKeys(QObject):
    """Installs the pane keys on ``window`` and lets its shortcuts win over text boxes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        shortcuts: list[tuple[str, Callable[[], object]]] = [
            ("F6", lambda: self.step(1)),
            ("Shift+F6", lambda: self.step(-1)),
            ("Ctrl+F", self.focus_search),
            ("Ctrl+1", lambda: self.enter(LIST)),
            ("Ctrl+2", lambda: self.enter(OUTLINE)),
            ("Ctrl+3", lambda: self.enter(FORM)),
        ]
        self.actions: dict[str, QAction] = {}
        for keys, slot in shortcuts:
            act = QAction(window)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            window.addAction(act)
            self.actions[keys] = act
        # The editor has its own Ctrl+Shift+N and Ctrl+Shift+H; these cover the case list.
        self.new_record = QShortcut(QKeySequence("Ctrl+Shift+N"), window.cases, self.add_record)
        self.new_record.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_member = QShortcut(
            QKeySequence("Ctrl+Shift+H"), window.cases, self.add_household_members
        )
        self.new_member.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # Panes

    def pane_of(self, widget: QWidget | None) -> int | None:
        editor = self.window.editor
        for pane, root in (
            (LIST, self.window.cases),
            (FORM, editor.stack),
            (FORM, editor.message),
            (OUTLINE, editor),  # the header, the outline and its buttons
        ):
            if widget is not None and (widget is root or root.isAncestorOf(widget)):
                return pane
        return None

    def target(self, pane: int) -> QWidget | None:
        """Where focus goes in ``pane``; None when there is nothing to reach there."""
        cases, editor = self.window.cases, self.window.editor
        if pane == LIST:
            return cases.table if cases.model.rowCount() else cases.search
        if editor.case_id is None:
            return None
        if pane == OUTLINE:
            return editor.outline
        page = editor.stack.currentWidget()
        if page is editor.section_page:
            return editor.section_page.add
        form = editor.form
        if form is not None and page is form and form.isEnabled():
            return form.first_input()
        return None

    def enter(self, pane: int) -> bool:
        if self.window.pages.currentWidget() is not self.window.workspace:
            return False
        widget = self.target(pane)
        if widget is None or not widget.isEnabled() or not widget.isVisible():
            return False
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def step(self, direction: int) -> None:
        """To the next pane (``direction`` 1) or the previous one (-1) that has something."""
        here = self.pane_of(QApplication.focusWidget())
        start = here if here is not None else (LIST - direction) % 3
        for offset in (1, 2, 3):
            if self.enter((start + direction * offset) % 3):
                return

    def focus_search(self) -> None:
        if self.window.pages.currentWidget() is self.window.workspace:
            self.window.cases.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.window.cases.search.selectAll()

    def add_record(self) -> None:
        editor = self.window.editor
        if editor.case_id is None:
            self.window.statusBar().showMessage(
                _("Open a case first: choose it in the list, then add records to it."), 5000
            )
            return
        editor.add_record()

    def add_household_members(self) -> None:
        editor = self.window.editor
        if editor.case_id is None:
            self.window.statusBar().showMessage(
                _("Open a case first: choose it in the list, then add records to it."), 5000
            )
            return
        editor.add_household_members()

    # The window's shortcuts win over the editing keys of text boxes

    def _ours(self, event: QKeyEvent) -> bool:
        pressed = QKeySequence(event.keyCombination())
        return any(
            act.isEnabled()
            and any(
                s.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch for s in act.shortcuts()
            )
            for act in self.window.actions()
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and self._ours(event):
            event.ignore()  # not overridden: the shortcut map runs the window's action
            return True
        return False
