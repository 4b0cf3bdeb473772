"""A person's names: one row per spelling, script and source.

Names come from several documents in several scripts (ذبیح‌الله on the
tazkira, "Zabihullah" on the passport, "Zabiullah" on an old visa): each row
keeps its text exactly as typed with where it came from. Arrow keys move
between cells and typing edits; Tab leaves the table, as in the rest of the
form. A row's script is guessed from its text until someone picks one.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.i18n import _
from ..qt import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QModelIndex,
    QPersistentModelIndex,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.vocabulary import NAME, SCRIPTS
from ..widgets.bidi import NaturalDirectionDelegate
from .field_editors import FieldEditor
from .field_labels import choice_label

COLUMNS = ("text", "script", "kind", "language", "source")
NAME_KINDS: tuple[str, ...] = NAME.fields["kind"].options  # type: ignore[attr-defined]
CHOICES = {"script": (SCRIPTS, ""), "kind": (NAME_KINDS, "name_kind")}
Index = QModelIndex | QPersistentModelIndex


def guess_script(text: str) -> str:
    if re.search("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]", text):
        return "arabic"
    if re.search("[\u0400-\u04ff]", text):
        return "cyrillic"
    if re.search("[A-Za-z\u00c0-\u024f]", text):
        return "latin"
    return "other"


def column_label(column: int) -> str:
    return (_("Name as written"), _("Script"), _("Kind"), _("Language"), _("Source"))[column]


class _CellDelegate(NaturalDirectionDelegate):
    """Choice columns edit with a combo box; it remembers the open editor so a save can
    take its text before the cell is closed, and which editors are still open."""

    typing = Signal()  # text typed into an open cell (not yet committed to it)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.open_editor: QWidget | None = None
        self.live: set[QWidget] = set()  # created, not destroyed yet

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:
        column = COLUMNS[index.column()]
        if column in CHOICES:
            options, context = CHOICES[column]
            combo = QComboBox(parent)
            combo.setAccessibleName(_("Name: {column}").format(column=column_label(index.column())))
            for value in options:
                combo.addItem(choice_label(value, context), value)
            self.open_editor = combo
            self.live.add(combo)
            return combo
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            editor.setAccessibleName(
                _("Name: {column}").format(column=column_label(index.column()))
            )
            editor.textEdited.connect(lambda _text: self.typing.emit())
        self.open_editor = editor
        self.live.add(editor)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.UserRole)), 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.UserRole)
            model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)
        else:
            super().setModelData(editor, model, index)

    def destroyEditor(self, editor: QWidget, index: Index) -> None:
        if editor is self.open_editor:
            self.open_editor = None
        self.live.discard(editor)
        super().destroyEditor(editor, index)

    def open_in(self, view: QAbstractItemView) -> QWidget | None:
        """The editor open in ``view`` now, if the view still holds it."""
        editor = self.open_editor
        if editor is None or view.indexWidget(view.currentIndex()) is not editor:
            return None
        return editor


class _NamesView(QTableWidget):
    """Enter in a cell commits and closes it a moment later (Qt queues it). If the
    rows went meanwhile (another record shown, the vault locking), the editor's
    text went with them: it is not committed, and Qt does not print "commitData
    called with an editor that does not belong to this view"."""

    def commitData(self, editor: QWidget) -> None:
        delegate = self.itemDelegate()
        if isinstance(delegate, _CellDelegate) and editor not in delegate.live:
            return
        super().commitData(editor)


class NamesTable(QWidget):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.table = _NamesView(0, len(COLUMNS))
        self.table.setAccessibleName(label)
        self.table.setHorizontalHeaderLabels([column_label(c) for c in range(len(COLUMNS))])
        self.delegate = _CellDelegate(self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # Each column as wide as its heading and names: a narrow form scrolls the
        # table sideways rather than squeeze one. A column that stretched took what
        # the others left and Qt cut its centred heading at both ends ("Name as
        # writte"); one cut now ends in "…".
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Qt's narrowest column is its font's widest glyph, about 90 px with the Arabic
        # font: a column of "1" that wide would push the others out of view.
        header.setMinimumSectionSize(header.fontMetrics().horizontalAdvance("MMM"))
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 4 + 30)
        self.add_button = QPushButton(_("Add name"))
        self.add_button.setAccessibleName(_("Add a name"))
        self.remove_button = QPushButton(_("Remove name"))
        self.remove_button.setAccessibleName(_("Remove the selected name"))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.setTabOrder(self.table, self.add_button)
        self.setTabOrder(self.add_button, self.remove_button)

    def _choice_item(self, column: str, value: str) -> QTableWidgetItem:
        item = QTableWidgetItem(choice_label(value, CHOICES[column][1]))
        item.setData(Qt.ItemDataRole.UserRole, value)
        return item

    def _append(self, name: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, key in enumerate(COLUMNS):
            value = name.get(key) or ""
            if key == "script":
                item = self._choice_item(key, value or "other")
            elif key == "kind":
                item = self._choice_item(key, value or "full")
            else:
                item = QTableWidgetItem(value)
            self.table.setItem(row, column, item)

    def set_names(self, names: list[dict[str, Any]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for name in names:
            self._append(name)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()

    def names(self) -> list[dict[str, Any]]:
        out = []
        for row in range(self.table.rowCount()):
            name = {}
            for column, key in enumerate(COLUMNS):
                item = self.table.item(row, column) or QTableWidgetItem()
                if key in CHOICES:
                    name[key] = item.data(Qt.ItemDataRole.UserRole)
                else:
                    name[key] = item.text() if key == "text" else item.text().strip()
            if name["text"].strip() or name["language"] or name["source"]:
                out.append(name)  # a blank row just added is not a name yet
        return out

    def rows(self) -> list[dict[str, Any]]:
        """Every row as typed, blank and half-filled ones too (for a draft)."""
        out = []
        for row in range(self.table.rowCount()):
            name = {}
            for column, key in enumerate(COLUMNS):
                item = self.table.item(row, column) or QTableWidgetItem()
                name[key] = item.data(Qt.ItemDataRole.UserRole) if key in CHOICES else item.text()
            out.append(name)
        return out

    def add_row(self) -> None:
        kind = "alias" if self.table.rowCount() else "full"
        self._append({"script": "other", "kind": kind})
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.table.editItem(self.table.item(row, 0) or QTableWidgetItem())

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)


class NamesEditor(FieldEditor):
    def __init__(self, key: str, label: str) -> None:
        self.names = NamesTable(label)
        super().__init__((key,), label, self.names)
        self.full_width = True
        self.names.table.itemChanged.connect(self._item_changed)
        self.names.remove_button.clicked.connect(self.touch)
        self.names.delegate.typing.connect(self.touch)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            script = self.names.table.item(item.row(), 1)
            if script is not None and script.data(Qt.ItemDataRole.UserRole) == "other":
                guessed = guess_script(item.text())
                self.names.table.blockSignals(True)
                script.setData(Qt.ItemDataRole.UserRole, guessed)
                script.setText(choice_label(guessed))
                self.names.table.blockSignals(False)
        self.touch()

    def focus_widget(self) -> QWidget:
        return self.names.table

    def set_value(self, value: Any) -> None:
        self.names.set_names(list(value or []))

    def value(self) -> Any:
        return self.names.names()

    def raw(self) -> Any:
        return {"rows": self.names.rows()}

    def restore(self, raw: Any) -> None:
        rows = raw.get("rows") if isinstance(raw, dict) else None
        if not isinstance(rows, list):
            return
        names = [
            {key: str(row.get(key) or "") for key in COLUMNS}
            for row in rows
            if isinstance(row, dict)
        ]
        with self.loading():
            self.names.set_names(names)

    def commit_pending(self) -> None:
        editor = self.names.delegate.open_in(self.names.table)
        if editor is not None:
            self.names.delegate.commitData.emit(editor)
