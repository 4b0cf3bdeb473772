"""The Conflicts tab: records edited on both sides, settled by a person, field by field.

Above, a row per open conflict: the kind of record, which record (a name,
never an id unless the record is gone), its case, and each side's version.
Below, the chosen conflict field by field (``FieldChoices``): keep yours or
take the incoming value per field, then "Resolve as chosen" writes one new
version that descends from both sides. "Keep mine" and "Keep incoming" take
one side whole, as they always did (the only choice when one side deleted
the record).
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.errors import IntakeError
from ...core.i18n import N_, _, ngettext
from ..qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.bundles import BundleService
from ..services.vocabulary import Conflict, Record
from ..widgets.bidi import COPY_ROLE, isolate, select_row, show_in_natural_direction
from .bundle_text import when
from .conflict_fields import FieldChoices, RowsTable
from .conflict_text import Named, loaded, record_name

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


def version_line(record: Record, value: Callable[[str], str] = isolate) -> str:
    """Which version, by whom, when; ``value`` wraps each (``str``: as stored, to copy)."""
    return _("version {version} · {who} · {when}").format(
        version=value(str(record.version)),
        who=value(record.updated_by),
        when=value(when(record.updated_at)),
    )


def _plain_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class ConflictsView(QWidget):
    resolved = Signal()

    def __init__(self, service: BundleService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.items: list[Conflict] = []
        self.named: list[Named] = []  # per conflict: the records its two sides name
        self._busy = False
        self.table = RowsTable(5, rows=3)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Conflicts"))
        self.table.setHorizontalHeaderLabels(
            [_("Kind"), _("Record"), _("Case"), _("Yours"), _("Incoming")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the fields below
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.fields = FieldChoices()
        self.local_text, self.incoming_text = self.fields.local_text, self.fields.incoming_text
        self.state = _plain_label()
        self.state.setAccessibleName(_("Conflict status"))
        self.keep_local = QPushButton(_("Keep &mine"))
        self.keep_local.setAccessibleName(_("Keep your version of the whole record"))
        self.keep_incoming = QPushButton(_("Keep &incoming"))
        self.keep_incoming.setAccessibleName(_("Keep the incoming version of the whole record"))
        self.keep_chosen = QPushButton(_("&Resolve as chosen"))
        self.keep_chosen.setAccessibleName(
            _("Resolve with the value chosen for each field (yours or incoming)")
        )

        # The list above, the chosen conflict below; the line between moves.
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(self.fields)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([110, 330])
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.keep_local)
        buttons.addWidget(self.keep_incoming)
        buttons.addWidget(self.keep_chosen)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self.table.itemSelectionChanged.connect(self._show_current)
        self.fields.changed.connect(self._update_buttons)
        self.keep_local.clicked.connect(lambda: self.resolve("local"))
        self.keep_incoming.clicked.connect(lambda: self.resolve("incoming"))
        self.keep_chosen.clicked.connect(self.resolve_as_chosen)
        QWidget.setTabOrder(self.table, self.fields.table)
        QWidget.setTabOrder(self.fields.incoming_text, self.keep_local)
        QWidget.setTabOrder(self.keep_local, self.keep_incoming)
        QWidget.setTabOrder(self.keep_incoming, self.keep_chosen)
        self.reload()

    # Contents

    def reload(self) -> None:
        self.items = self.service.conflicts()
        self.named = [loaded(self.service.conflict_records(c)) for c in self.items]
        self.table.setRowCount(len(self.items))
        for row, c in enumerate(self.items):
            shown = c.incoming if c.local.deleted else c.local
            cells = (
                _(KIND_LABELS.get(c.kind, c.kind)),
                record_name(shown, self.named[row]),
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
        self.fields.set_busy(busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        free = self.current() is not None and not self._busy
        self.keep_local.setEnabled(free)
        self.keep_incoming.setEnabled(free)
        self.keep_chosen.setEnabled(free and not self.fields.whole())

    def _show_current(self) -> None:
        c = self.current()
        row = self.items.index(c) if c is not None else -1
        self.fields.show_conflict(c, self.named[row] if c is not None else {})
        self._update_buttons()
        if c is None:
            self.state.setText("" if self.items else _("No records are in conflict."))
            return
        self.state.setText(
            _("Deleted on one side: keep your version or the incoming one whole.")
            if self.fields.whole()
            else ""
        )

    # Actions

    def resolve(self, keep: str) -> None:
        c = self.current()
        if c is None or self._busy:
            return
        message = (
            _("Kept your version; the record is now version {version}.")
            if keep == "local"
            else _("Kept the incoming version; the record is now version {version}.")
        )
        self._settle(
            lambda: self.service.resolve(c.id, keep),
            lambda record: message.format(version=record.version),
        )

    def resolve_as_chosen(self) -> None:
        """One new version: the incoming value of each field chosen so, yours elsewhere."""
        c = self.current()
        if c is None or self._busy or self.fields.whole():
            return
        taken = sorted(self.fields.taken)
        if not taken:
            self.resolve("local")
        elif self.fields.every_difference_taken():
            self.resolve("incoming")
        else:
            self._settle(
                lambda: self.service.resolve_fields(c.id, taken),
                lambda record: ngettext(
                    "Took {count} field from the incoming version and kept yours for the "
                    "rest; the record is now version {version}.",
                    "Took {count} fields from the incoming version and kept yours for the "
                    "rest; the record is now version {version}.",
                    len(taken),
                ).format(count=len(taken), version=record.version),
            )

    def _settle(self, write: Callable[[], Record], said: Callable[[Record], str]) -> None:
        try:
            record = write()
        except IntakeError as exc:
            self.state.setText(str(exc))
            return
        self.reload()
        self.state.setText(said(record))
        self.resolved.emit()
