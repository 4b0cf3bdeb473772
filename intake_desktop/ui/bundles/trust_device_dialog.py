"""Confirming a signer before trusting it: the fingerprint again, compared out of band.

Shown from the Quarantine tab. The name the bundle claims is shown as what
it is, an unverified claim in plain text; the coordinator types the name the
device will carry in the trust store, and must say the fingerprint was
compared with its owner by phone or in person before the button works.
"""

from __future__ import annotations

from ...core.errors import IntakeError
from ...core.i18n import _
from ..qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFont,
    QFontDatabase,
    QFormLayout,
    QLabel,
    QLineEdit,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ..services.bundles import BundleService
from ..services.vocabulary import QuarantinedBundle, TrustEntry
from .bundle_text import claimed_name


def _plain(text: str = "") -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    return label


class TrustDeviceDialog(QDialog):
    """Asks; on OK stores the device (``trusted`` holds the new entry)."""

    def __init__(
        self, entry: QuarantinedBundle, service: BundleService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Trust this device?"))
        self.setMinimumWidth(520)
        self.entry = entry
        self.service = service
        self.trusted: TrustEntry | None = None

        intro = _plain(
            _(
                "Ask the person who sent this bundle to read their device's fingerprint to "
                "you, by phone or in person: not in a message that could come from the same "
                "sender. Trust the device only if every group below matches."
            )
        )
        self.fingerprint = _plain(entry.fingerprint)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setWeight(QFont.Weight.Bold)
        self.fingerprint.setFont(font)
        self.fingerprint.setAccessibleName(_("Signer fingerprint"))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.claimed = _plain(claimed_name(entry.producer_name))
        self.claimed.setAccessibleName(_("Name the bundle claims (unverified)"))
        self.compared = QCheckBox(
            _("I compared this fingerprint with the sender out of band, and every group matches.")
        )
        self.compared.setAccessibleName(_("Fingerprint compared out of band"))
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Name for this device"))
        self.name.setPlaceholderText(_("e.g. Kandahar field laptop 2"))
        self.name.setMaxLength(64)
        self.error = _plain()
        self.error.setObjectName("trustError")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(
            _("Trust this device"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("Fingerprint"), self.fingerprint)
        form.addRow(_("Claimed name (unverified)"), self.claimed)
        form.addRow(_("Trust it as"), self.name)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.compared)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.compared.toggled.connect(lambda _on: self._update())
        self.name.textChanged.connect(lambda _text: self._update())
        QWidget.setTabOrder(self.name, self.compared)
        QWidget.setTabOrder(self.compared, self.ok)
        self.name.setFocus()
        self._update()

    def _update(self) -> None:
        self.error.clear()
        self.ok.setEnabled(self.compared.isChecked() and bool(self.name.text().strip()))

    def confirm(self) -> None:
        if not self.ok.isEnabled():
            return
        try:
            self.trusted = self.service.trust_device(
                self.name.text().strip(), self.entry.signing_key
            )
        except IntakeError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
