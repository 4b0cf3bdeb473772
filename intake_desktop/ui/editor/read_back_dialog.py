"""Record read-back… : the statement was read back to the speaker, who confirmed it.

Recorded only when the speaker confirmed the whole statement (the box must be
ticked); corrections go into the statement first, then it is read back again.
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from ..services.vocabulary import language_name
from ..widgets.bidi import NaturalDirection
from .field_editors import plain_label


class ReadBackDialog(QDialog):
    def __init__(self, language: str, reader: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Record the read-back"))
        self.setMinimumWidth(480)
        intro = plain_label(
            _(
                "Record that the statement, exactly as it is now, was read back to the speaker"
                " in their language. If the text is edited later, this record becomes void."
            )
        )
        intro.setWordWrap(True)
        self.read_by = QLineEdit(reader)
        self.read_by.setAccessibleName(_("Who read it aloud"))
        self.language = QLineEdit(language)
        self.language.setAccessibleName(_("Language it was read in"))
        self.language_name = plain_label(language_name(language, translate=True))
        self.language.textChanged.connect(
            lambda text: self.language_name.setText(language_name(text, translate=True))
        )
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setTabChangesFocus(True)
        NaturalDirection(self.notes)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 14)
        self.confirmed = QCheckBox(
            _("The speaker heard the whole statement and confirmed that it is correct")
        )
        form = QFormLayout()
        for caption, widget in (
            (_("Read by"), self.read_by),
            (_("Language"), self.language),
            ("", self.language_name),
            (_("Notes"), self.notes),
        ):
            if caption:
                label = plain_label(caption)
                label.setBuddy(widget)
                form.addRow(label, widget)
            else:
                form.addRow(plain_label(), widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(_("Record read-back"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.confirmed)
        layout.addWidget(buttons)
        for signal in (self.read_by.textChanged, self.confirmed.toggled):
            signal.connect(self._update)
        self._update()

    def _update(self, *_args: object) -> None:
        self.ok.setEnabled(self.confirmed.isChecked() and bool(self.read_by.text().strip()))

    def values(self) -> tuple[str, str, str]:
        """(read by, language, notes)."""
        return (
            self.read_by.text().strip(),
            self.language.text().strip(),
            self.notes.toPlainText().strip(),
        )
