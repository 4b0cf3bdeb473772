"""One editor per field spec: the pieces ``RecordForm`` builds a form from.

An editor owns one or more keys of a record body: ``load`` shows them,
``store`` writes them back into a body, ``changed`` fires on user edits only
(never while loading). Everything shown is plain text. An editor that cannot
turn its input into a value (a half-typed date) says so through
``local_problem``; the form keeps the text, marks the field, and autosave
keeps that field as typed in a draft (``raw`` gives its state as typed,
``restore`` shows it again: ``core/drafts.py``).
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from typing import Any

from ...core.i18n import _
from ..qt import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QObject,
    QPlainTextEdit,
    Qt,
    QWidget,
    Signal,
)
from ..widgets.bidi import NaturalDirection
from .field_labels import choice_label

RefOptions = dict[str, list[tuple[str, str]]]  # target kind -> [(id, label)]


def plain_label(text: str = "") -> QLabel:
    """A label that never reads its text as HTML."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_tooltip(text: str) -> str:
    """Qt shows a tooltip as rich text when it looks like HTML: case text is escaped."""
    return f'<p style="white-space:pre-wrap">{html.escape(text)}</p>' if text else ""


def set_invalid(widget: QWidget, message: str | None) -> None:
    """Mark (or unmark) a widget: a red border from the editor's style sheet and a tooltip."""
    widget.setProperty("invalid", bool(message))
    widget.setToolTip(plain_tooltip(message or ""))
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class FieldEditor(QObject):
    changed = Signal()

    def __init__(self, keys: tuple[str, ...], label: str, widget: QWidget) -> None:
        super().__init__()
        self.keys = keys
        self.label = label
        self.widget = widget
        self.full_width = False  # a table or a pair of texts: a row of its own
        self.inline_label = False  # a check box carries its own label
        self._loading = 0

    # What subclasses provide

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def value(self) -> Any:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self.widget

    def marked_widgets(self, _rest: str = "") -> list[QWidget]:
        return [self.focus_widget()]

    def local_problem(self) -> tuple[str, dict[str, Any]] | None:
        """Why the input is not a value yet: a message template (``N_``) and its parameters."""
        return None

    def local_error(self) -> str | None:
        found = self.local_problem()
        return _(found[0]).format(**found[1]) if found else None

    def raw(self) -> Any:
        """The state shown, as typed (plain JSON), for a draft; ``restore`` shows it again."""
        body: dict[str, Any] = {}
        self.store(body)
        return {key: body.get(key) for key in self.keys}

    def restore(self, raw: Any) -> None:
        """Show a draft's state again (as typed; ``changed`` is not emitted)."""
        if isinstance(raw, dict):
            with self.loading():
                self.load(raw)

    def set_options(self, _options: RefOptions) -> None:
        """References: the case's people, evidence and interviews, by name."""

    def commit_pending(self) -> None:
        """Finish an edit still open in a cell editor (before a save)."""

    # Shared behaviour

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        self._loading += 1
        try:
            yield
        finally:
            self._loading -= 1

    def touch(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    def load(self, body: dict[str, Any]) -> None:
        with self.loading():
            self.set_value(body.get(self.keys[0]))

    def store(self, body: dict[str, Any]) -> None:
        body[self.keys[0]] = self.value()

    def clear(self) -> None:
        with self.loading():
            self.set_value(None)
            self.set_options({})
        self.mark(None)

    def mark(self, message: str | None, rest: str = "") -> None:
        widgets = self.marked_widgets(rest) if message else self.marked_widgets()
        for widget in widgets:
            set_invalid(widget, message)
        if message is None:
            for widget in self.marked_widgets("*"):
                set_invalid(widget, None)


class TextEditor(FieldEditor):
    def __init__(self, key: str, label: str) -> None:
        super().__init__((key,), label, QLineEdit())
        self.line: QLineEdit = self.widget  # type: ignore[assignment]
        self.line.setAccessibleName(label)
        self.line.textEdited.connect(self.touch)

    def set_value(self, value: Any) -> None:
        self.line.setText(value or "")  # setText also forgets the undo history

    def value(self) -> Any:
        return self.line.text()


class MultilineEditor(FieldEditor):
    def __init__(self, key: str, label: str, lines: int = 4) -> None:
        edit = QPlainTextEdit()
        super().__init__((key,), label, edit)
        self.edit = edit
        edit.setAccessibleName(label)
        edit.setTabChangesFocus(True)  # Tab moves on, as everywhere else in the form
        edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * lines + 12)
        edit.textChanged.connect(self.touch)
        NaturalDirection(edit)  # Dari notes right to left in an English interface, and back

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText(value or "")

    def value(self) -> Any:
        return self.edit.toPlainText()


class ChoiceEditor(FieldEditor):
    def __init__(
        self, key: str, label: str, options: tuple[str, ...], fallback: str | None, context: str
    ) -> None:
        super().__init__((key,), label, QComboBox())
        self.combo: QComboBox = self.widget  # type: ignore[assignment]
        self.combo.setAccessibleName(label)
        self.fallback = fallback
        if fallback is None:  # a required choice starts unchosen, never guessed
            self.combo.addItem(_("Choose…"), None)
        for option in options:
            self.combo.addItem(choice_label(option, context), option)
        self.combo.currentIndexChanged.connect(self.touch)

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value if value is not None else self.fallback)
        self.combo.setCurrentIndex(max(index, 0))

    def value(self) -> Any:
        return self.combo.currentData()


class BooleanEditor(FieldEditor):
    def __init__(self, key: str, label: str) -> None:
        super().__init__((key,), label, QCheckBox(label))
        self.box: QCheckBox = self.widget  # type: ignore[assignment]
        self.box.setAccessibleName(label)
        self.inline_label = True
        self.box.toggled.connect(self.touch)

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def value(self) -> Any:
        return self.box.isChecked()


class FlagsEditor(FieldEditor):
    def __init__(self, key: str, label: str, options: tuple[str, ...], columns: int = 2) -> None:
        super().__init__((key,), label, QWidget())
        self.widget.setAccessibleName(label)
        grid = QGridLayout(self.widget)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        self.boxes: dict[str, QCheckBox] = {}
        for i, option in enumerate(options):
            box = QCheckBox(choice_label(option))
            box.setAccessibleName(choice_label(option))
            box.toggled.connect(self.touch)
            grid.addWidget(box, i // columns, i % columns)
            self.boxes[option] = box

    def focus_widget(self) -> QWidget:
        return next(iter(self.boxes.values()))

    def marked_widgets(self, _rest: str = "") -> list[QWidget]:
        return list(self.boxes.values())

    def set_value(self, value: Any) -> None:
        chosen = set(value or ())
        for option, box in self.boxes.items():
            box.setChecked(option in chosen)

    def value(self) -> Any:
        return [option for option, box in self.boxes.items() if box.isChecked()]


class TextListEditor(FieldEditor):
    """A short list of texts on one line, separated by commas."""

    def __init__(self, key: str, label: str) -> None:
        super().__init__((key,), label, QLineEdit())
        self.line: QLineEdit = self.widget  # type: ignore[assignment]
        self.line.setAccessibleName(label)
        self.line.setPlaceholderText(_("Separate with commas"))
        self.line.textEdited.connect(self.touch)
        self._loaded: tuple[str, list[str]] = ("", [])

    def set_value(self, value: Any) -> None:
        items = list(value or [])
        text = ", ".join(items)
        self._loaded = (text, items)
        self.line.setText(text)

    def value(self) -> Any:
        text = self.line.text()
        if text == self._loaded[0]:  # untouched: keep items exactly (one may hold a comma)
            return list(self._loaded[1])
        return [part.strip() for part in text.split(",") if part.strip()]

    def raw(self) -> Any:
        return {"text": self.line.text()}

    def restore(self, raw: Any) -> None:
        if isinstance(raw, dict) and isinstance(raw.get("text"), str):
            with self.loading():
                self.line.setText(raw["text"])


class RefEditor(FieldEditor):
    """One other record of the case, chosen by name."""

    def __init__(self, key: str, label: str, target: str) -> None:
        super().__init__((key,), label, QComboBox())
        self.combo: QComboBox = self.widget  # type: ignore[assignment]
        self.combo.setAccessibleName(label)
        self.target = target
        self.combo.currentIndexChanged.connect(self.touch)

    def set_options(self, options: RefOptions) -> None:
        with self.loading():
            current = self.combo.currentData()
            self.combo.clear()
            if options:
                self.combo.addItem(_("— none —"), None)
            for record_id, label in options.get(self.target, []):
                self.combo.addItem(label or _("(no name)"), record_id)
            self.set_value(current)

    def set_value(self, value: Any) -> None:
        if self.combo.count() == 0:
            return
        index = self.combo.findData(value)
        if value and index < 0:  # the record it names was deleted: show it, don't drop it
            self.combo.addItem(_("(removed record)"), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(max(index, 0))

    def value(self) -> Any:
        return self.combo.currentData()


class RefListEditor(FieldEditor):
    """Several records of the case, ticked in a short list."""

    def __init__(self, key: str, label: str, target: str) -> None:
        super().__init__((key,), label, QListWidget())
        self.list: QListWidget = self.widget  # type: ignore[assignment]
        self.list.setAccessibleName(label)
        self.target = target
        self._loaded: list[str] = []
        self.list.itemChanged.connect(self.touch)

    def set_options(self, options: RefOptions) -> None:
        with self.loading():
            self.list.clear()
            for record_id, label in options.get(self.target, []):
                item = QListWidgetItem(label or _("(no name)"))
                item.setData(Qt.ItemDataRole.UserRole, record_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.list.addItem(item)
            rows = min(max(self.list.count(), 1), 6)
            row = max(self.list.sizeHintForRow(0), self.list.fontMetrics().height() + 6)
            self.list.setFixedHeight(row * rows + 2 * self.list.frameWidth() + 2)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def set_value(self, value: Any) -> None:
        self._loaded = list(value or [])
        known = set()
        for item in self._items():
            record_id = item.data(Qt.ItemDataRole.UserRole)
            known.add(record_id)
            checked = record_id in self._loaded
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for record_id in self._loaded:
            if record_id not in known:
                item = QListWidgetItem(_("(removed record)"))
                item.setData(Qt.ItemDataRole.UserRole, record_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.list.addItem(item)

    def value(self) -> Any:
        checked = [
            item.data(Qt.ItemDataRole.UserRole)
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]
        kept = [r for r in self._loaded if r in checked]  # stored order first
        return kept + [r for r in checked if r not in kept]
