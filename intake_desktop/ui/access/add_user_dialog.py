"""Adding a person who can unlock this vault: name, role, their own passphrase.

The new key slot is sealed with Argon2id as a job (``UserService.add_user``);
the dialog shows a busy bar meanwhile and cannot be closed half-way. The
passphrase leaves the fields only for that job and the fields are emptied
when the dialog closes.
"""

from __future__ import annotations

import logging

from ...core.i18n import _
from ..qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ..services.session import VaultSession
from ..services.vocabulary import User
from .passphrase_entry import NewPassphraseEntry
from .role_choice import RoleChoice

log = logging.getLogger(__name__)


class AddUserDialog(QDialog):
    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.user: User | None = None
        self._busy = False
        self.setWindowTitle(_("Add a user"))
        about = QLabel(
            _(
                "The new user unlocks this vault with their own passphrase and sees every "
                "case in it. Let them type the passphrase themselves."
            )
        )
        about.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setMaxLength(64)
        self.name.setAccessibleName(_("Name"))
        self.roles = RoleChoice()
        self.entry = NewPassphraseEntry(
            label=_("Their &passphrase"), context=lambda: [self.name.text()]
        )
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Adding the user"))
        self.busy.hide()
        self.message = QLabel()
        self.message.setObjectName("addUserMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        # Two lines reserved: a wrapped label growing after layout would overlap.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2)
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add = self.buttons.addButton(_("&Add user"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add.setEnabled(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        name_label = QLabel(_("&Name"))
        name_label.setBuddy(self.name)
        role_label = QLabel(_("&Role"))
        role_label.setBuddy(self.roles.first_button)
        form.addRow(name_label, self.name)
        form.addRow(role_label, self.roles)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.entry)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        QWidget.setTabOrder(self.name, self.roles.first_button)
        QWidget.setTabOrder(self.roles.first_button, self.entry.first)
        self.setMinimumWidth(520)

        self.name.textChanged.connect(self._update)
        self.entry.changed.connect(self._update)
        session.locked.connect(self._on_locked)

    def _update(self) -> None:
        self.add.setEnabled(
            not self._busy and bool(self.name.text().strip()) and self.entry.has_input()
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        for widget in (self.name, self.roles, self.buttons):
            widget.setEnabled(not busy)
        self.entry.set_enabled(not busy)
        self._update()

    @property
    def is_busy(self) -> bool:
        return self._busy

    def submit(self) -> None:
        users = self.session.users
        if self._busy or users is None:
            return
        name = self.name.text().strip()
        passphrase = self.entry.take()
        if passphrase is None:
            return
        role = self.roles.role()
        self.message.clear()
        self._set_busy(True)

        job = users.add_user(name, role, passphrase).bind(self)
        job.finished.connect(self._added)
        job.failed.connect(self._failed)
        job.start()

    def _added(self, user: User) -> None:
        self._set_busy(False)
        self.user = user
        self.accept()

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.message.setText(message)

    def _on_locked(self) -> None:
        if not self._busy:
            self.reject()

    def reject(self) -> None:
        if not self._busy:
            super().reject()

    def done(self, result: int) -> None:
        self.entry.clear()
        super().done(result)
