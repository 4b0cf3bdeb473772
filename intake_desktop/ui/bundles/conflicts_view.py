"""The Conflicts tab: records edited on both sides, shown side by side, settled by a person.

Both bodies are rendered as plain ``field: value`` lines in the same field
order, so they line up; fields that differ are marked with ``≠`` and a
background (colour is never the only signal). The incoming body comes from
a bundle, so it is only ever plain text in a read-only QPlainTextEdit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ...core.errors import IntakeError
from ...core.i18n import N_, _
from ..editor.field_labels import field_label
from ..qt import (
    QAbstractItemView,
    QColor,
    QFontDatabase,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTextCharFormat,
    QTextCursor,
    QTextEdit,
    QTextFormat,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.bundles import BundleService
from ..services.vocabulary import KINDS, Conflict, Record, person_label
from ..widgets.bidi import (
    COPY_ROLE,
    LTR,
    isolate,
    select_row,
    set_text_direction,
    show_in_natural_direction,
)
from .bundle_text import when

KIND_LABELS = {
    "case": N_("Case"),
    "person": N_("Person"),
    "relationship": N_("Relationship"),
    "identity_document": N_("Identity document"),
    "claim": N_("Claim"),
    "evidence": N_("Evidence"),
    "interview": N_("Interview"),
    "statement": N_("Statement"),
    "consent": N_("Consent"),
}
DIFFERS = "≠ "
SAME = "  "
HIGHLIGHT = QColor(255, 236, 179)  # amber 100; text on it stays black


def field_order(kind: str, *bodies: dict[str, Any]) -> list[str]:
    spec = KINDS.get(kind)
    known = list(spec.spec.fields) if spec else []
    present = set().union(*bodies)
    return [k for k in known if k in present] + sorted(present - set(known))


def value_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, indent=2)


def record_label(record: Record) -> str:
    """Which record, in a few words (from this vault's copy)."""
    if record.kind == "person" and not record.deleted:
        return person_label(record)
    if record.kind == "case":
        return str(record.body.get("title", ""))
    return ""


def render(record: Record, keys: list[str], differing: set[str]) -> tuple[str, list[int]]:
    """The body as lines, and the numbers of the lines that belong to differing fields."""
    lines: list[str] = []
    marked: list[int] = []
    if record.deleted:
        marked.append(len(lines))
        lines.append(DIFFERS + _("(deleted on this side)"))
    for key in keys:
        value = value_text(record.body.get(key)).splitlines() or [""]
        mark = key in differing
        first = len(lines)
        label = field_label(record.kind, key)
        # Isolated: in these left-to-right lines a number after a Dari field name reversed.
        lines.append(f"{DIFFERS if mark else SAME}{label}: {isolate(value[0])}")
        lines.extend(" " * (len(SAME) + 4) + isolate(more) for more in value[1:])
        if mark:
            marked.extend(range(first, len(lines)))
    return "\n".join(lines), marked


def version_line(record: Record, value: Callable[[str], str] = isolate) -> str:
    """Which version, by whom, when; ``value`` wraps each (``str``: as stored, to copy)."""
    return _("version {version} · {who} · {when}").format(
        version=value(str(record.version)),
        who=value(record.updated_by),
        when=value(when(record.updated_at)),
    )


class ConflictsView(QWidget):
    resolved = Signal()

    def __init__(self, service: BundleService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.items: list[Conflict] = []
        self._busy = False
        self.table = QTableWidget(0, 5)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Conflicts"))
        self.table.setHorizontalHeaderLabels(
            [_("Kind"), _("Record"), _("Case"), _("Yours"), _("Incoming")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.local_title, self.incoming_title = self._heading(), self._heading()
        self.local_text = self._pane(_("Your version"))
        self.incoming_text = self._pane(_("Incoming version"))
        self.state = QLabel()
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setWordWrap(True)
        self.keep_local = QPushButton(_("Keep mine"))
        self.keep_local.setAccessibleName(_("Keep your version"))
        self.keep_incoming = QPushButton(_("Keep incoming"))
        self.keep_incoming.setAccessibleName(_("Keep the incoming version"))

        panes = QGridLayout()
        panes.addWidget(self.local_title, 0, 0)
        panes.addWidget(self.incoming_title, 0, 1)
        panes.addWidget(self.local_text, 1, 0)
        panes.addWidget(self.incoming_text, 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.keep_local)
        buttons.addWidget(self.keep_incoming)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(panes, 2)
        layout.addLayout(buttons)

        self.table.itemSelectionChanged.connect(self._show_current)
        self.keep_local.clicked.connect(lambda: self.resolve("local"))
        self.keep_incoming.clicked.connect(lambda: self.resolve("incoming"))
        # Scroll the two versions together so their lines stay side by side.
        left, right = self.local_text.verticalScrollBar(), self.incoming_text.verticalScrollBar()
        left.valueChanged.connect(right.setValue)
        right.valueChanged.connect(left.setValue)
        for first, second in (
            (self.table, self.local_text),
            (self.local_text, self.incoming_text),
            (self.incoming_text, self.keep_local),
            (self.keep_local, self.keep_incoming),
        ):
            QWidget.setTabOrder(first, second)
        self.reload()

    def _heading(self) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        return label

    def _pane(self, name: str) -> QPlainTextEdit:
        pane = QPlainTextEdit()
        pane.setReadOnly(True)
        pane.setAccessibleName(name)
        pane.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        pane.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        set_text_direction(pane, LTR)  # field: value lines, the field names in English
        return pane

    # Contents

    def reload(self) -> None:
        self.items = self.service.conflicts()
        self.table.setRowCount(len(self.items))
        for row, c in enumerate(self.items):
            cells = (
                _(KIND_LABELS.get(c.kind, c.kind)),
                record_label(c.local),
                self.service.case_title(c.case_id),
                version_line(c.local),
                version_line(c.incoming),
            )
            copied = {3: version_line(c.local, str), 4: version_line(c.incoming, str)}
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(COPY_ROLE, copied.get(column))
                self.table.setItem(row, column, item)
        if self.items:
            select_row(self.table, 0)
        self._show_current()

    def count(self) -> int:
        return len(self.items)

    def current(self) -> Conflict | None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self.items[row] if 0 <= row < len(self.items) else None

    def set_busy(self, busy: bool) -> None:
        """While an import runs the vault is write-locked: resolving waits."""
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        free = self.current() is not None and not self._busy
        self.keep_local.setEnabled(free)
        self.keep_incoming.setEnabled(free)

    def _show_current(self) -> None:
        c = self.current()
        self._update_buttons()
        if c is None:
            for label in (self.local_title, self.incoming_title):
                label.clear()
            for pane in (self.local_text, self.incoming_text):
                pane.setPlainText("")
                pane.setExtraSelections([])
            if not self.items:
                self.local_text.setPlainText(_("No records are in conflict."))
            return
        keys = field_order(c.kind, c.local.body, c.incoming.body)
        differing = {k for k in keys if c.local.body.get(k) != c.incoming.body.get(k)}
        self.local_title.setText(
            _("Yours: {version}").format(version=isolate(version_line(c.local)))
        )
        self.incoming_title.setText(
            _("Incoming: {version} (received {received})").format(
                version=isolate(version_line(c.incoming)), received=isolate(when(c.received_at))
            )
        )
        for pane, record in ((self.local_text, c.local), (self.incoming_text, c.incoming)):
            text, marked = render(record, keys, differing)
            pane.setPlainText(text)
            self._highlight(pane, marked)

    def _highlight(self, pane: QPlainTextEdit, lines: list[int]) -> None:
        selections = []
        for number in lines:
            block = pane.document().findBlockByNumber(number)
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(HIGHLIGHT)
            fmt.setForeground(QColor(0, 0, 0))
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.format = fmt
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        pane.setExtraSelections(selections)

    # Actions

    def resolve(self, keep: str) -> None:
        c = self.current()
        if c is None or self._busy:
            return
        try:
            record = self.service.resolve(c.id, keep)
        except IntakeError as exc:
            self.state.setText(str(exc))
            return
        message = (
            _("Kept your version; the record is now version {version}.")
            if keep == "local"
            else _("Kept the incoming version; the record is now version {version}.")
        )
        self.reload()
        self.state.setText(message.format(version=record.version))
        self.resolved.emit()
