"""A forgotten passphrase: the recovery code (on paper) sets a new one.

Opens the vault with the recovery code on a pool thread (Argon2id), rewraps
the chosen user's key slot under the new passphrase, and leaves the vault
locked: the person then unlocks with the passphrase they just chose, which
proves they typed it as they meant to.

Whose passphrase: the users' names are inside the encrypted vault, not in
the key-slot header, so the list is offered once the code is complete and
has opened the vault (``VaultSession.recovery_users``); nobody types a name
from memory.
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    Qt,
    QWidget,
)
from ..services.session import VaultSession
from ..widgets.disabled_reason import DisabledReason
from ..widgets.screen_fit import fit_to_screen, scrolling_dialog, tab_chain
from .passphrase_entry import NewPassphraseEntry


class RecoveryDialog(QDialog):
    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Set a new passphrase with the recovery code"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.done_for: str | None = None
        self._busy = False
        self._checked: str | None = None  # the canonical code whose users are listed
        self._checking: str | None = None  # the canonical code being checked now
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
        self.user = QComboBox()
        self.user.setObjectName("recoveryUser")
        self.user.setAccessibleName(_("Whose passphrase to set"))
        self.entry = NewPassphraseEntry(label=_("&New passphrase"))
        self.message = QLabel()
        self.message.setObjectName("recoveryMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        # A line reserved; a longer message grows the scrolling body, overlapping nothing.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("&Set the passphrase"))
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.reason = DisabledReason(self.ok)
        self.reason.setObjectName("recoveryReason")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        code_label = QLabel(_("Recovery &code"))
        code_label.setBuddy(self.code)
        user_label = QLabel(_("&User"))
        user_label.setBuddy(self.user)
        form.addRow(code_label, self.code)
        form.addRow(user_label, self.user)
        self.entry.align_with(code_label, user_label)  # one column of fields
        self.body = scrolling_dialog(
            self, [intro, form, self.entry, self.message], self.reason, self.buttons
        )
        tab_chain([self.code, self.user, *self.entry.focus_chain(), self.ok, self.cancel])
        self.setMinimumWidth(520)

        self.code.textChanged.connect(self._code_changed)
        self.user.currentIndexChanged.connect(self._update)
        self.entry.changed.connect(self._update)
        self._show_users([])
        self._update()
        fit_to_screen(self)

    # Whose passphrase

    def users(self) -> list[str]:
        """The names offered (empty until the code has opened the vault)."""
        return [self.user.itemText(i) for i in range(self.user.count())]

    def _show_users(self, names: list[str]) -> None:
        self.user.clear()
        self.user.addItems(names)
        if len(names) == 1:
            self.user.setCurrentIndex(0)
        else:
            self.user.setCurrentIndex(-1)
            self.user.setPlaceholderText(
                _("Choose whose passphrase to set")
                if names
                else _("Listed once the recovery code is typed")
            )
        self._update()

    def _code_changed(self, text: str) -> None:
        canonical = self.session.recovery_code_form(text)
        if canonical == self._checked:
            return
        if self._checked is not None:
            self._checked = None
            self._show_users([])
        if canonical is None or canonical == self._checking:
            return
        self._checking = canonical
        self.message.setText(_("Checking the recovery code…"))
        job = self.session.recovery_users(canonical).bind(self)
        job.finished.connect(lambda names: self._listed(canonical, names))
        job.failed.connect(lambda message: self._not_listed(canonical, message))
        job.start()

    def _listed(self, canonical: str, names: list[str]) -> None:
        if canonical == self._checking:
            self._checking = None
        if self.session.recovery_code_form(self.code.text()) != canonical:
            return  # the code was changed meanwhile: its own check decides
        self._checked = canonical
        self.message.clear()
        self._show_users(names)

    def _not_listed(self, canonical: str, message: str) -> None:
        if canonical == self._checking:
            self._checking = None
        if self.session.recovery_code_form(self.code.text()) == canonical:
            self.message.setText(message)

    # Setting the passphrase

    def missing(self) -> str | None:
        """What is still to fill in before the passphrase can be set, or None."""
        if not self.code.text().strip():
            return _("Type the recovery code from the paper.")
        if self.user.count() > 1 and self.user.currentIndex() < 0:
            return _("Choose whose passphrase to set.")
        return self.entry.missing()

    def _update(self) -> None:
        self.reason.show_reason(self.missing(), busy=self._busy)

    def submit(self) -> None:
        if self._busy:
            return
        passphrase = self.entry.take()
        if passphrase is None:
            return
        code, user = self.code.text(), self.user.currentText()
        self._busy = True
        self._update()
        self.message.setText(_("Checking the recovery code…"))
        job = self.session.reset_with_recovery_code(code, user, passphrase).bind(self)
        job.finished.connect(self._done)
        job.failed.connect(self._failed)
        job.start()

    def _done(self, name: str) -> None:
        self._busy = False
        self.done_for = name
        self.code.setText("")
        self.entry.clear()
        self.accept()

    def _failed(self, message: str) -> None:
        self._busy = False
        self._update()
        self.message.setText(message)

    def done(self, result: int) -> None:
        self.code.setText("")
        self.entry.clear()
        super().done(result)
