"""Trusting another device's signing key or a recipient, after comparing fingerprints.

The fingerprint shown is computed here from what was pasted, never taken
from the other side's word: the person compares it with the other device's
screen, in person or by phone, and ticks a box before "Add" is possible.
Pasting a secret key by mistake empties the field (and the clipboard, if it
still holds it): core refuses it without quoting it, and no widget keeps it.
A recipient may be cleared to receive names marked as withheld (counsel
filing for the family), and its bundles may carry each case's counsel
packet (a PDF); both are off unless ticked.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import pairwise

from ...core.errors import IntakeError, InvalidInput
from ...core.i18n import _
from ..qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFontDatabase,
    QFormLayout,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSignalBlocker,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ..services.session import VaultSession
from ..services.vocabulary import (
    DEVICE,
    MAX_NAME_CHARS,
    TrustEntry,
    parse_recipient,
    parse_signing_key,
    recipient_fingerprint,
    signing_key_fingerprint,
)
from ..widgets.bidi import LTR, set_text_direction
from ..widgets.disabled_reason import DisabledReason
from ..widgets.screen_fit import ScrollingBody, fit_to_screen
from .key_card import fingerprint_font_label


@cache
def _secret_refusal() -> str:
    """The message template core uses when it refuses a secret key.

    Core has no public "is this secret?" predicate; asking its parser keeps
    one definition of what counts as secret (age and minisign, with or
    without comment lines).
    """
    try:
        parse_recipient("AGE-SECRET-KEY-1")
    except InvalidInput as exc:
        return exc.template
    return ""  # pragma: no cover - core would have accepted a secret key


def is_secret(text: str) -> bool:
    for parse in (parse_recipient, parse_signing_key):
        try:
            parse(text)
        except InvalidInput as exc:
            if exc.template == _secret_refusal():
                return True
    return False


class TrustAddDialog(QDialog):
    def __init__(self, session: VaultSession, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.kind = kind
        self.entry: TrustEntry | None = None
        self._key: str | None = None  # the canonical public key, once it parses
        device = kind == DEVICE
        self.setWindowTitle(_("Trust a device") if device else _("Trust a recipient"))
        about = QLabel(
            _(
                "A trusted device's signing key lets this vault accept the bundles it signs. "
                "Paste the signing key (RW...) the other device shows under Keys, or its "
                "minisign .pub file."
            )
            if device
            else _(
                "A trusted recipient can open the bundles you export to it. Paste the age "
                "recipient (age1...) that the coordinator's or counsel's device shows under Keys."
            )
        )
        about.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_NAME_CHARS)
        self.name.setAccessibleName(_("Name"))
        self.name.setPlaceholderText(
            _("e.g. Herat field laptop") if device else _("e.g. Coordinator, Islamabad office")
        )
        self.key = QPlainTextEdit()
        self.key.setObjectName("trustKey")
        self.key.setAccessibleName(_("Signing key") if device else _("Age recipient"))
        self.key.setTabChangesFocus(True)
        self.key.setUndoRedoEnabled(False)  # a refused secret must not come back with Ctrl+Z
        self.key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        set_text_direction(self.key, LTR)  # a key is Latin letters and digits
        self.key.setFixedHeight(self.key.fontMetrics().lineSpacing() * 3 + 16)
        self.key.setPlaceholderText(_("RW...") if device else _("age1..."))
        self.fingerprint = fingerprint_font_label()
        self.fingerprint.setObjectName("trustFingerprint")
        self.fingerprint.setAccessibleName(_("Fingerprint of the pasted key"))
        self.message = QLabel()
        self.message.setObjectName("trustMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        # Two lines reserved: a wrapped label growing after layout would overlap.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2)
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.compared = QCheckBox(
            _("I &compared this fingerprint with the other device, in person or by phone")
        )
        self.compared.setAccessibleName(
            _("I compared this fingerprint with the other device, in person or by phone")
        )
        self.compared.setEnabled(False)
        # Recipients only: export leaves withheld names out for the others.
        self.withheld_names = QCheckBox(
            _("May receive names marked as &withheld (counsel filing for the family)")
        )
        self.withheld_names.setObjectName("trustWithheldNames")
        self.withheld_names.setAccessibleName(
            _("May receive names marked as withheld (counsel filing for the family)")
        )
        self.withheld_names.setToolTip(
            _(
                "Leave this off for a coordinator: bundles to a recipient not cleared carry "
                "the pseudonym only."
            )
        )
        self.withheld_names.setVisible(not device)
        self.packets = QCheckBox(_("Include counsel &packets (PDF) in bundles to this recipient"))
        self.packets.setObjectName("trustPackets")
        self.packets.setAccessibleName(
            _("Include counsel packets (PDF) in bundles to this recipient")
        )
        self.packets.setToolTip(
            _(
                "Anyone who can decrypt the bundle can read the packets; bundles get larger "
                "and export takes longer."
            )
        )
        self.packets.setVisible(not device)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add = buttons.addButton(_("&Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.reason = DisabledReason(self.add)
        self.reason.setObjectName("trustReason")
        buttons.accepted.connect(self._add)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        name_label = QLabel(_("&Name"))
        name_label.setBuddy(self.name)
        key_label = QLabel(_("&Signing key") if device else _("Age &recipient"))
        key_label.setBuddy(self.key)
        fingerprint_label = QLabel(_("Fingerprint"))
        fingerprint_label.setBuddy(self.fingerprint)
        form.addRow(name_label, self.name)
        form.addRow(key_label, self.key)
        form.addRow(fingerprint_label, self.fingerprint)
        self._names = (name_label.text().replace("&", ""), key_label.text().replace("&", ""))
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(about)
        body.addLayout(form)
        body.addWidget(self.withheld_names)
        body.addWidget(self.packets)
        body.addWidget(self.compared)
        body.addWidget(self.message)
        body.addStretch()
        self.body = ScrollingBody(content)
        footer = QHBoxLayout()
        footer.addWidget(self.reason, 1)
        footer.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addLayout(footer)
        chain = [
            self.name,
            self.key,
            self.fingerprint,
            self.withheld_names,
            self.packets,
            self.compared,
            self.add,
            self.cancel,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.setMinimumWidth(560)

        self.name.textChanged.connect(self._name_changed)
        self.key.textChanged.connect(self._key_changed)
        self.compared.toggled.connect(self._update_add)
        session.locked.connect(self.reject)
        self._update_add()
        fit_to_screen(self)

    # Live checks

    def _parse(self) -> Callable[[str], str]:
        return parse_signing_key if self.kind == DEVICE else parse_recipient

    def _fingerprint_of(self) -> Callable[[str], str]:
        return signing_key_fingerprint if self.kind == DEVICE else recipient_fingerprint

    def _forget_secret(self, field: QLineEdit | QPlainTextEdit, text: str) -> None:
        """Empty the field (and its undo history) and the clipboard if it holds the same."""
        blocker = QSignalBlocker(field)
        if isinstance(field, QLineEdit):
            field.setText("")  # unlike clear(), setText drops the undo history
        else:
            field.setPlainText("")
        del blocker
        clipboard = QGuiApplication.clipboard()
        copied = clipboard.text().strip()
        if len(copied) >= 16 and copied in text:
            clipboard.clear()
        self._key = None
        self.fingerprint.clear()
        self.compared.setChecked(False)
        self.compared.setEnabled(False)
        self.message.setText(
            _(
                "That is a secret key, not a public key: it was removed and not stored. "
                "Keep it private, and paste the other device's public key instead."
            )
        )
        self._update_add()

    def _name_changed(self, text: str) -> None:
        if is_secret(text):
            self._forget_secret(self.name, text)
            return
        self._update_add()

    def _key_changed(self) -> None:
        text = self.key.toPlainText()
        previous = self.fingerprint.text()
        self._key = None
        self.message.clear()
        if not text.strip():
            self.fingerprint.clear()
        elif is_secret(text):
            self._forget_secret(self.key, text)
            return
        else:
            try:
                self._key = self._parse()(text)
                self.fingerprint.setText(self._fingerprint_of()(self._key))
            except IntakeError as exc:
                self.fingerprint.clear()
                self.message.setText(str(exc))
        if self.fingerprint.text() != previous:
            # A different key: the comparison made for the old one does not count.
            self.compared.setChecked(False)
        self.compared.setEnabled(self._key is not None)
        self._update_add()

    def missing(self) -> str | None:
        """What is still to do before the key can be trusted, or None."""
        if not self.name.text().strip():
            return _("Type a name in “{field}”.").format(field=self._names[0])
        if self._key is None:
            return _("Paste the public key in “{field}”.").format(field=self._names[1])
        if not self.compared.isChecked():
            return _("Compare the fingerprint with the other device, then tick the box.")
        return None

    def _update_add(self) -> None:
        self.reason.show_reason(self.missing())

    # Storing

    def _add(self) -> None:
        keys = self.session.keys
        if keys is None or self._key is None or not self.compared.isChecked():
            return
        name = self.name.text().strip()
        try:
            if self.kind == DEVICE:
                self.entry = keys.trust_device(name, self._key)
            else:
                self.entry = keys.trust_recipient(
                    name,
                    self._key,
                    withheld_names=self.withheld_names.isChecked(),
                    packets=self.packets.isChecked(),
                )
        except IntakeError as exc:
            self.message.setText(str(exc))
            return
        self.accept()
