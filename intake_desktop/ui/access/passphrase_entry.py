"""Choosing a new passphrase: typed twice, with a strength hint and clear refusals.

Used by the wizard (first passphrase), by adding a user and by changing a
passphrase, so the rules and the words are the same everywhere. The widget
never keeps the passphrase anywhere but in its two fields; ``take()`` hands
it over once, and ``clear()`` empties the fields and their undo history.
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.i18n import _
from ..qt import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.vocabulary import MIN_PASSPHRASE_CHARS, Strength, estimate

# Bar colours per level, readable on light and dark themes.
_COLOURS = ("#c62828", "#e65100", "#f9a825", "#2e7d32", "#1b5e20")


def _field_name(label: str) -> str:
    """A label's text without its shortcut marker ("&Repeat it" -> "Repeat it")."""
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


class NewPassphraseEntry(QWidget):
    """Passphrase + confirmation + strength hint + the reason it was refused."""

    changed = Signal()

    def __init__(
        self,
        label: str | None = None,
        context: Callable[[], list[str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context or (lambda: [])
        self.first = self._password_field(_("New passphrase"))
        self.second = self._password_field(_("Repeat the new passphrase"))
        self.meter = QProgressBar()
        self.meter.setRange(0, 5)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(8)
        self.meter.setAccessibleName(_("Passphrase strength"))
        self.verdict = self._plain_label()
        self.verdict.setObjectName("passphraseVerdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        self.advice = self._plain_label()
        self.advice.setObjectName("passphraseAdvice")
        self.error = self._plain_label()
        self.error.setObjectName("passphraseError")
        self.error.setStyleSheet("color: #b71c1c; font-weight: bold;")
        # No room kept empty for the hint and the error (hidden while they say
        # nothing): the dialogs hold this in a scrolling body (widgets/screen_fit.py),
        # which grows its dialog when they appear.
        self.advice.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.advice.hide()
        self.error.hide()

        # A grid, not a QFormLayout: the grid wraps the hint's text at the
        # width its column gets (a form measures it at a guess of Qt's, and
        # a one-line hint took three lines' room).
        form = QGridLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setColumnStretch(1, 1)
        first_label = QLabel(label or _("&Passphrase"))
        first_label.setBuddy(self.first)
        second_label = QLabel(_("&Repeat it"))
        second_label.setBuddy(self.second)
        self.labels = (first_label, second_label)
        # The labels as read, to name the field still empty (see ``missing``).
        self._names = (_field_name(first_label.text()), _field_name(second_label.text()))
        form.addWidget(first_label, 0, 0)
        form.addWidget(self.first, 0, 1)
        form.addWidget(second_label, 1, 0)
        form.addWidget(self.second, 1, 1)
        form.addWidget(self.meter, 2, 1)
        form.addWidget(self.verdict, 3, 1)
        form.addWidget(self.advice, 4, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.error)
        QWidget.setTabOrder(self.first, self.second)

        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    @staticmethod
    def _password_field(accessible: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(accessible)
        field.setMinimumWidth(320)
        # No autocompletion, no input method history for secrets.
        field.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
            | Qt.InputMethodHint.ImhNoAutoUppercase
        )
        return field

    @staticmethod
    def _plain_label() -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        return label

    # State

    def strength(self) -> Strength:
        return estimate(self.first.text(), self._context())

    def has_input(self) -> bool:
        return bool(self.first.text() and self.second.text())

    def missing(self) -> str | None:
        """Which field is still empty (why the dialog's button is off), or None."""
        if not self.first.text():
            return _("Type a passphrase in “{field}”.").format(field=self._names[0])
        if not self.second.text():
            return _("Type the same passphrase again in “{field}”.").format(field=self._names[1])
        return None

    def focus_chain(self) -> list[QWidget]:
        """The fields in the order Tab visits them."""
        return [self.first, self.second]

    def align_with(self, *labels: QLabel) -> None:
        """Give this entry's labels and a form's ``labels`` above it one width, so
        every field of the dialog starts at the same place."""
        every = (*labels, *self.labels)
        width = max(label.sizeHint().width() for label in every)
        for label in every:
            label.setMinimumWidth(width)

    def problem(self) -> str | None:
        """Why the passphrase would be refused now, or None."""
        text = self.first.text()
        if len(text) < MIN_PASSPHRASE_CHARS:
            return _("The passphrase needs at least {count} characters.").format(
                count=MIN_PASSPHRASE_CHARS
            )
        if text != self.second.text():
            return _("The two passphrases are not the same; type them again.")
        return None

    def validate(self) -> bool:
        """Show the reason for a refusal inline (and focus the field to fix)."""
        problem = self.problem()
        self.show_error(problem)
        if problem is not None:
            short = len(self.first.text()) < MIN_PASSPHRASE_CHARS
            (self.first if short else self.second).setFocus()
        return problem is None

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    @property
    def error_text(self) -> str:
        return self.error.text()

    def take(self) -> str | None:
        """The passphrase if acceptable (the fields keep it until ``clear``)."""
        return self.first.text() if self.validate() else None

    def clear(self) -> None:
        # setText (not clear()) also drops QLineEdit's undo history.
        for field in (self.first, self.second):
            field.setText("")
        self.show_error(None)

    def set_enabled(self, enabled: bool) -> None:
        self.first.setEnabled(enabled)
        self.second.setEnabled(enabled)

    # Live hint

    def _update(self) -> None:
        text = self.first.text()
        if self.error.text() and self.problem() is None:
            self.show_error(None)
        if not text:
            self.meter.setValue(0)
            self.verdict.setText(
                _(
                    "At least {count} characters. Several unrelated words are easy to remember."
                ).format(count=MIN_PASSPHRASE_CHARS)
            )
            self._advise("")
            self.changed.emit()
            return
        strength = self.strength()
        level = strength.level if strength.long_enough else 0
        self.meter.setValue(level + 1)
        colour = _COLOURS[level]
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        if strength.long_enough:
            self.verdict.setText(
                _("Strength: {label} (about {bits} bits).").format(
                    label=strength.label, bits=int(strength.bits)
                )
            )
        else:
            self.verdict.setText(_("Strength: too short."))
        self._advise("\n".join(strength.warnings))
        self.changed.emit()

    def _advise(self, text: str) -> None:
        self.advice.setText(text)
        self.advice.setVisible(bool(text))
