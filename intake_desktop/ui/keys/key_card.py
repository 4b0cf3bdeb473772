"""One of this vault's public keys, ready to hand to another device.

Shows the fingerprint in large groups (to read aloud), the key as a QR code
(for a camera) and as text (to select or copy). Only public keys reach this
widget; copying puts the public key, and nothing else, on the clipboard.
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QFontDatabase,
    QGroupBox,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from .qr_code import qr_pixmap


def fingerprint_font_label(text: str = "", scale: float = 1.5) -> QLabel:
    """A large monospace, selectable, plain-text label for a fingerprint."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(font.pointSizeF(), 10.0) * scale)
    font.setBold(True)
    label.setFont(font)
    return label


def fingerprint_lines(fingerprint: str, groups_per_line: int = 3) -> str:
    """``ABCD-EFGH-...`` as two short lines of groups: read aloud line by line."""
    groups = fingerprint.split("-")
    lines = [
        "-".join(groups[i : i + groups_per_line]) for i in range(0, len(groups), groups_per_line)
    ]
    return "\n".join(lines)


class KeyCard(QGroupBox):
    """The QR code at the side of the fingerprint and key, to stay short on a small screen."""

    def __init__(
        self,
        title: str,
        explanation: str,
        key: str,
        fingerprint: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.key = key
        about = QLabel(explanation)
        about.setWordWrap(True)
        self.qr = QLabel()
        self.qr.setObjectName("keyQr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setAccessibleName(_("QR code of the public key"))
        pixmap = qr_pixmap(key, device_pixel_ratio=self.devicePixelRatioF())
        self.qr.setPixmap(pixmap)
        # Never squeezed by the layout: a cropped code does not scan.
        self.qr.setFixedSize(pixmap.deviceIndependentSize().toSize())

        caption = QLabel(_("Fingerprint (read it aloud to compare):"))
        caption.setWordWrap(True)
        self.fingerprint = fingerprint_font_label(fingerprint_lines(fingerprint))
        self.fingerprint.setObjectName("keyFingerprint")
        self.fingerprint.setAccessibleName(_("Fingerprint"))
        caption.setBuddy(self.fingerprint)

        key_caption = QLabel(_("&Public key:"))
        self.key_text = QLineEdit(key)
        self.key_text.setReadOnly(True)
        self.key_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.key_text.setAccessibleName(title)
        self.key_text.setCursorPosition(0)
        key_caption.setBuddy(self.key_text)
        self.copy = QPushButton(_("&Copy"))
        self.copy.setAccessibleName(_("Copy the public key"))
        self.copy.setToolTip(_("Copy this public key (never a secret key) to the clipboard"))
        self.copy.clicked.connect(self.copy_key)
        self._copied = QTimer(self)
        self._copied.setSingleShot(True)
        self._copied.setInterval(2000)
        self._copied.timeout.connect(lambda: self.copy.setText(_("&Copy")))
        key_row = QHBoxLayout()
        key_row.addWidget(key_caption)
        key_row.addWidget(self.key_text, 1)
        key_row.addWidget(self.copy)

        details = QVBoxLayout()
        details.addWidget(about)
        details.addWidget(caption)
        details.addWidget(self.fingerprint)
        details.addStretch()
        details.addLayout(key_row)
        layout = QHBoxLayout(self)
        layout.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(details, 1)

    def focus_chain(self) -> list[QWidget]:
        """Fingerprint (to select), key, Copy: the order Tab visits them."""
        return [self.fingerprint, self.key_text, self.copy]

    def copy_key(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self.copy.setText(_("Copied"))
        self._copied.start()
