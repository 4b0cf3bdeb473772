"""Certify… : the translator reads both texts and the certificate, and gives their details.

What is certified is shown first: the original, right to left for Dari and
Pashto, beside the English translation, both read-only and plain text, as
they are stored and will be signed. The certificate is filed in English
(USCIS needs it in English), so its English wording is what is shown and
signed; when the app speaks another language a translation follows, for the
translator to understand what they sign. Name, address and phone start from
the translator's last certificate (kept in the vault, never in the app's
settings), or the signed-in user's name the first time. When the
statement's "Translator" field names someone else, the dialog says so.
"""

from __future__ import annotations

from typing import Any

from ...core.i18n import _
from ..qt import (
    QDialog,
    QDialogButtonBox,
    QFont,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ..services.vocabulary import (
    CERTIFICATE,
    TranslatorDetails,
    certificate_text,
    language_name,
    names_differ,
)
from ..widgets.bidi import LTR, RTL, NaturalDirection, isolate, set_text_direction
from .field_editors import plain_label
from .statement_text import is_rtl, script_font

WARNING_STYLE = "QLabel { color: #8a4b00; font-weight: bold; }"
# The rule for these details, one unit in a Dari or Pashto sentence: isolated,
# so its numbers keep their order, and never broken across lines (no-break spaces).
CITATION = "8\u00a0CFR\u00a01003.33"


def _reading_box(lines: int = 4) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setReadOnly(True)
    box.setTabChangesFocus(True)
    box.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def _bold(text: str) -> QWidget:
    heading = plain_label(text)
    bold = QFont(heading.font())
    bold.setBold(True)
    heading.setFont(bold)
    return heading


class CertifyDialog(QDialog):
    def __init__(
        self,
        statement: dict[str, Any],
        earlier: TranslatorDetails | None,
        user: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language = str(statement.get("language") or "")
        translation = statement.get("translation") or {}
        self.named_translator = str(translation.get("translator") or "").strip()
        self.setWindowTitle(_("Certify the translation"))
        language = language_name(self.language, translate=True)
        intro = plain_label(
            _(
                "You certify the English translation of this statement in {language} exactly as"
                " it is below. If either text is edited later, the certification becomes void"
                " until you certify again."
            ).format(language=language)
        )
        intro.setWordWrap(True)

        # What is certified: both texts, as stored, each in its own direction.
        self.original = _reading_box(5)
        self.original.setPlainText(str(statement.get("text") or ""))
        self.original.setAccessibleName(_("Original text ({language})").format(language=language))
        if is_rtl(self.language):
            set_text_direction(self.original, RTL)
            self.original.setFont(script_font(self.original.font()))
        else:
            NaturalDirection(self.original)  # no known language: its own first letter
        self.translation = _reading_box(5)
        self.translation.setPlainText(str(translation.get("text") or ""))
        self.translation.setAccessibleName(_("English translation"))
        set_text_direction(self.translation, LTR)  # English, also in a Dari or Pashto interface
        texts = QGridLayout()
        texts.addWidget(_bold(_("Original ({language})").format(language=language)), 0, 0)
        texts.addWidget(_bold(_("English translation")), 0, 1)
        texts.addWidget(self.original, 1, 0)
        texts.addWidget(self.translation, 1, 1)
        texts.setRowStretch(1, 1)

        # Who certifies.
        self.name = QLineEdit(earlier.name if earlier else user)
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
        self.someone_else = plain_label()
        self.someone_else.setWordWrap(True)
        self.someone_else.setStyleSheet(WARNING_STYLE)
        self.someone_else.hide()
        note = plain_label(
            _(
                "Address and telephone go on the certificate for immigration court filings"
                " ({citation}). They travel with the statement, encrypted, to the"
                " coordinator and counsel; this vault keeps them for your next certificate."
            ).format(citation=isolate(CITATION))
        )
        note.setWordWrap(True)
        who = QVBoxLayout()
        who.addLayout(details)
        who.addWidget(self.someone_else)
        who.addWidget(note)
        who.addStretch(1)

        # What is signed.
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
        signed = QVBoxLayout()
        signed.addWidget(_bold(_("Certificate (English, as it will be filed)")))
        signed.addWidget(self.certificate)
        signed.addWidget(self.translated_caption)
        signed.addWidget(self.translated)

        lower = QGridLayout()
        lower.addLayout(who, 0, 0)
        lower.addLayout(signed, 0, 1)
        lower.setColumnStretch(0, 1)
        lower.setColumnStretch(1, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(_("Certify"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(texts, 1)
        layout.addLayout(lower)
        layout.addWidget(buttons)
        self.setTabOrder(self.name, self.address)
        self.setTabOrder(self.address, self.phone)
        self.setTabOrder(self.phone, self.original)
        self.setTabOrder(self.original, self.translation)
        self.setTabOrder(self.translation, self.certificate)
        self.setTabOrder(self.certificate, self.translated)
        self.name.textChanged.connect(self._update)
        self._update()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._fit()
        self.name.setFocus()

    def _fit(self) -> None:
        """Wide enough for the texts side by side, never larger than the screen."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 960, 680
        if screen is not None:
            width = min(width, screen.width() - 40)
            height = min(max(self.sizeHint().height(), 560), height, screen.height() - 60)
        self.resize(width, height)

    def _update(self, *_args: object) -> None:
        name = self.name.text().strip()
        shown = name or _("(your name)")
        self.certificate.setPlainText(certificate_text(shown, self.language))
        self.translated.setPlainText(certificate_text(shown, self.language, translate=True))
        self.ok.setEnabled(bool(name))
        differs = names_differ(self.named_translator, name)
        if differs:
            self.someone_else.setText(
                _(
                    "The statement names {named} as its translator, but you are certifying"
                    " as {name}. Certify only a translation you have checked yourself;"
                    " otherwise ask {named} to certify it."
                ).format(named=isolate(self.named_translator), name=isolate(name))
            )
        self.someone_else.setVisible(differs)

    def details(self) -> TranslatorDetails:
        return TranslatorDetails(
            self.name.text().strip(),
            self.address.toPlainText().strip(),
            self.phone.text().strip(),
        )
