"""Adding a destination: an SFTP server (its host key compared aloud) or S3-compatible storage.

SFTP: user, host, port and an absolute folder; the login uses a key this
vault makes (the default: its public line is shown afterwards, to give
counsel's administrator), a key file (read once and stored in the vault;
the file itself stays where it is) or a password. The host key is pinned
only after the person ticks that its fingerprint matches (``HostKeyBox``).
S3: bucket, prefix, endpoint URL, key id and secret.

Passwords and secrets are typed into password fields, handed to the
service once and dropped with the dialog: never in logs, Qt settings or
files. Core checks every value; what it refuses is said here in one
sentence and nothing is stored.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from ...core.errors import IntakeError
from ...core.i18n import _
from ..qt import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ..services.delivery import DeliveryService, Destination, sftp_url
from ..services.session import VaultSession
from ..services.vocabulary import MAX_NAME_CHARS
from ..widgets.disabled_reason import DisabledReason
from ..widgets.file_dialogs import open_files
from ..widgets.screen_fit import ScrollingBody, fit_to_screen, tab_chain
from .host_key_box import HostKeyBox

ERROR_STYLE = "color: #b71c1c; font-weight: bold;"
VAULT_KEY, KEY_FILE, PASSWORD = 0, 1, 2


def _line(accessible: str, placeholder: str = "", ltr: bool = True) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    if ltr:  # addresses, users and keys are Latin text in every interface language
        edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    return edit


def _secret(accessible: str) -> QLineEdit:
    edit = _line(accessible)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class AddDestinationDialog(QDialog):
    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.added: Destination | None = None
        self.key_path: Path | None = None
        self.setWindowTitle(_("Add a destination"))

        self.name = _line(_("Name"), _("e.g. Counsel, Washington office"), ltr=False)
        self.name.setMaxLength(MAX_NAME_CHARS)
        self.sftp = QRadioButton(_("&SFTP server"))
        self.s3 = QRadioButton(_("S&3-compatible storage"))
        self.sftp.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.sftp)
        kinds.addButton(self.s3)
        top = QFormLayout()
        name_label = QLabel(_("&Name:"))
        name_label.setBuddy(self.name)
        top.addRow(name_label, self.name)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.sftp)
        kind_row.addWidget(self.s3)
        kind_row.addStretch()
        top.addRow(QLabel(_("Kind:")), kind_row)

        self.sftp_box = self._build_sftp()
        self.host_key = HostKeyBox(lambda: self.session.delivery, self._address)
        self.s3_box = self._build_s3()

        self.message = QLabel()
        self.message.setObjectName("addDestinationMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add = buttons.addButton(_("&Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.reason = DisabledReason(self.add)
        self.reason.setObjectName("addDestinationReason")
        buttons.accepted.connect(self._add)
        buttons.rejected.connect(self.reject)

        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(top)
        for part in (self.sftp_box, self.host_key, self.s3_box, self.message):
            body.addWidget(part)
        body.addStretch()
        self.body = ScrollingBody(content)
        footer = QHBoxLayout()
        footer.addWidget(self.reason, 1)
        footer.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addLayout(footer)
        tab_chain(
            [
                self.name,
                self.sftp,
                self.s3,
                self.user,
                self.host,
                self.port,
                self.folder,
                self.vault_key,
                self.key_file,
                self.choose_key,
                self.password_choice,
                self.password,
                *self.host_key.focus_chain(),
                self.bucket,
                self.prefix,
                self.endpoint,
                self.key_id,
                self.secret,
                self.add,
                self.cancel,
            ]
        )
        self.setMinimumWidth(640)

        for edit in (self.name, self.user, self.folder, self.password, self.bucket):
            edit.textChanged.connect(self._update)
        for edit in (self.prefix, self.endpoint, self.key_id, self.secret):
            edit.textChanged.connect(self._update)
        self.host.textChanged.connect(self._address_changed)
        self.port.valueChanged.connect(self._address_changed)
        kinds.buttonToggled.connect(lambda *_args: self._update())
        self.auth.idToggled.connect(lambda *_args: self._update())
        self.choose_key.clicked.connect(self._choose_key)
        self.host_key.changed.connect(self._update)
        session.locked.connect(self.reject)
        self._update()
        fit_to_screen(self)

    def _build_sftp(self) -> QGroupBox:
        box = QGroupBox(_("SFTP server"))
        self.user = _line(_("User"), _("the login counsel gave you"))
        self.host = _line(_("Host"), _("e.g. sftp.example.org"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(22)
        self.port.setAccessibleName(_("Port"))
        self.folder = _line(_("Folder"), _("/incoming (an absolute path on the server)"))
        # Two fields a row: the dialog fits a 768-pixel-high screen without scrolling.
        form = QGridLayout()
        for at, (text, widget) in enumerate(
            (
                (_("&User:"), self.user),
                (_("&Host:"), self.host),
                (_("&Port:"), self.port),
                (_("&Folder:"), self.folder),
            )
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addWidget(label, at // 2, (at % 2) * 2)
            form.addWidget(widget, at // 2, (at % 2) * 2 + 1)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 2)

        self.vault_key = QRadioButton(
            _("A &key this vault makes (you give its public line to counsel)")
        )
        self.key_file = QRadioButton(_("A key &file:"))
        self.password_choice = QRadioButton(_("A pass&word:"))
        self.vault_key.setChecked(True)
        self.auth = QButtonGroup(self)
        for choice, number in (
            (self.vault_key, VAULT_KEY),
            (self.key_file, KEY_FILE),
            (self.password_choice, PASSWORD),
        ):
            self.auth.addButton(choice, number)
        self.choose_key = QPushButton(_("&Choose…"))
        self.choose_key.setAccessibleName(_("Choose the private key file"))
        self.key_name = QLabel()
        self.key_name.setTextFormat(Qt.TextFormat.PlainText)
        self.key_warning = QLabel(
            _(
                "The key is read once and stored in the vault, encrypted. The file itself is "
                "not deleted: remove it yourself if it should not stay on this laptop."
            )
        )
        self.key_warning.setWordWrap(True)
        self.password = _secret(_("Password"))
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_file)
        key_row.addWidget(self.choose_key)
        key_row.addWidget(self.key_name, 1)
        password_row = QHBoxLayout()
        password_row.addWidget(self.password_choice)
        password_row.addWidget(self.password, 1)
        login = QLabel(_("Log in with:"))
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addWidget(login)
        layout.addWidget(self.vault_key)
        layout.addLayout(key_row)
        layout.addWidget(self.key_warning)
        layout.addLayout(password_row)
        return box

    def _build_s3(self) -> QGroupBox:
        box = QGroupBox(_("S3-compatible storage"))
        self.bucket = _line(_("Bucket"), _("e.g. counsel-intake"))
        self.prefix = _line(_("Prefix"), _("optional, e.g. field/kabul"))
        self.endpoint = _line(_("Endpoint URL"), _("e.g. https://s3.example.org"))
        self.key_id = _line(_("Key id"))
        self.secret = _secret(_("Secret"))
        form = QFormLayout(box)
        for text, widget in (
            (_("&Bucket:"), self.bucket),
            (_("P&refix:"), self.prefix),
            (_("&Endpoint URL:"), self.endpoint),
            (_("Key &id:"), self.key_id),
            (_("S&ecret:"), self.secret),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        return box

    # Live checks

    def _address(self) -> tuple[str, int] | None:
        host = self.host.text().strip()
        return (host, self.port.value()) if host else None

    def _address_changed(self) -> None:
        self.host_key.address_changed()
        self._update()

    def missing(self) -> str | None:
        """What is still to do before the destination can be added, or None."""
        if not self.name.text().strip():
            return _("Type a name for the destination.")
        if self.s3.isChecked():
            if not self.bucket.text().strip():
                return _("Type the bucket's name.")
            if not self.endpoint.text().strip():
                return _("Type the endpoint URL.")
            if not self.key_id.text().strip() or not self.secret.text():
                return _("Type the key id and the secret.")
            return None
        if not self.user.text().strip():
            return _("Type the user counsel gave you.")
        if not self.host.text().strip():
            return _("Type the server's host.")
        if not self.folder.text().strip().startswith("/"):
            return _("Type the folder as an absolute path, starting with /.")
        choice = self.auth.checkedId()
        if choice == KEY_FILE and self.key_path is None:
            return _("Choose the private key file.")
        if choice == PASSWORD and not self.password.text():
            return _("Type the password.")
        if self.host_key.fingerprint() is None:
            return _("Type the host key fingerprint, or get it from the server.")
        if self.host_key.busy:
            return _("Wait for the server's answer.")
        if not self.host_key.confirmed():
            return _(
                "Compare the fingerprint aloud with counsel's administrator, then tick the box."
            )
        return None

    def _update(self) -> None:
        sftp = self.sftp.isChecked()
        self.sftp_box.setVisible(sftp)
        self.host_key.setVisible(sftp)
        self.s3_box.setVisible(not sftp)
        choice = self.auth.checkedId()
        self.choose_key.setEnabled(choice == KEY_FILE)
        self.key_warning.setVisible(choice == KEY_FILE)
        self.password.setEnabled(choice == PASSWORD)
        self.message.clear()  # what core refused was about the values before
        self.reason.show_reason(self.missing())

    def _choose_key(self) -> None:
        names = open_files(
            self, _("Choose the private SSH key"), str(Path.home() / ".ssh"), _("All files (*)")
        )
        if names:
            self.key_path = Path(names[0])
            self.key_name.setText(self.key_path.name)
        self._update()

    # Storing

    @property
    def service(self) -> DeliveryService | None:
        return self.session.delivery

    def _add(self) -> None:
        service = self.service
        if service is None or self.missing() is not None:
            return
        name = self.name.text().strip()
        try:
            if self.s3.isChecked():
                self.added = self._add_s3(service, name)
            else:
                self.added = self._add_sftp(service, name)
        except IntakeError as exc:
            self.message.setText(str(exc))
            return
        self.password.clear()
        self.secret.clear()
        self.accept()

    def _add_sftp(self, service: DeliveryService, name: str) -> Destination:
        url = sftp_url(self.user.text(), self.host.text(), self.port.value(), self.folder.text())
        host_key = self.host_key.fingerprint() or ""
        choice = self.auth.checkedId()
        if choice == KEY_FILE and self.key_path is not None:
            key = service.read_key_file(self.key_path)
            return service.add_sftp(name, url, host_key, ssh_key=key)
        if choice == PASSWORD:
            return service.add_sftp(name, url, host_key, password=self.password.text())
        return service.add_sftp(name, url, host_key)

    def _add_s3(self, service: DeliveryService, name: str) -> Destination:
        bucket = self.bucket.text().strip()
        prefix = self.prefix.text().strip().strip("/")
        url = f"s3://{bucket}/{quote(prefix, safe='/')}" if prefix else f"s3://{bucket}"
        return service.add_s3(
            name, url, self.endpoint.text().strip(), self.key_id.text().strip(), self.secret.text()
        )

    def done(self, result: int) -> None:
        self.host_key.stop()
        self.password.clear()
        self.secret.clear()
        super().done(result)
