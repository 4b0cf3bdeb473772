"""One conflict, field by field: both values side by side, and which one to keep.

A row per field, labelled as the case editor labels it, with your value,
the incoming value and the choice ("Yours" or "Incoming"; "Same" where the
two agree). Fields that differ are marked ``≠`` and shaded (colour is never
the only signal). Space, a double click, or the two buttons switch the
selected field; the fields of a statement's texts and their certificate
switch together, since a certificate vouches for the texts it was made on.
Below, the selected field's two values whole (a statement may be pages).

The incoming values come from a bundle: table cells and read-only
QPlainTextEdits, plain text only.
"""

from __future__ import annotations

from ...core.i18n import _
from ..editor.field_labels import field_label
from ..qt import (
    QAbstractItemView,
    QColor,
    QEvent,
    QFont,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QLabel,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QSize,
    QSizePolicy,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.vocabulary import Conflict
from ..widgets.bidi import isolate, select_row, show_in_natural_direction
from .bundle_text import when
from .conflict_text import Named, field_order, first_line, linked_fields, value_text

DIFFERS = "≠ "
HIGHLIGHT = QColor(255, 236, 179)  # amber 100; text on it stays black
FIELD, YOURS, INCOMING, KEEP = range(4)


class RowsTable(QTableWidget):
    """A table that asks for the height of a few rows (Qt asks 192 px), and scrolls beyond.

    A small screen gives the Conflicts tab about 540 px for two tables and two
    panes: each asks for what it needs to be useful, not more.
    """

    def __init__(self, columns: int, rows: int) -> None:
        super().__init__(0, columns)
        self.rows = rows

    def sizeHint(self) -> QSize:
        rows = self.rows * self.verticalHeader().defaultSectionSize()
        height = self.horizontalHeader().sizeHint().height() + rows + 2 * self.frameWidth()
        return QSize(super().sizeHint().width(), height)


class ValuePane(QPlainTextEdit):
    """A field's value whole, read-only; it asks for three lines, not Qt's 192 px."""

    LINES = 3

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setReadOnly(True)
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(self._lines(2))

    def _lines(self, count: int) -> int:
        return count * self.fontMetrics().lineSpacing() + 2 * self.frameWidth() + 8

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._lines(self.LINES))


def _plain_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class FieldChoices(QWidget):
    changed = Signal()  # a field's choice switched

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict: Conflict | None = None
        self.fields: list[str] = []
        self.differing: set[str] = set()
        self.fixed: set[str] = set()  # differing, but only one side can be kept
        self.taken: set[str] = set()  # the fields whose incoming value is kept
        self.named: Named = {}
        self.cells: list[list[QTableWidgetItem]] = []  # per field: its row's items
        self._busy = False
        self.table = RowsTable(4, rows=5)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Fields of the record in conflict"))
        self.table.setHorizontalHeaderLabels([_("Field"), _("Yours"), _("Incoming"), _("Keep")])
        self.incoming_header = QTableWidgetItem(_("Incoming"))
        self.table.setHorizontalHeaderItem(INCOMING, self.incoming_header)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves; arrows move between fields
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # Rows of one text line: more of a record's fields in view at once.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(FIELD, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(YOURS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(INCOMING, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(KEEP, QHeaderView.ResizeMode.ResizeToContents)
        # One line that never wraps: a wrapping label would ask the whole box
        # for its full height, more than a small screen gives it.
        self.hint = _plain_label()
        self.hint.setWordWrap(False)
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hint.setText(_("Space switches the selected field between yours and incoming."))
        self.use_local = QPushButton(_("Use &yours"))
        self.use_local.setAccessibleName(_("Keep your value of the selected field"))
        self.use_incoming = QPushButton(_("Use i&ncoming"))
        self.use_incoming.setAccessibleName(_("Take the incoming value of the selected field"))
        self.local_text = ValuePane(_("Your value of the selected field"))
        self.incoming_text = ValuePane(_("Incoming value of the selected field"))

        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.use_local)
        row.addWidget(self.use_incoming)
        panes = QGridLayout()
        panes.addWidget(self.local_text, 0, 0)
        panes.addWidget(self.incoming_text, 0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 3)
        layout.addLayout(row)
        layout.addLayout(panes, 1)

        self.table.itemSelectionChanged.connect(self._show_values)
        self.table.itemDoubleClicked.connect(lambda _item: self.switch())
        self.table.installEventFilter(self)
        self.use_local.clicked.connect(lambda: self.choose(incoming=False))
        self.use_incoming.clicked.connect(lambda: self.choose(incoming=True))
        QWidget.setTabOrder(self.table, self.use_local)
        QWidget.setTabOrder(self.use_local, self.use_incoming)
        QWidget.setTabOrder(self.use_incoming, self.local_text)
        QWidget.setTabOrder(self.local_text, self.incoming_text)
        self._update_buttons()

    # Contents

    def show_conflict(self, conflict: Conflict | None, named: Named) -> None:
        self.conflict, self.named = conflict, named
        self.taken = set()
        self.table.setRowCount(0)
        self.cells = []
        if conflict is None:
            self.incoming_header.setText(_("Incoming"))
            self.fields, self.differing, self.fixed = [], set(), set()
            self._show_values()
            return
        local, incoming = conflict.local, conflict.incoming
        self.fields = field_order(conflict.kind, local.body, incoming.body)
        self.differing = {k for k in self.fields if local.body.get(k) != incoming.body.get(k)}
        whole = local.deleted or incoming.deleted
        # A field its sender left out (a withheld name) has no value to take.
        self.fixed = set(self.differing) if whole else self.differing & set(conflict.redacted)
        # When it came, where its values are: the version line is in the list above.
        self.incoming_header.setText(
            _("Incoming, received {when}").format(when=isolate(when(conflict.received_at)))
        )
        self.table.setRowCount(len(self.fields))
        for row, name in enumerate(self.fields):
            mark = DIFFERS if name in self.differing else "  "
            cells = [
                mark + field_label(conflict.kind, name),
                first_line(self._value(local.body, name, local.deleted)),
                first_line(self._incoming_value(name)),
                "",
            ]
            items = [QTableWidgetItem(text) for text in cells]
            for column, item in enumerate(items):
                self.table.setItem(row, column, item)
            self.cells.append(items)
        self._show_choices()
        if self.fields:
            first = next((i for i, k in enumerate(self.fields) if k in self.differing), 0)
            select_row(self.table, first)
        self._show_values()

    def _value(self, body: dict[str, object], name: str, deleted: bool) -> str:
        if deleted:
            return _("(deleted)")
        kind = self.conflict.kind if self.conflict is not None else ""
        return value_text(kind, name, body.get(name), self.named)

    def _incoming_value(self, name: str) -> str:
        conflict = self.conflict
        if conflict is None:
            return ""
        if name in conflict.redacted:
            return _("(left out by the sender: a withheld name)")
        return self._value(conflict.incoming.body, name, conflict.incoming.deleted)

    def _show_choices(self) -> None:
        bold = QFont(self.table.font())
        bold.setBold(True)
        normal = QFont(self.table.font())
        for row, name in enumerate(self.fields):
            differs = name in self.differing
            incoming = name in self.taken
            if not differs:
                word = _("Same")
            elif name in self.fixed:
                word = _("Yours") if not self.whole() else "—"
            else:
                word = _("Incoming") if incoming else _("Yours")
            cells = self.cells[row]
            cells[KEEP].setText(word)
            for item in cells if differs else ():
                item.setBackground(HIGHLIGHT)
                item.setForeground(QColor(0, 0, 0))
            chosen = INCOMING if incoming else YOURS
            for column in (YOURS, INCOMING):
                cells[column].setFont(
                    bold if differs and column == chosen and not self.whole() else normal
                )

    def _show_values(self) -> None:
        name = self.current_field()
        conflict = self.conflict
        if name is None or conflict is None:
            self.local_text.setPlainText("")
            self.incoming_text.setPlainText("")
        else:
            local = conflict.local
            self.local_text.setPlainText(self._value(local.body, name, local.deleted))
            self.incoming_text.setPlainText(self._incoming_value(name))
        self._update_buttons()

    # Choosing

    def whole(self) -> bool:
        """Deleted on one side: the record is kept or deleted whole, not field by field."""
        return self.conflict is not None and (
            self.conflict.local.deleted or self.conflict.incoming.deleted
        )

    def current_field(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self.fields[row] if 0 <= row < len(self.fields) else None

    def choosable(self, name: str | None) -> bool:
        return name is not None and name in self.differing and name not in self.fixed

    def choose(self, incoming: bool) -> None:
        name = self.current_field()
        if not self.choosable(name) or name is None or self.conflict is None or self._busy:
            return
        for linked in linked_fields(self.conflict.kind, name):
            if linked in self.differing and linked not in self.fixed:
                if incoming:
                    self.taken.add(linked)
                else:
                    self.taken.discard(linked)
        self._show_choices()
        self._update_buttons()
        self.changed.emit()

    def switch(self) -> None:
        name = self.current_field()
        if self.choosable(name) and not self._busy:
            self.choose(incoming=name not in self.taken)

    def every_difference_taken(self) -> bool:
        return bool(self.differing) and not self.fixed and self.taken == self.differing

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        name = self.current_field()
        free = self.choosable(name) and not self._busy
        self.use_local.setEnabled(free and name in self.taken)
        self.use_incoming.setEnabled(free and name not in self.taken)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self.switch()
            return True
        return super().eventFilter(watched, event)
