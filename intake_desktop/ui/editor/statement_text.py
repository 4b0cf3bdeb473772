"""A statement's original text beside its English translation.

The original is shown right-to-left, in a Naskh face that covers every Dari
and Pashto letter, whenever its language is written that way, whatever the
interface language; with no language given yet it follows its own first
letter. The English translation is always left-to-right, also in a Dari or
Pashto interface. It sits beside the original (to its left in an English
interface, mirrored in Dari and Pashto) so a translator can work line by line.
Languages are chosen by name and stored as their tags (``language_choice.py``).

While a certification or a read-back holds, the texts it covers are
read-only and the first key that would change them asks first
(``text_guard.py``); a line above the texts says so.
"""

from __future__ import annotations

from typing import Any

from ...core.i18n import _
from ..qt import (
    QFont,
    QFontDatabase,
    QFormLayout,
    QGuiApplication,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSplitter,
    Qt,
    QTextOption,
    QVBoxLayout,
    QWidget,
)
from ..widgets.bidi import natural_direction
from .field_editors import FieldEditor, plain_label
from .language_choice import LanguageChoice
from .text_guard import Protection, TextGuard

RTL_LANGUAGES = ("fa", "prs", "ps", "ar", "ur", "ckb", "sd", "ug", "bal")
NASKH_FAMILIES = ("Noto Naskh Arabic", "Noto Sans Arabic")


def is_rtl(language: str) -> bool:
    """fa, fa-AF, ps, ar, ur... (the tag's first part decides)."""
    return language.strip().replace("_", "-").split("-")[0].lower() in RTL_LANGUAGES


def set_direction(edit: QPlainTextEdit, rtl: bool) -> None:
    direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    edit.setLayoutDirection(direction)
    option = QTextOption(edit.document().defaultTextOption())
    option.setTextDirection(direction)
    option.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
    edit.document().setDefaultTextOption(option)


def script_font(base: QFont, scale: float = 1.25) -> QFont:
    """A larger Naskh face for Dari and Pashto, when installed; else the UI font, larger."""
    font = QFont(base)
    families = set(QFontDatabase.families())
    chosen = next((f for f in NASKH_FAMILIES if f in families), None)
    if chosen:
        font.setFamilies([chosen, *base.families()])
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * scale)
    return font


class _Pane(QWidget):
    def __init__(self, heading: str) -> None:
        super().__init__()
        self.heading = plain_label(heading)
        bold = QFont(self.heading.font())
        bold.setBold(True)
        self.heading.setFont(bold)
        self.fields = QFormLayout()
        self.fields.setContentsMargins(0, 0, 0, 0)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(self.text.fontMetrics().lineSpacing() * 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(self.fields)
        layout.addWidget(self.text, 1)

    def add_line(self, caption: str, accessible: str) -> QLineEdit:
        line = QLineEdit()
        line.setAccessibleName(accessible)
        self.add_row(caption, line)
        return line

    def add_language(self, accessible: str, required: bool) -> LanguageChoice:
        choice = LanguageChoice(accessible, required=required)
        self.add_row(_("Language"), choice)
        return choice

    def add_row(self, caption: str, widget: QWidget) -> None:
        label = plain_label(caption)
        label.setBuddy(widget)
        self.fields.addRow(label, widget)


class StatementText(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.original = _Pane(_("Original"))
        self.language = self.original.add_language(_("Original language"), required=True)
        self.text = self.original.text
        self.text.setAccessibleName(_("Original text"))
        self.text.setFont(script_font(self.text.font()))

        self.translated = _Pane(_("English translation"))
        self.translation_language = self.translated.add_language(
            _("Translation language"), required=False
        )
        self.translator = self.translated.add_line(_("Translator"), _("Translator"))
        self.translation = self.translated.text
        self.translation.setAccessibleName(_("Translation text"))
        set_direction(self.translation, False)  # English, also in a Dari or Pashto interface

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.original)
        self.splitter.addWidget(self.translated)
        self.splitter.setSizes([1, 1])
        expanding = QSizePolicy.Policy.Expanding
        self.splitter.setSizePolicy(expanding, expanding)
        # Says, before anyone types, that the texts are protected (text_guard.py).
        self.protected_note = plain_label()
        self.protected_note.setWordWrap(True)
        self.protected_note.setObjectName("protected-note")
        self.protected_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.protected_note)
        layout.addWidget(self.splitter)
        # Only the texts move (each pane made its text before its fields). Moving a
        # language's combo would leave its box, the combo's focus proxy, behind in the
        # chain: Tab from the translation went to that box, back to its combo, a loop.
        self.setTabOrder(self.language.other, self.text)
        self.setTabOrder(self.translator, self.translation)
        self.language.changed.connect(self.update_direction)
        self.text.textChanged.connect(self.update_direction)
        self.guard = TextGuard(self)
        self.guard.watch(
            [self.text, self.translation, self.language.other, self.translation_language.other],
            [self.language.combo, self.translation_language.combo],
        )
        self.guard.released.connect(lambda: self.protected_note.hide())

    def protect(self, protection: Protection | None, languages: bool = True) -> None:
        """Ask before the texts (and, with ``languages``, their languages) change; None: don't."""
        if protection is None:
            self.guard.release(quietly=True)
            self.protected_note.hide()
            return
        widgets: list[QWidget] = [self.text, self.translation]
        if languages:
            widgets += [*self.language.inputs(), *self.translation_language.inputs()]
        self.guard.protect(protection, widgets)
        self.protected_note.setText(protection.note)
        self.protected_note.show()

    def update_direction(self, *_args: object) -> None:
        """Right to left for Dari and Pashto; no language yet: the text's own first letter."""
        language = self.language.text()
        if is_rtl(language):
            rtl = True
        elif language.strip():
            rtl = False
        else:
            found = natural_direction(self.text.toPlainText()[:4000])
            rtl = (found or QGuiApplication.layoutDirection()) == Qt.LayoutDirection.RightToLeft
        wanted = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        if self.text.document().defaultTextOption().textDirection() != wanted:
            set_direction(self.text, rtl)


class StatementTextEditor(FieldEditor):
    """Owns ``language``, ``text`` and ``translation`` of a statement."""

    def __init__(self) -> None:
        self.pair = StatementText()
        super().__init__(("language", "text", "translation"), _("Statement"), self.pair)
        self.full_width = True
        pair = self.pair
        pair.language.changed.connect(self.touch)
        pair.translation_language.changed.connect(self.touch)
        pair.translator.textEdited.connect(self.touch)
        pair.text.textChanged.connect(self.touch)
        pair.translation.textChanged.connect(self.touch)

    def focus_widget(self) -> QWidget:
        return self.pair.language.combo

    def marked_widgets(self, rest: str = "") -> list[QWidget]:
        pair = self.pair
        parts: dict[str, list[QWidget]] = {
            "language": pair.language.inputs(),
            "text": [pair.text],
            "translation.language": pair.translation_language.inputs(),
            "translation.text": [pair.translation],
            "translation.translator": [pair.translator],
        }
        if (
            rest == "language"
            and pair.language.problem() is None
            and pair.translation_language.problem() is not None
        ):
            return parts["translation.language"]  # the tag typed there is the problem
        if rest in parts:
            return parts[rest]
        return [w for ws in parts.values() for w in ws] if rest == "*" else [pair.text]

    def local_problem(self) -> tuple[str, dict[str, Any]] | None:
        for choice in (self.pair.language, self.pair.translation_language):
            problem = choice.problem()
            if problem:
                return problem, {}
        return None

    def load(self, body: dict[str, Any]) -> None:
        pair = self.pair
        translation = body.get("translation") or {}
        with self.loading():
            pair.language.load(body.get("language") or "")
            pair.text.setPlainText(body.get("text") or "")
            pair.translation_language.load(translation.get("language") or "")
            pair.translator.setText(translation.get("translator") or "")
            pair.translation.setPlainText(translation.get("text") or "")
        pair.update_direction()

    def store(self, body: dict[str, Any]) -> None:
        pair = self.pair
        body["language"] = pair.language.text()
        body["text"] = pair.text.toPlainText()
        translation = {
            "language": pair.translation_language.text().strip(),
            "text": pair.translation.toPlainText(),
            "translator": pair.translator.text(),
        }
        body["translation"] = translation if any(v.strip() for v in translation.values()) else None

    def set_value(self, value: Any) -> None:
        self.load({})

    def value(self) -> Any:
        body: dict[str, Any] = {}
        self.store(body)
        return body

    # Drafts: the five boxes exactly as typed (a blank language is a problem to keep)

    _RAW = ("language", "text", "translation_language", "translator", "translation")

    def raw(self) -> Any:
        pair = self.pair
        return {
            "language": pair.language.typed(),
            "text": pair.text.toPlainText(),
            "translation_language": pair.translation_language.typed(),
            "translator": pair.translator.text(),
            "translation": pair.translation.toPlainText(),
        }

    def restore(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            return
        pair = self.pair
        texts = {key: raw[key] if isinstance(raw.get(key), str) else "" for key in self._RAW}
        with self.loading():
            pair.language.setText(texts["language"])
            pair.text.setPlainText(texts["text"])
            pair.translation_language.setText(texts["translation_language"])
            pair.translator.setText(texts["translator"])
            pair.translation.setPlainText(texts["translation"])
        pair.update_direction()
