"""Asking before the first change to texts a certification or a read-back vouches for.

A signed certification (or read-back) names the exact texts; one letter
changed voids it. So while one holds, the texts it covers are read-only (they
can still be read, selected and copied), and the first key that would change
one asks: edit anyway, voiding it, or keep it as it is. The answer
"edit" unlocks them until another record is shown, and the key that asked
is then typed as if nothing had stopped it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...core.i18n import _
from ..qt import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QEvent,
    QKeyEvent,
    QKeySequence,
    QLineEdit,
    QMessageBox,
    QObject,
    QPlainTextEdit,
    Qt,
    QWidget,
    Signal,
)

Key = Qt.Key
Mod = Qt.KeyboardModifier
# Keys that read, select, copy or leave a text; anything else typed into it changes it.
_READING_KEYS = {
    Key.Key_Left,
    Key.Key_Right,
    Key.Key_Up,
    Key.Key_Down,
    Key.Key_Home,
    Key.Key_End,
    Key.Key_PageUp,
    Key.Key_PageDown,
    Key.Key_Tab,
    Key.Key_Backtab,
    Key.Key_Escape,
    Key.Key_Shift,
    Key.Key_Control,
    Key.Key_Alt,
    Key.Key_AltGr,
    Key.Key_Meta,
    Key.Key_Super_L,
    Key.Key_Super_R,
    Key.Key_CapsLock,
    Key.Key_NumLock,
    Key.Key_Menu,
}
_EDITING = (
    QKeySequence.StandardKey.Paste,
    QKeySequence.StandardKey.Cut,
    QKeySequence.StandardKey.Undo,
    QKeySequence.StandardKey.Redo,
    QKeySequence.StandardKey.Delete,
    QKeySequence.StandardKey.Backspace,
    QKeySequence.StandardKey.DeleteEndOfWord,
    QKeySequence.StandardKey.DeleteStartOfWord,
    QKeySequence.StandardKey.DeleteEndOfLine,
)
# Keys that change a closed combo box's choice (or open its list).
_CHOOSING_KEYS = {
    Key.Key_Up,
    Key.Key_Down,
    Key.Key_Home,
    Key.Key_End,
    Key.Key_PageUp,
    Key.Key_PageDown,
    Key.Key_Space,
    Key.Key_F4,
}


@dataclass(frozen=True)
class Protection:
    """What holds, in words: the question, its "edit anyway" button, the note shown meanwhile."""

    title: str
    question: str
    edit: str
    note: str


def _types(event: QKeyEvent) -> bool:
    """A letter, digit or sign typed (Ctrl+C is a command; AltGr+letter, on some
    keyboards Ctrl+Alt, is a letter)."""
    text, modifiers = event.text(), event.modifiers()
    command = bool(modifiers & (Mod.ControlModifier | Mod.MetaModifier))
    command = command and not modifiers & Mod.AltModifier
    return bool(text) and text.isprintable() and not command


def _changes_text(event: QKeyEvent) -> bool:
    if any(event.matches(key) for key in _EDITING):
        return True
    if event.key() in (Key.Key_Backspace, Key.Key_Delete, Key.Key_Return, Key.Key_Enter):
        return True
    return event.key() not in _READING_KEYS and _types(event)


def _changes_choice(event: QKeyEvent) -> bool:
    return event.key() in _CHOOSING_KEYS or _types(event)


class TextGuard(QObject):
    """Keeps ``texts`` (and ``choices``, language lists) from changing until the person says so.

    ``protect`` starts it (with the words to ask), ``release`` ends it;
    ``released`` fires when the person chose to edit anyway.
    """

    released = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.texts: list[QPlainTextEdit | QLineEdit] = []
        self.choices: list[QComboBox] = []
        self.protection: Protection | None = None
        self.guarded: list[QWidget] = []
        self.question: QMessageBox | None = None
        self.edit_button: QAbstractButton | None = None
        self.keep_button: QAbstractButton | None = None

    def watch(self, texts: list[QPlainTextEdit | QLineEdit], choices: list[QComboBox]) -> None:
        self.texts, self.choices = texts, choices
        for widget in (*texts, *choices):
            widget.installEventFilter(self)

    @property
    def active(self) -> bool:
        return self.protection is not None

    def protect(self, protection: Protection, widgets: list[QWidget]) -> None:
        """Read-only ``widgets`` (some of those watched) until the person chooses to edit."""
        self.release(quietly=True)
        self.protection = protection
        self.guarded = list(widgets)
        for widget in self.guarded:
            if isinstance(widget, QPlainTextEdit):
                widget.setReadOnly(True)
                # Still readable by keyboard: move, select and copy as before.
                widget.setTextInteractionFlags(
                    Qt.TextInteractionFlag.TextSelectableByMouse
                    | Qt.TextInteractionFlag.TextSelectableByKeyboard
                )
            elif isinstance(widget, QLineEdit):
                widget.setReadOnly(True)

    def release(self, quietly: bool = False) -> None:
        was = self.protection is not None
        self.protection = None
        for widget in self.guarded:
            if isinstance(widget, QPlainTextEdit | QLineEdit):
                widget.setReadOnly(False)  # also gives a text box its editing keys back
        self.guarded = []
        if self.question is not None:
            self.question.done(0)
        if was and not quietly:
            self.released.emit()

    # Edit attempts

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.protection is None or watched not in self.guarded:
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if isinstance(watched, QComboBox):
                attempt = _changes_choice(event)
            else:
                attempt = _changes_text(event)
            if attempt:
                self._ask(watched, _copy(event))
            return attempt
        if isinstance(watched, QComboBox):
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
                self._ask(watched, None)
                return True
            return kind == QEvent.Type.Wheel  # scrolling past a list never changes it
        return False

    def _ask(self, widget: QObject, key: QKeyEvent | None) -> None:
        protection = self.protection
        if protection is None or self.question is not None or not isinstance(widget, QWidget):
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            protection.title,
            protection.question,
            QMessageBox.StandardButton.NoButton,
            widget.window(),
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        edit = box.addButton(protection.edit, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(_("Keep it as it is"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self.question, self.edit_button, self.keep_button = box, edit, keep
        edit.clicked.connect(lambda: self._edit_anyway(widget, key))
        box.finished.connect(lambda _result: self._answered(widget))
        box.open()

    def _answered(self, widget: QWidget) -> None:
        self.question = self.edit_button = self.keep_button = None
        widget.activateWindow()  # back where the person was typing
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _edit_anyway(self, widget: QWidget, key: QKeyEvent | None) -> None:
        self.release()
        widget.activateWindow()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if key is not None:
            QApplication.sendEvent(widget, key)  # the key that asked, typed now


def _copy(event: QKeyEvent) -> QKeyEvent:
    return QKeyEvent(
        QEvent.Type.KeyPress,
        event.key(),
        event.modifiers(),
        event.text(),
        event.isAutoRepeat(),
        event.count(),
    )
