"""A language chosen by its name (Dari, Pashto, English…), kept as the tag the core stores.

Statements, interviews and read-backs have always stored a BCP 47 tag
(``fa-AF``, ``ps``, ``en``); people choose the language by name instead of
typing the tag. *Other…* takes any other well-formed tag (``uz-Arab``,
``prs``), and a tag stored before that is not in the list (even one that is
not well formed) is shown there as it is and kept unchanged unless someone
edits it: records saved before stay exactly as they were.
"""

from __future__ import annotations

from typing import Any

from ...core.i18n import N_, _
from ..qt import QComboBox, QHBoxLayout, QLineEdit, QWidget, Signal
from ..services.vocabulary import LANGUAGE_CHOICES, is_language_tag, language_name
from ..widgets.bidi import isolate
from .field_editors import FieldEditor, plain_label

OTHER = "\x00other"  # the Other… item's data: never a tag
NOT_A_TAG = N_("Type a language tag such as uz-Arab, or choose the language from the list.")


def language_label(tag: str) -> str:
    """Dari (fa-AF): the name in the interface's language, then the tag as stored."""
    return _("{language} ({tag})").format(
        language=language_name(tag, translate=True), tag=isolate(tag)
    )


class LanguageChoice(QWidget):
    """A list of languages by name, and a box for any other tag.

    ``text()`` and ``setText()`` read and set the tag, as a line edit's would.
    ``changed`` fires on every change of it, also when set by code.
    """

    changed = Signal()

    def __init__(self, accessible: str, *, required: bool = True) -> None:
        super().__init__()
        self.combo = QComboBox()
        self.combo.setAccessibleName(accessible)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # A required language starts unchosen, never guessed.
        self.combo.addItem(_("Choose…") if required else _("— none —"), "")
        for tag in LANGUAGE_CHOICES:
            self.combo.addItem(language_label(tag), tag)
        self.combo.addItem(_("Other…"), OTHER)
        self.other = QLineEdit()
        self.other.setAccessibleName(_("{field}: language tag").format(field=accessible))
        self.other.setPlaceholderText(_("Language tag, e.g. uz-Arab"))
        self.other.setMaxLength(35)
        self.other.setMaximumWidth(self.other.fontMetrics().horizontalAdvance("M") * 12)
        self.named = plain_label()  # what a tag typed under Other… stands for: "prs" is Dari
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.other)
        layout.addWidget(self.named)
        layout.addStretch(1)
        self.setFocusProxy(self.combo)
        self.setTabOrder(self.combo, self.other)
        self._loaded = ""
        self.combo.currentIndexChanged.connect(self._chosen)
        self.combo.activated.connect(self._activated)
        self.other.textChanged.connect(self._typed)
        self._show_other(False)

    def _show_other(self, shown: bool) -> None:
        self.other.setVisible(shown)
        self.named.setVisible(shown and bool(self.named.text()))

    def _chosen(self, _index: int) -> None:
        self._show_other(self.combo.currentData() == OTHER)
        self.changed.emit()

    def _activated(self, _index: int) -> None:
        if self.combo.currentData() == OTHER:
            self.other.setFocus()

    def _typed(self, _text: str) -> None:
        self._name_other()
        if self.combo.currentData() == OTHER:
            self.changed.emit()

    def _name_other(self) -> None:
        tag = self.other.text().strip()
        known = language_name(tag, translate=True)
        self.named.setText(known if tag and known != tag else "")
        self._show_other(self.combo.currentData() == OTHER)

    # The tag

    def text(self) -> str:
        data = self.combo.currentData()
        return self.other.text().strip() if data == OTHER else str(data or "")

    def typed(self) -> str:
        """What is shown, exactly as typed (for a draft)."""
        return self.other.text() if self.combo.currentData() == OTHER else self.text()

    def setText(self, tag: str) -> None:  # a line edit's name, for its callers
        """Show ``tag``: its name when it is in the list, else under Other… as it is."""
        index = self.combo.findData(tag) if tag else 0
        self.combo.blockSignals(True)
        self.other.blockSignals(True)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self.other.clear()
        else:
            self.combo.setCurrentIndex(self.combo.findData(OTHER))
            self.other.setText(tag)
        self.combo.blockSignals(False)
        self.other.blockSignals(False)
        self._name_other()
        self.changed.emit()

    def load(self, tag: str) -> None:
        """Show a stored tag: kept as it is, even a malformed one, until someone edits it."""
        self._loaded = tag
        self.setText(tag)

    def problem(self) -> str | None:
        """Why what is typed under Other… is not a tag (None: it is, or it was stored so)."""
        tag = self.text()
        if self.combo.currentData() != OTHER or not tag or tag == self._loaded:
            return None
        return None if is_language_tag(tag) else NOT_A_TAG

    def inputs(self) -> list[QWidget]:
        return [self.combo, self.other]


class LanguageEditor(FieldEditor):
    """A record's ``language`` (an interview's): optional, chosen by name."""

    def __init__(self, key: str, label: str) -> None:
        self.choice = LanguageChoice(label, required=False)
        super().__init__((key,), label, self.choice)
        self.choice.changed.connect(self.touch)

    def focus_widget(self) -> QWidget:
        return self.choice.combo

    def marked_widgets(self, _rest: str = "") -> list[QWidget]:
        return self.choice.inputs()

    def set_value(self, value: Any) -> None:
        self.choice.load(value or "")

    def value(self) -> Any:
        return self.choice.text()

    def local_problem(self) -> tuple[str, dict[str, Any]] | None:
        problem = self.choice.problem()
        return (problem, {}) if problem else None

    def raw(self) -> Any:
        return {"text": self.choice.typed()}

    def restore(self, raw: Any) -> None:
        if isinstance(raw, dict) and isinstance(raw.get("text"), str):
            with self.loading():
                self.choice.setText(raw["text"])
