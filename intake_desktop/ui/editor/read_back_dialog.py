"""Record read-back… : the statement was read back to the speaker, who confirmed it.

Recorded only when the speaker confirmed the whole statement (the box must be
ticked); corrections go into the statement first, then it is read back again.
The language it was read in starts as the statement's, chosen by name.
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
from ..widgets.bidi import NaturalDirection
from .field_editors import plain_label
from .language_choice import LanguageChoice


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
        self.language = LanguageChoice(_("Language it was read in"), required=False)
        self.language.load(language)
        self.language_problem = plain_label()  # why Record read-back is not available yet
        self.language_problem.setWordWrap(True)
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setTabChangesFocus(True)
        NaturalDirection(self.notes)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 14)
        self.confirmed = QCheckBox(
            _("The speaker heard the whole statement and confirmed that it is correct")
        )
        self.form = form = QFormLayout()
        for caption, widget in (
            (_("Read by"), self.read_by),
            (_("Language"), self.language),
            (_("Notes"), self.notes),
        ):
            label = plain_label(caption)
            label.setBuddy(widget)
            form.addRow(label, widget)
            if widget is self.language:
                form.addRow(plain_label(), self.language_problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(_("Record read-back"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.confirmed)
        layout.addWidget(buttons)
        for signal in (self.read_by.textChanged, self.confirmed.toggled, self.language.changed):
            signal.connect(self._update)
        self._update()

    def _update(self, *_args: object) -> None:
        problem = self.language.problem()
        self.language_problem.setText(_(problem) if problem else "")
        self.form.setRowVisible(self.language_problem, problem is not None)
        ready = self.confirmed.isChecked() and bool(self.read_by.text().strip())
        self.ok.setEnabled(ready and problem is None)

    def values(self) -> tuple[str, str, str]:
        """(read by, language, notes)."""
        return (
            self.read_by.text().strip(),
            self.language.text().strip(),
            self.notes.toPlainText().strip(),
        )
