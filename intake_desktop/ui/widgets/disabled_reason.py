"""Why a button is off: a line beside it, read by keyboard users and screen readers too.

A disabled button with no reason leaves someone working by keyboard stuck
(a tooltip needs a mouse, and a disabled button shows none). The dialog
says what is still missing in a line next to its buttons, and the button
carries the same words as its accessible description.
"""

from __future__ import annotations

from ..qt import QAbstractButton, QLabel, Qt, QWidget


class DisabledReason(QLabel):
    def __init__(self, button: QAbstractButton | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = button
        self.setObjectName("disabledReason")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        self.setStyleSheet("font-style: italic;")
        # Two lines reserved: a wrapped label growing after layout would overlap.
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)

    def show_reason(self, reason: str | None, *, busy: bool = False) -> None:
        """Enable the button when nothing is missing (and no work is running).

        Without a button (a wizard's, which the wizard enables itself) only
        the words change.
        """
        self.setText(reason or "")
        if self.button is not None:
            self.button.setEnabled(reason is None and not busy)
            self.button.setAccessibleDescription(reason or "")
