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
    QWidget,
)
from ..services.session import VaultSession
from ..services.vocabulary import User
from ..widgets.disabled_reason import DisabledReason
from ..widgets.screen_fit import fit_to_screen, scrolling_dialog, tab_chain
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
        # A line reserved; a longer message grows the scrolling body, overlapping nothing.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing())
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add = self.buttons.addButton(_("&Add user"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.reason = DisabledReason(self.add)
        self.reason.setObjectName("addUserReason")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        name_label = QLabel(_("&Name"))
        name_label.setBuddy(self.name)
        role_label = QLabel(_("&Role"))
        role_label.setBuddy(self.roles.first_button)
        form.addRow(name_label, self.name)
        form.addRow(role_label, self.roles)
        self.entry.align_with(name_label, role_label)  # one column of fields
        self.body = scrolling_dialog(
            self, [about, form, self.entry, self.busy, self.message], self.reason, self.buttons
        )
        # Name, role, passphrase, repeat, then the buttons: Tab never turns back.
        tab_chain(
            [
                self.name,
                *self.roles.focus_chain(),
                *self.entry.focus_chain(),
                self.add,
                self.cancel,
            ]
        )
        self.setMinimumWidth(520)

        self.name.textChanged.connect(self._update)
        self.entry.changed.connect(self._update)
        session.locked.connect(self._on_locked)
        self._update()
        fit_to_screen(self)

    def missing(self) -> str | None:
        """What is still to fill in before the user can be added, or None."""
        if not self.name.text().strip():
            return _("Type the new user's name.")
        return self.entry.missing()

    def _update(self) -> None:
        self.reason.show_reason(self.missing(), busy=self._busy)

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
