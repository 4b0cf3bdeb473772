"""A form for one record kind, built once from the model's field specs.

``core.model`` declares each kind's fields; this turns each spec into an
editor (text, choice, flags, dates, references...) and lays them out with
labels that are buddies of their inputs, in the model's order. The form is
built once per kind and refilled for each record, so opening a record costs
a few ``setText`` calls, not a widget tree.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from ...core.i18n import _
from ..qt import QFont, QFormLayout, QFrame, QScrollArea, Qt, QWidget, Signal
from ..services.vocabulary import (
    FUZZY_DATE,
    Boolean,
    Choice,
    EventDate,
    Flags,
    Kind,
    ListOf,
    Ref,
    Spec,
    Text,
)
from .attachments_view import AttachmentsEditor
from .event_date import CalendarDateEditor
from .field_editors import (
    BooleanEditor,
    ChoiceEditor,
    FieldEditor,
    FlagsEditor,
    MultilineEditor,
    RefEditor,
    RefListEditor,
    RefOptions,
    TextEditor,
    TextListEditor,
    plain_label,
)
from .field_labels import field_label, kind_text
from .fuzzy_date_edit import FuzzyDateEditor, follow_document_kind
from .language_choice import LanguageEditor
from .names_table import NamesEditor
from .statement_editor import CertificationPanel
from .statement_text import StatementTextEditor

log = logging.getLogger(__name__)

# Long texts first at the end, where the form has room to grow.
FIELD_ORDER = {
    "statement": (
        "speaker",
        "interview",
        "date",
        "place",
        "interviewer",
        "interpreter",
        "certification",
        "language",
        "text",
        "translation",
    ),
}
TEXT_LINES = {"summary": 6, "contact": 2, "description": 3, "shows": 3}
PLACEHOLDERS = {
    "languages": "fa-AF, ps, en",
    "recipients": "",
}


def make_editor(kind: Kind, name: str, spec: Spec) -> FieldEditor | None:
    """The editor for one field, or None for a spec this form cannot show (kept as is)."""
    label = field_label(kind.name, name)
    if kind.name == "statement" and name in ("language", "text", "translation"):
        return StatementTextEditor()
    if kind.name == "statement" and name in ("certification", "read_back"):
        return CertificationPanel()
    if kind.name == "person" and name == "names":
        return NamesEditor(name, label)
    if kind.name == "evidence" and name == "attachments":
        return AttachmentsEditor(name, label)
    if spec is FUZZY_DATE:
        return FuzzyDateEditor(name, label)
    if isinstance(spec, EventDate):
        return CalendarDateEditor(name, label)
    if kind.name == "interview" and name == "language":
        return LanguageEditor(name, label)
    editor: FieldEditor | None = None
    if isinstance(spec, Text):
        if spec.multiline:
            editor = MultilineEditor(name, label, TEXT_LINES.get(name, 4))
        else:
            editor = TextEditor(name, label)
    elif isinstance(spec, Choice):
        editor = ChoiceEditor(name, label, spec.options, spec.fallback, name)
    elif isinstance(spec, Flags):
        editor = FlagsEditor(name, label, spec.options)
    elif isinstance(spec, Boolean):
        editor = BooleanEditor(name, label)
    elif isinstance(spec, Ref):
        editor = RefEditor(name, label, kind.refs.get(name, spec.kind))
    elif isinstance(spec, ListOf) and isinstance(spec.item, Ref):
        editor = RefListEditor(name, label, kind.refs.get(name, spec.item.kind))
    elif isinstance(spec, ListOf) and isinstance(spec.item, Text):
        editor = TextListEditor(name, label)
    if editor is not None and name in PLACEHOLDERS and hasattr(editor, "line"):
        editor.line.setPlaceholderText(PLACEHOLDERS[name] or editor.line.placeholderText())
    return editor


class RecordForm(QScrollArea):
    changed = Signal()

    def __init__(self, kind: Kind) -> None:
        super().__init__()
        self.kind = kind
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the last field to the list
        self.setAccessibleName(kind_text(kind.name, 0))  # the section's name: Statements
        inner = QWidget()
        self.rows = QFormLayout(inner)
        self.rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.rows.setContentsMargins(12, 8, 16, 16)
        self.rows.setVerticalSpacing(8)
        self.editors: list[FieldEditor] = []
        self.by_key: dict[str, FieldEditor] = {}
        for name in FIELD_ORDER.get(kind.name, tuple(kind.spec.fields)):
            if name not in self.by_key:
                editor = make_editor(kind, name, kind.spec.fields[name])
                if editor is not None:
                    self._add(editor)
        self.setWidget(inner)
        self._base: dict[str, Any] = {}
        panel, texts = self.by_key.get("certification"), self.by_key.get("text")
        if isinstance(panel, CertificationPanel) and isinstance(texts, StatementTextEditor):
            panel.bind(texts)
        document = self.by_key.get("kind")
        if kind.name == "identity_document" and isinstance(document, ChoiceEditor):
            dates = [e for e in self.editors if isinstance(e, FuzzyDateEditor)]
            follow_document_kind(document.combo, dates)

    def _add(self, editor: FieldEditor) -> None:
        self.editors.append(editor)
        for key in editor.keys:
            self.by_key[key] = editor
        editor.changed.connect(self.changed)
        if editor.full_width:
            if not isinstance(editor, StatementTextEditor | CertificationPanel):  # own headings
                heading = plain_label(editor.label)
                font = QFont(heading.font())
                font.setBold(True)
                heading.setFont(font)
                heading.setBuddy(editor.focus_widget())
                self.rows.addRow(heading)
            self.rows.addRow(editor.widget)
        elif editor.inline_label:
            self.rows.addRow(plain_label(), editor.widget)
        else:
            label = plain_label(editor.label)
            label.setBuddy(editor.focus_widget())
            self.rows.addRow(label, editor.widget)

    def editor(self, key: str) -> FieldEditor:
        return self.by_key[key]

    def editor_at(self, widget: QWidget | None) -> FieldEditor | None:
        """The field editor a widget belongs to: one of its parts, a cell being edited,
        or a choice's open list (a window of its own, parented to the choice)."""
        owners = {id(editor.widget): editor for editor in self.editors}
        while widget is not None and widget is not self:
            if id(widget) in owners:
                return owners[id(widget)]
            widget = widget.parentWidget()
        return None

    def first_input(self) -> QWidget:
        return self.editors[0].focus_widget()

    # Values

    def load(self, body: dict[str, Any], options: RefOptions) -> None:
        self.clear_marks()
        self._base = copy.deepcopy(body)
        for editor in self.editors:
            editor.set_options(options)
            editor.load(body)
        self.verticalScrollBar().setValue(0)

    def rebase(self, body: dict[str, Any]) -> None:
        """After a save: the stored body is what unknown fields are kept from."""
        self._base = copy.deepcopy(body)

    def set_options(self, options: RefOptions) -> None:
        for editor in self.editors:
            editor.set_options(options)

    def body(self) -> dict[str, Any]:
        """The loaded body with every editor's current value (unknown fields kept)."""
        out = copy.deepcopy(self._base)
        for editor in self.editors:
            editor.commit_pending()
            editor.store(out)
        return out

    def commit_pending(self) -> None:
        for editor in self.editors:
            editor.commit_pending()

    def local_problems(self) -> list[tuple[FieldEditor, str, dict[str, Any]]]:
        """Each editor whose input is not a value yet, with its message template."""
        found = []
        for editor in self.editors:
            problem = editor.local_problem()
            if problem:
                found.append((editor, *problem))
        return found

    # Drafts (core/drafts.py): fields as typed, keyed by each editor's first key

    def raw(self, editors: list[FieldEditor] | None = None) -> dict[str, Any]:
        return {
            editor.keys[0]: editor.raw()
            for editor in self.editors
            if editors is None or editor in editors
        }

    def restore(self, fields: dict[str, Any]) -> None:
        """Show a draft's fields over what is loaded (a field that no longer fits is skipped)."""
        for key, raw in fields.items():
            editor = self.by_key.get(key)
            if editor is None or editor.keys[0] != key:
                continue
            try:
                editor.restore(raw)
            except (TypeError, ValueError, KeyError, AttributeError):
                log.warning("a draft field could not be shown again (%s)", key)
        for editor in self.editors:
            if isinstance(editor, CertificationPanel):
                editor.refresh()  # the texts shown now decide whether a certification holds

    def key_of_path(self, path: str) -> str | None:
        """The body key an error path names ("statement.translation.text" -> "translation")."""
        editor, rest = self.editor_for_path(path)
        if editor is None:
            return None
        match = re.match(r"[A-Za-z_]+", rest)
        return match.group(0) if match else None

    def clear(self) -> None:
        self._base = {}
        for editor in self.editors:
            editor.clear()

    # Errors

    def editor_for_path(self, path: str) -> tuple[FieldEditor | None, str]:
        """The editor an error path names ("person.names[0].text"), and the rest of it."""
        rest = path.split(".", 1)[1] if path.startswith(self.kind.name + ".") else path
        match = re.match(r"[A-Za-z_]+", rest)
        editor = self.by_key.get(match.group(0)) if match else None
        return editor, rest

    def mark(self, path: str, message: str) -> FieldEditor | None:
        editor, rest = self.editor_for_path(path)
        if editor is not None:
            editor.mark(message, rest)
        return editor

    def clear_marks(self) -> None:
        for editor in self.editors:
            editor.mark(None)

    def describe(self, editor: FieldEditor | None) -> str:
        return editor.label if editor is not None else _("This record")
