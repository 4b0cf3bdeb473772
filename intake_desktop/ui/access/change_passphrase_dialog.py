"""Changing my own passphrase: the current one first, then the new one twice.

The current passphrase is checked against *my* key slot only (one Argon2id
derivation and an AES-GCM unwrap, ``KeySlotHeader.open``), not with
``Vault.open``: that would try every user's slot (one second each), open a
second database connection, write a ``vault.unlock`` audit entry, and
accept another user's passphrase as if it were mine. A wrong current
passphrase counts as a failed unlock (the session's growing pause), so this
dialog is no faster a guessing oracle than the lock screen.

Both steps (check, then rewrap with the slot's own Argon2id parameters) run
in one job on a pool thread; the database is not re-encrypted.
"""

from __future__ import annotations

from ...core.errors import WrongPassphrase
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
from ..widgets.disabled_reason import DisabledReason
from ..widgets.screen_fit import fit_to_screen, scrolling_dialog, tab_chain
from .passphrase_entry import NewPassphraseEntry


class ChangePassphraseDialog(QDialog):
    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self._busy = False
        self.changed = False
        self.setWindowTitle(_("Change my passphrase"))
        about = QLabel(
            _(
                "Only your own passphrase changes; other users and the recovery code keep "
                "working as before."
            )
        )
        about.setWordWrap(True)
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.current.setAccessibleName(_("Current passphrase"))
        self.current.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.entry = NewPassphraseEntry(
            label=_("&New passphrase"),
            context=lambda: [session.users.me.name] if session.users else [],
        )
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Changing the passphrase"))
        self.busy.hide()
        self.message = QLabel()
        self.message.setObjectName("changePassphraseMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        # A line reserved; a longer message grows the scrolling body, overlapping nothing.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing())
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(
            _("&Change passphrase"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.reason = DisabledReason(self.ok)
        self.reason.setObjectName("changePassphraseReason")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        current_label = QLabel(_("C&urrent passphrase"))
        current_label.setBuddy(self.current)
        self._current_name = current_label.text().replace("&", "")
        form.addRow(current_label, self.current)
        self.entry.align_with(current_label)  # one column of fields
        self.body = scrolling_dialog(
            self, [about, form, self.entry, self.busy, self.message], self.reason, self.buttons
        )
        tab_chain([self.current, *self.entry.focus_chain(), self.ok, self.cancel])
        self.setMinimumWidth(520)

        self.current.textChanged.connect(self._update)
        self.entry.changed.connect(self._update)
        session.locked.connect(self._on_locked)
        self._update()
        fit_to_screen(self)

    @property
    def is_busy(self) -> bool:
        return self._busy

    def missing(self) -> str | None:
        """What is still to type before the passphrase can be changed, or None."""
        if not self.current.text():
            return _("Type your passphrase as it is now in “{field}”.").format(
                field=self._current_name
            )
        return self.entry.missing()

    def _update(self) -> None:
        self.reason.show_reason(self.missing(), busy=self._busy)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        self.current.setEnabled(not busy)
        self.entry.set_enabled(not busy)
        self.buttons.setEnabled(not busy)
        self._update()

    def submit(self) -> None:
        users = self.session.users
        if self._busy or users is None or not self.current.text():
            return
        wait = self.session.throttle.remaining()
        if wait > 0:
            self.message.setText(
                _("Wait {seconds} s before trying again.").format(seconds=int(wait) + 1)
            )
            return
        new = self.entry.take()
        if new is None:
            return
        current = self.current.text()
        self.message.clear()
        self._set_busy(True)
        job = users.change_own_passphrase(current, new).bind(self)
        job.finished.connect(self._changed)
        job.failed.connect(lambda message: self._failed(message, job.error))
        job.start()

    def _changed(self, _result: object) -> None:
        self._set_busy(False)
        self.session.throttle.succeeded()
        self.changed = True
        self.accept()

    def _failed(self, message: str, error: BaseException | None) -> None:
        self._set_busy(False)
        if isinstance(error, WrongPassphrase):
            self.session.throttle.failed()
            self.current.setText("")
            self.current.setFocus()
        self.message.setText(message)

    def _on_locked(self) -> None:
        if not self._busy:
            self.reject()

    def reject(self) -> None:
        if not self._busy:
            super().reject()

    def done(self, result: int) -> None:
        self.current.setText("")
        self.entry.clear()
        super().done(result)
