"""A forgotten passphrase: the recovery code (on paper) sets a new one.

Opens the vault with the recovery code on a pool thread (Argon2id), rewraps
the chosen user's key slot under the new passphrase, and leaves the vault
locked: the person then unlocks with the passphrase they just chose, which
proves they typed it as they meant to.
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ..services.session import VaultSession
from .passphrase_entry import NewPassphraseEntry


class RecoveryDialog(QDialog):
    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Set a new passphrase with the recovery code"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        intro = QLabel(
            _(
                "The recovery code was shown once when this vault was made and written on paper. "
                "It sets a new passphrase; the cases stay as they are."
            )
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.code = QLineEdit()
        self.code.setAccessibleName(_("Recovery code"))
        self.code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.user = QLineEdit()
        self.user.setAccessibleName(_("User name"))
        self.user.setPlaceholderText(_("only needed when several people use this vault"))
        self.entry = NewPassphraseEntry()
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Set the passphrase"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Recovery code"), self.code)
        form.addRow(_("User"), self.user)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.entry)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.done_for: str | None = None

    def submit(self) -> None:
        if not self.entry.validate():
            return
        passphrase = self.entry.take()
        if passphrase is None:
            return
        code, user = self.code.text(), self.user.text()
        self.ok.setEnabled(False)
        self.message.setText(_("Checking the recovery code…"))
        job = self.session.reset_with_recovery_code(code, user, passphrase).bind(self)
        job.finished.connect(self._done)
        job.failed.connect(self._failed)
        job.start()

    def _done(self, name: str) -> None:
        self.done_for = name
        self.code.clear()
        self.entry.clear()
        self.accept()

    def _failed(self, message: str) -> None:
        self.ok.setEnabled(True)
        self.message.setText(message)
