"""The lock screen: passphrase in, vault open; a growing pause after failures."""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ..services.session import VaultSession
from ..widgets.language import LanguageChooser


class UnlockScreen(QWidget):
    def __init__(self, session: VaultSession) -> None:
        super().__init__()
        self.session = session
        title = QLabel(_("This vault is locked"))
        title.setObjectName("lockTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        title.setFont(font)
        self.where = QLabel()
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.where.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(_("Passphrase"))
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.passphrase.setMinimumWidth(320)
        self.button = QPushButton(_("Unlock"))
        self.button.setDefault(True)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setObjectName("unlockMessage")
        self.title = title
        self.forgot = QPushButton(_("Forgot the passphrase?"))
        self.forgot.setFlat(True)
        self.forgot.setAccessibleName(_("Set a new passphrase with the recovery code"))
        self.forgot.clicked.connect(self._recover)
        self.create_button = QPushButton(_("Create a vault…"))
        self.create_button.setAccessibleName(_("Create a vault"))
        # Someone who does not read this language finds theirs here, before unlocking.
        self.language = LanguageChooser()
        language_row = QHBoxLayout()
        language_row.addStretch()
        language_row.addWidget(self.language)
        language_row.addStretch()
        create_row = QHBoxLayout()
        create_row.addStretch()
        create_row.addWidget(self.create_button)
        create_row.addStretch()

        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.passphrase)
        row.addWidget(self.button)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addWidget(self.where)
        layout.addSpacing(16)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addLayout(create_row)
        layout.addWidget(self.forgot, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)
        layout.addLayout(language_row)

        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)
        self.button.clicked.connect(self.submit)
        self.passphrase.returnPressed.connect(self.submit)
        session.unlock_failed.connect(self.failed)
        session.busy.connect(self._busy)
        self._failure = ""

    def showEvent(self, event: object) -> None:
        self.refresh()
        super().showEvent(event)  # type: ignore[arg-type]

    def refresh(self) -> None:
        """Unlock an existing vault, or offer to create one (first run, wizard cancelled)."""
        exists = self.session.exists()
        self.where.setText(str(self.session.path))
        self.title.setText(_("This vault is locked") if exists else _("There is no vault here yet"))
        for widget in (self.passphrase, self.button, self.forgot):
            widget.setVisible(exists)
        self.create_button.setVisible(not exists)
        (self.passphrase if exists else self.create_button).setFocus()

    def _recover(self) -> None:
        from .recovery_dialog import RecoveryDialog

        dialog = RecoveryDialog(self.session, self)
        dialog.accepted.connect(
            lambda: self.message.setText(_("New passphrase set. Unlock with it now."))
        )
        dialog.open()

    def submit(self) -> None:
        if not self.button.isEnabled() or not self.passphrase.text():
            return
        self.message.setText(_("Unlocking…"))
        self.session.unlock(self.passphrase.text())

    def failed(self, message: str, delay: float) -> None:
        self.passphrase.clear()
        self._failure = message
        self.message.setText(message)
        if delay > 0:
            self.button.setEnabled(False)
            self._countdown.start()

    def reset(self) -> None:
        """Forget what was typed (shown again after locking)."""
        self.passphrase.clear()
        self.message.clear()

    def _tick(self) -> None:
        left = self.session.throttle.remaining()
        if left <= 0:
            self._countdown.stop()
            self.button.setEnabled(True)
            self.message.setText(self._failure)
            self.passphrase.setFocus()
            return
        self.message.setText(
            _("{message} Try again in {seconds} s.").format(
                message=self._failure, seconds=int(left) + 1
            )
        )

    def _busy(self, busy: bool) -> None:
        self.passphrase.setEnabled(not busy)
        self.button.setEnabled(not busy and self.session.throttle.remaining() <= 0)
