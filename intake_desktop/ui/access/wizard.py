"""First run: create the vault, then show its recovery code once.

Pages: welcome -> about you and this vault -> passphrase (a commit page:
"Create vault") -> creating (Argon2id on a pool thread, a busy bar) ->
recovery code (Finish only after "I have written down the recovery code").

The passphrase stays in its two fields until the vault exists, then they
are emptied; the recovery code lives only in its label until the wizard
closes, and is never logged or put on the clipboard.
"""

from __future__ import annotations

import logging
from itertools import pairwise

from ...core.i18n import _
from ..qt import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from ..services.session import VaultSession
from ..services.vocabulary import RECOVERY_USER
from ..widgets.disabled_reason import DisabledReason
from ..widgets.language import LanguageChooser
from ..widgets.screen_fit import ScrollingBody, fit_to_screen, natural_size
from .passphrase_entry import NewPassphraseEntry
from .recovery_code_view import RecoveryCodeView
from .role_choice import RoleChoice

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 64


def plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def scrolling(page: QWizardPage, content: QWidget, *below: QWidget) -> None:
    """Lay ``page`` out as ``content`` that scrolls on a small screen, then ``below``."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(ScrollingBody(content), 1)
    for widget in below:
        layout.addWidget(widget)


def name_problem(name: str) -> str | None:
    """Why a user or vault name would be refused (the same rules as the vault)."""
    if not name:
        return _("Fill in this name.")
    if len(name) > MAX_NAME_CHARS or not all(ch.isprintable() for ch in name):
        return _("A name needs 1 to {count} printable characters.").format(count=MAX_NAME_CHARS)
    return None


class WelcomePage(QWizardPage):
    def __init__(self, session: VaultSession) -> None:
        super().__init__()
        self.setTitle(_("Welcome to intake-desktop"))
        self.setSubTitle(_("Case files for people at risk, kept safe on this laptop."))
        text = plain_label(
            _(
                "intake-desktop keeps the case files of families at risk in an encrypted vault "
                "on this laptop, and sends them as signed, encrypted bundles, with no internet "
                "needed. A leaked case file can get someone hurt or killed, so nothing in the "
                "vault can be read without a passphrase, and you will choose it now."
            )
        )
        where = plain_label(_("The vault will be made in:\n{path}").format(path=session.path))
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Choosing the language rebuilds the wizard in it (app.DesktopApp).
        self.language = LanguageChooser()
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.language)
        layout.addSpacing(12)
        layout.addWidget(text)
        layout.addSpacing(12)
        layout.addWidget(where)
        layout.addStretch()
        scrolling(self, content)


class DetailsPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("This vault and you"))
        self.setSubTitle(_("Both names are kept inside the encrypted vault."))
        self.vault_name = QLineEdit()
        self.vault_name.setMaxLength(MAX_NAME_CHARS)
        self.vault_name.setAccessibleName(_("Vault name"))
        self.vault_name.setPlaceholderText(_("e.g. Kabul field laptop 2"))
        vault_help = plain_label(
            _(
                "Coordinators see this label on every bundle from this laptop: name a place or a "
                "team, never a family."
            )
        )
        self.user_name = QLineEdit()
        self.user_name.setMaxLength(MAX_NAME_CHARS)
        self.user_name.setAccessibleName(_("Your name"))
        self.user_name.setPlaceholderText(_("as colleagues know you"))

        self.roles = RoleChoice()
        self.message = plain_label()
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.reason = DisabledReason(None)
        self.reason.setObjectName("detailsReason")

        content = QWidget()
        form = QFormLayout(content)
        form.setContentsMargins(0, 0, 0, 0)
        vault_label = QLabel(_("&Vault name"))
        vault_label.setBuddy(self.vault_name)
        user_label = QLabel(_("Your &name"))
        user_label.setBuddy(self.user_name)
        role_label_widget = QLabel(_("Your &role"))
        role_label_widget.setBuddy(self.roles.first_button)
        form.addRow(vault_label, self.vault_name)
        form.addRow("", vault_help)
        form.addRow(user_label, self.user_name)
        form.addRow(role_label_widget, self.roles)
        form.addRow(self.message)
        scrolling(self, content, self.reason)
        for first, second in pairwise([self.vault_name, self.user_name, *self.roles.focus_chain()]):
            QWidget.setTabOrder(first, second)
        self.vault_name.textChanged.connect(self.completeChanged)
        self.user_name.textChanged.connect(self.completeChanged)
        self.completeChanged.connect(lambda: self.reason.show_reason(self.missing()))
        self.reason.show_reason(self.missing())

    def missing(self) -> str | None:
        """Why Next is off: the name still to type, or None."""
        if not self.vault_name.text().strip():
            return _("Type a name for this vault.")
        if not self.user_name.text().strip():
            return _("Type your name.")
        return None

    def role(self) -> str:
        return self.roles.role()

    def restore(self, draft: dict[str, str]) -> None:
        """What was typed before the wizard was rebuilt in another language."""
        self.vault_name.setText(draft.get("vault_name", ""))
        self.user_name.setText(draft.get("user_name", ""))
        if draft.get("role") in self.roles.buttons:
            self.roles.set_role(draft["role"])

    def isComplete(self) -> bool:
        return self.missing() is None

    def validatePage(self) -> bool:
        problem = name_problem(self.vault_name.text().strip())
        field = self.vault_name
        if problem is None:
            field = self.user_name
            problem = name_problem(self.user_name.text().strip())
            if problem is None and self.user_name.text().strip() == RECOVERY_USER:
                problem = _("That name is reserved; choose another.")
        self.message.setText(problem or "")
        if problem:
            field.setFocus()
        return problem is None


class PassphrasePage(QWizardPage):
    def __init__(self, details: DetailsPage) -> None:
        super().__init__()
        self.setTitle(_("Your passphrase"))
        self.setSubTitle(
            _(
                "It unlocks the vault. Nobody can reset it for you: only the recovery code, "
                "shown next, can replace it."
            )
        )
        self.entry = NewPassphraseEntry(
            context=lambda: [details.user_name.text(), details.vault_name.text()]
        )
        self.reason = DisabledReason(None)
        self.reason.setObjectName("passphraseReason")
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.entry)
        layout.addStretch()
        scrolling(self, content, self.reason)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("&Create vault"))
        self.entry.changed.connect(self.completeChanged)
        self.completeChanged.connect(lambda: self.reason.show_reason(self.entry.missing()))
        self.reason.show_reason(self.entry.missing())

    def initializePage(self) -> None:
        self.entry.first.setFocus()

    def isComplete(self) -> bool:
        return self.entry.missing() is None

    def validatePage(self) -> bool:
        return self.entry.validate()


class CreatingPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Creating the vault"))
        self.setSubTitle(_("This takes a few seconds."))
        self.working_text = _(
            "Making the vault and its keys. The passphrase is stretched on purpose, so that "
            "guessing it is slow."
        )
        self.status = plain_label(self.working_text)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Creating the vault"))
        self.error = plain_label()
        self.error.setObjectName("createError")
        self.error.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.error.hide()
        self.retry = QPushButton(_("&Try again"))
        self.retry.hide()
        row = QHBoxLayout()
        row.addWidget(self.retry)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addLayout(row)
        layout.addStretch()
        self.setCommitPage(True)  # once the vault exists there is no going back
        self.setButtonText(QWizard.WizardButton.CommitButton, _("&Next"))
        self.created = False

    def isComplete(self) -> bool:
        return self.created

    def set_working(self) -> None:
        self.status.setText(self.working_text)
        self.busy.show()
        self.error.hide()
        self.retry.hide()

    def set_failed(self, message: str) -> None:
        self.status.setText(_("The vault was not created:"))
        self.busy.hide()
        self.error.setText(message)
        self.error.show()
        self.retry.show()
        self.retry.setFocus()


class RecoveryCodePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Write down the recovery code"))
        self.setSubTitle(_("It is shown only this once."))
        self.view = RecoveryCodeView()
        scrolling(self, self.view)
        self.view.confirm.toggled.connect(self.completeChanged)

    def initializePage(self) -> None:
        self.view.confirm.setFocus()

    def isComplete(self) -> bool:
        return self.view.has_code and self.view.is_confirmed


class CreateVaultWizard(QWizard):
    def __init__(
        self,
        session: VaultSession,
        parent: QWidget | None = None,
        *,
        kdf_target_seconds: float = 1.0,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.kdf_target_seconds = kdf_target_seconds
        self.setWindowTitle(_("Create a vault"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setMinimumWidth(600)
        self.welcome = WelcomePage(session)
        self.details = DetailsPage()
        self.passphrase = PassphrasePage(self.details)
        self.creating = CreatingPage()
        self.code_page = RecoveryCodePage()
        for page in (self.welcome, self.details, self.passphrase, self.creating, self.code_page):
            self.addPage(page)
        fit_to_screen(self, natural_size(self).expandedTo(QSize(640, 560)))
        self._busy = False
        self.currentIdChanged.connect(self._page_changed)
        self.creating.retry.clicked.connect(self._create)
        session.locked.connect(self._on_locked)

    @property
    def is_busy(self) -> bool:
        return self._busy

    def _page_changed(self, _page_id: int) -> None:
        # Grow to what this page asks for, within the screen (its body scrolls beyond).
        wanted = natural_size(self)
        if wanted.height() > self.height() or wanted.width() > self.width():
            fit_to_screen(self, wanted.expandedTo(self.size()))
        if self.currentPage() is self.creating and not self.creating.created and not self._busy:
            self._create()

    def _create(self) -> None:
        passphrase = self.passphrase.entry.take()
        if passphrase is None:  # cannot happen after validatePage; refuse rather than guess
            self.creating.set_failed(_("The passphrase was refused; close and start again."))
            return
        self._busy = True
        self.creating.set_working()
        self.session.create(
            passphrase,
            name=self.details.vault_name.text().strip(),
            user_name=self.details.user_name.text().strip(),
            role=self.details.role(),
            on_done=self._created,
            on_error=self._failed,
            kdf_target_seconds=self.kdf_target_seconds,
        )

    def _created(self, code: str) -> None:
        self._busy = False
        self.passphrase.entry.clear()
        self.code_page.view.set_code(code)
        self.creating.created = True
        self.creating.busy.hide()
        self.creating.completeChanged.emit()
        self.next()

    def _failed(self, message: str) -> None:
        self._busy = False
        self.creating.set_failed(message)

    # Closing: never while the vault is being made, never before the code is written down

    def _on_locked(self) -> None:
        # Idle lock after creation: nobody is at the laptop, the code must not stay on screen.
        self.code_page.view.clear()
        self.reject()

    def reject(self) -> None:
        if self._busy:
            return
        view = self.code_page.view
        if view.has_code and not view.is_confirmed:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                _("Write down the recovery code"),
                _(
                    "The recovery code is shown only once. Without it, a forgotten passphrase "
                    "means every case in this vault is lost. Write it down, tick the box, then "
                    "finish."
                ),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.open()
            return
        super().reject()

    def done(self, result: int) -> None:
        self.passphrase.entry.clear()
        self.code_page.view.clear()
        super().done(result)
