"""Certify… : the translator reads the certificate and gives their name, address and phone.

The certificate is filed in English (USCIS needs it in English), so its
English wording is what is shown and signed; when the app speaks another
language a translation follows, for the translator to understand what they
sign. Name, address and phone start from the translator's last certificate
(kept in the vault, never in the app's settings).
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QDialog,
    QDialogButtonBox,
    QFont,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from ..services.vocabulary import CERTIFICATE, TranslatorDetails, certificate_text, language_name
from ..widgets.bidi import LTR, NaturalDirection, set_text_direction
from .field_editors import plain_label


def _reading_box(lines: int = 4) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setReadOnly(True)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


class CertifyDialog(QDialog):
    def __init__(
        self, language: str, earlier: TranslatorDetails | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.setWindowTitle(_("Certify the translation"))
        self.setMinimumWidth(560)
        intro = plain_label(
            _(
                "You certify the English translation of this statement in {language} exactly as"
                " it is now. If either text is edited later, the certification becomes void"
                " until you certify again."
            ).format(language=language_name(language, translate=True))
        )
        intro.setWordWrap(True)
        self.certificate = _reading_box()
        self.certificate.setAccessibleName(_("Certificate (English, as filed)"))
        set_text_direction(self.certificate, LTR)  # English, also in a Dari or Pashto interface
        self.translated = _reading_box()
        NaturalDirection(self.translated)
        self.translated.setAccessibleName(_("Certificate in your language"))
        self.translated_caption = plain_label(_("In your language (for reading only):"))
        show_translation = _(CERTIFICATE) != CERTIFICATE
        self.translated.setVisible(show_translation)
        self.translated_caption.setVisible(show_translation)

        self.name = QLineEdit(earlier.name if earlier else "")
        self.name.setAccessibleName(_("Your full name"))
        self.address = QPlainTextEdit(earlier.address if earlier else "")
        self.address.setAccessibleName(_("Your address"))
        self.address.setTabChangesFocus(True)
        NaturalDirection(self.address)
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 3 + 14)
        self.phone = QLineEdit(earlier.phone if earlier else "")
        self.phone.setAccessibleName(_("Your telephone number"))
        details = QFormLayout()
        for caption, widget in (
            (_("Full name"), self.name),
            (_("Address"), self.address),
            (_("Telephone"), self.phone),
        ):
            label = plain_label(caption)
            label.setBuddy(widget)
            details.addRow(label, widget)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(_("Certify"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        heading = plain_label(_("Certificate (English, as it will be filed)"))
        bold = QFont(heading.font())
        bold.setBold(True)
        heading.setFont(bold)
        note = plain_label(
            _(
                "Address and telephone go on the certificate for immigration court filings"
                " (8 CFR 1003.33). They travel with the statement, encrypted, to the"
                " coordinator and counsel; this vault keeps them for your next certificate."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(details)
        layout.addWidget(note)
        layout.addWidget(heading)
        layout.addWidget(self.certificate)
        layout.addWidget(self.translated_caption)
        layout.addWidget(self.translated)
        layout.addWidget(buttons)
        self.name.textChanged.connect(self._update)
        self._update()
        self.name.setFocus()

    def _update(self, *_args: object) -> None:
        name = self.name.text().strip()
        shown = name or _("(your name)")
        self.certificate.setPlainText(certificate_text(shown, self.language))
        self.translated.setPlainText(certificate_text(shown, self.language, translate=True))
        self.ok.setEnabled(bool(name))

    def details(self) -> TranslatorDetails:
        return TranslatorDetails(
            self.name.text().strip(),
            self.address.toPlainText().strip(),
            self.phone.text().strip(),
        )
