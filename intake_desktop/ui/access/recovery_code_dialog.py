"""Replacing the recovery code: make the new one, show it once, insist it is written down.

The old code stops working as soon as the new slot is written, so this
dialog cannot be dismissed until "I have written down the recovery code" is
ticked. The code is cleared from the widget when the dialog closes.
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ..services.session import VaultSession
from ..widgets.screen_fit import ScrollingBody, fit_to_screen, natural_size
from .recovery_code_view import RecoveryCodeView


class RecoveryCodeDialog(QDialog):
    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self._busy = False
        self.setWindowTitle(_("Replace the recovery code"))
        self.question = QLabel(
            _(
                "A new recovery code replaces the old one: the old paper stops working at once. "
                "Do this when the old code may have been seen or lost. Have paper and a pen "
                "ready: the new code is shown only once."
            )
        )
        self.question.setWordWrap(True)
        self.replace = QPushButton(_("&Make a new recovery code"))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Making a new recovery code"))
        self.busy.hide()
        self.view = RecoveryCodeView()
        self.view.hide()
        self.message = QLabel()
        self.message.setObjectName("recoveryMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        # Two lines reserved: a wrapped label growing after layout would overlap.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2)
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Close
        )
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.hide()
        self.buttons.rejected.connect(self.reject)

        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.question)
        body.addWidget(self.replace)
        body.addWidget(self.busy)
        body.addWidget(self.view)
        body.addWidget(self.message)
        body.addStretch()
        # The code and its steps scroll on a small screen; Close stays in sight.
        self.body = ScrollingBody(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        fit_to_screen(self)

        self.replace.clicked.connect(self.make_code)
        self.view.confirm.toggled.connect(self.close_button.setEnabled)
        session.locked.connect(self._on_locked)

    @property
    def is_busy(self) -> bool:
        return self._busy

    def make_code(self) -> None:
        users = self.session.users
        if self._busy or users is None or self.view.has_code:
            return
        self._busy = True
        self.replace.setEnabled(False)
        self.buttons.setEnabled(False)
        self.busy.show()
        self.message.clear()

        job = users.new_recovery_code().bind(self)
        job.finished.connect(self._made)
        job.failed.connect(self._failed)
        job.start()

    def _made(self, code: str) -> None:
        self._busy = False
        self.busy.hide()
        if not self.session.is_unlocked:
            # Locked meanwhile: a code on the screen of an unattended laptop helps nobody.
            self.message.setText(
                _(
                    "The vault locked before the new code was shown. Unlock it and replace the "
                    "recovery code again."
                )
            )
            self.buttons.setEnabled(True)
            return
        self.question.hide()
        self.replace.hide()
        self.view.set_code(code)
        self.view.show()
        self.buttons.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
        self.close_button.show()
        self.close_button.setEnabled(False)
        self.view.confirm.setFocus()
        # After the new widgets are polished (style sheet padding, fonts).
        QTimer.singleShot(0, self, self.fit_height)

    def fit_height(self) -> None:
        """Grow to show the code and its steps whole, as far as the screen allows."""
        wanted = natural_size(self)
        if wanted.height() > self.height() or wanted.width() > self.width():
            fit_to_screen(self, wanted.expandedTo(self.size()))

    def _failed(self, message: str) -> None:
        self._busy = False
        self.busy.hide()
        self.replace.setEnabled(True)
        self.buttons.setEnabled(True)
        self.message.setText(message)

    def _on_locked(self) -> None:
        # Idle lock: nobody is at the laptop, so the code must not stay on screen.
        self.view.clear()
        if not self._busy:
            super().reject()

    def reject(self) -> None:
        # Not while the slot is being written, and not before the new code is on paper.
        if self._busy or (self.view.has_code and not self.view.is_confirmed):
            return
        super().reject()

    def done(self, result: int) -> None:
        self.view.clear()
        super().done(result)
