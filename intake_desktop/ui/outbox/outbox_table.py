"""The Outbox screen's table: one row per bundle, in words a caseworker reads at a glance.

A row says where the bundle goes, how big it is, its state (paused and
"refused — needs attention" stand out in bold), when it is tried next in
local time, and the last error in plain words. The error comes from a
server or a library, so it is untrusted text: plain text, elided in the
cell, whole in the tooltip and in the line under the table. While a bundle
is uploading its state cell is a progress bar.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ...core.i18n import N_, _
from ..bundles.bundle_text import human_size
from ..qt import (
    QAbstractItemView,
    QFont,
    QHeaderView,
    QProgressBar,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)
from ..services.outbox import OutboxEntry
from ..widgets.bidi import show_in_natural_direction
from ..widgets.screen_fit import WholeRows

COLUMNS = (N_("Destination"), N_("Size"), N_("State"), N_("Next try"), N_("Last error"))
DESTINATION, SIZE, STATE, NEXT_TRY, ERROR = range(len(COLUMNS))
STATES = {
    "queued": N_("waiting"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "receipted": N_("received by counsel"),
}


def state_words(entry: OutboxEntry) -> tuple[str, bool]:
    """The entry's state in words, and whether it needs a person's eye (shown bold)."""
    if entry.waiting and entry.paused:
        return _("paused"), True
    if entry.waiting and entry.refused:
        return _("refused — needs attention"), True
    return _(STATES.get(entry.state, entry.state)), False


def next_try_words(entry: OutboxEntry, now: datetime | None = None) -> str:
    """When the entry is tried next, in this laptop's local time ("now" when due)."""
    if not entry.waiting:
        return "—"
    if entry.paused:
        return _("when resumed")
    due = entry.due_at
    if due is None:
        return _("now")
    now = now or datetime.now(UTC)
    if due <= now:
        return _("now")
    local, today = due.astimezone(), now.astimezone()
    if local.date() == today.date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


class OutboxTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.entries: list[OutboxEntry] = []
        self.bars: dict[int, QProgressBar] = {}
        show_in_natural_direction(self)
        self.setAccessibleName(_("Bundles in the outbox"))
        self.setHorizontalHeaderLabels([_(title) for title in COLUMNS])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab goes on to the buttons
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The error takes what is left and is elided there; whole in the line below.
        header.setSectionResizeMode(ERROR, QHeaderView.ResizeMode.Stretch)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setMinimumSectionSize(header.fontMetrics().horizontalAdvance("MMM"))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.whole_rows = WholeRows(self, fewest=3, most=8)

    def show_entries(self, entries: list[OutboxEntry], sending: int | None) -> None:
        self.entries = entries
        self.bars = {}
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            self.removeCellWidget(row, STATE)
            for column, item in enumerate(self._cells(entry)):
                self.setItem(row, column, item)
            if entry.id == sending:
                self.show_progress(entry.id, entry.sent_bytes, entry.size)
        self.whole_rows.measure()

    def _cells(self, entry: OutboxEntry) -> list[QTableWidgetItem]:
        destination = QTableWidgetItem(entry.destination)
        size = QTableWidgetItem(human_size(entry.size))
        size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        words, marked = state_words(entry)
        state = QTableWidgetItem(words)
        if marked:
            bold = QFont(state.font())
            bold.setBold(True)
            state.setFont(bold)
        next_try = QTableWidgetItem(next_try_words(entry))
        error = QTableWidgetItem(entry.last_error or "" if entry.waiting else "")
        error.setToolTip(error.text())
        return [destination, size, state, next_try, error]

    def show_progress(self, entry_id: int, done: int, total: int) -> None:
        """A progress bar in the row of the bundle being sent."""
        row = next((i for i, e in enumerate(self.entries) if e.id == entry_id), -1)
        if row < 0:
            return
        bar = self.bars.get(entry_id)
        if bar is None:
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setFormat(_("sending %p%"))
            bar.setAccessibleName(_("Sending progress"))
            self.setCellWidget(row, STATE, bar)
            self.bars[entry_id] = bar
        bar.setValue(min(1000, done * 1000 // total) if total > 0 else 0)

    def current(self) -> OutboxEntry | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        row = rows[0].row() if rows else -1
        return self.entries[row] if 0 <= row < len(self.entries) else None
