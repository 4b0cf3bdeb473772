"""A forgotten passphrase: the recovery code (on paper) sets a new one.

Opens the vault with the recovery code on a pool thread (Argon2id), rewraps
the chosen user's key slot under the new passphrase, and leaves the vault
locked: the person then unlocks with the passphrase they just chose, which
proves they typed it as they meant to.
"""

from __future__ import annotations

from pathlib import Path

from ...core.errors import IntakeError, InvalidInput
from ...core.i18n import N_, _
from ...core.vault import Vault
from ..jobs.background import run_in_background
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
from .passphrase_entry import NewPassphraseEntry


def reset_with_recovery_code(path: Path, code: str, user: str, passphrase: str) -> str:
    """Set ``user``'s passphrase (the only user when empty); returns whose it was."""
    vault = Vault.open_with_recovery(path, code)
    try:
        users = vault.users()
        name = user.strip() or (users[0].name if len(users) == 1 else "")
        if not name:
            raise InvalidInput(N_("Several people use this vault: type whose passphrase to set."))
        vault.change_passphrase(passphrase, name)
        return name
    finally:
        vault.close()


class RecoveryDialog(QDialog):
    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Set a new passphrase with the recovery code"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.path = Path(path)
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
        run_in_background(
            lambda: reset_with_recovery_code(self.path, code, user, passphrase),
            self._done,
            self._failed,
        )

    def _done(self, name: str) -> None:
        self.done_for = name
        self.code.clear()
        self.entry.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.message.setText(
            str(exc) if isinstance(exc, IntakeError) else _("The passphrase could not be set.")
        )
