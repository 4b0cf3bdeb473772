"""What one imported bundle changed, case by case: the import report's lower half.

Mirrors ``ImportResult.changes`` (core/bundle/importer.py): a row per case
(its title as stored after the import, and its id), then a row per record
added, changed, deleted or kept as a conflict (kind, change, version, id).
A case that this vault or another device created, written into by the
bundle's signer, carries a warning row naming its creator as the trust
store names it, never as a bundle claims.

Every title and name is a cell's plain text. A case with many records is
filled in when it is opened (a bundle may bring 100,000 people in one case).
"""

from __future__ import annotations

from ...core.i18n import _, ngettext
from ..qt import (
    QAbstractItemView,
    QColor,
    QEvent,
    QFont,
    QFontDatabase,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QLabel,
    QObject,
    QPushButton,
    QStyle,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.vocabulary import CaseChanges, Change, ImportResult, ImportStatus
from ..widgets.bidi import isolate, show_in_natural_direction
from .bundle_text import case_title, change_word, origin_note
from .conflicts_view import KIND_LABELS

CASE_ROLE = Qt.ItemDataRole.UserRole  # the case id, on every row of a case
# Cases open by themselves while the whole report stays this small.
EXPAND_UP_TO = 500
WARNING = QColor(146, 84, 0)  # the quarantine's amber; the sentence says it too


class ImportChangesView(QWidget):
    open_case_requested = Signal(str)  # a case id, chosen from the report

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: ImportResult | None = None
        self._openable_cases: set[str] = set()  # changed cases that still exist
        self._pending: dict[str, CaseChanges] = {}  # case id -> records not shown yet
        self._busy = False
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName(_("What the bundle changed"))
        self.tree = QTreeWidget()
        show_in_natural_direction(self.tree)
        self.tree.setAccessibleName(_("Records the bundle added, changed or deleted, by case"))
        self.tree.setHeaderLabels([_("Case or record"), _("Change"), _("Version"), _("Id")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.open_button = QPushButton(_("&Open case"))
        self.open_button.setAccessibleName(_("Open the selected case"))
        self.open_button.setToolTip(
            _("Close this window and show the case (or double-click it, or press Enter).")
        )
        self.open_button.setEnabled(False)

        row = QHBoxLayout()
        row.addWidget(self.heading, 1)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.tree, 1)

        self.tree.setExpandsOnDoubleClick(False)  # a double click opens the case
        self.tree.installEventFilter(self)  # Enter opens it too (not the dialog's default)
        self.tree.itemExpanded.connect(self._fill)
        self.tree.itemDoubleClicked.connect(lambda item, _column: self._open(item))
        self.tree.currentItemChanged.connect(lambda *_args: self._update())
        self.open_button.clicked.connect(lambda: self._open(self.tree.currentItem()))
        QWidget.setTabOrder(self.tree, self.open_button)
        self.show_result(None)

    # Contents

    def show_result(self, result: ImportResult | None, label: str = "") -> None:
        """The changes ``result`` made (None: no bundle chosen, or it merged nothing)."""
        self.result = result
        self.tree.clear()
        self._pending = {}
        # A case the bundle deleted has nothing left to show.
        changes = result.changes if result is not None else []
        self._openable_cases = {c.case_id for c in changes if c.title.strip()}
        if result is None and not label:
            self.heading.setText(_("Choose a bundle above to see what it changed."))
        elif result is None or result.status != ImportStatus.MERGED:
            self.heading.setText(_("{bundle} changed nothing.").format(bundle=isolate(label)))
        elif not result.changes:
            self.heading.setText(
                _("{bundle} brought nothing new: every record was already here.").format(
                    bundle=isolate(label)
                )
            )
        else:
            records = sum(len(c.records) for c in result.changes)
            self.heading.setText(
                ngettext(
                    "{bundle} changed {records} record(s) in {count} case:",
                    "{bundle} changed {records} record(s) in {count} cases:",
                    len(result.changes),
                ).format(bundle=isolate(label), records=records, count=len(result.changes))
            )
            expand = records <= EXPAND_UP_TO
            for case in result.changes:
                self._add_case(case, expand)
            # Enter (or Open case) works as soon as the tree has focus.
            first = self.tree.topLevelItem(0)
            if first is not None:
                self.tree.setCurrentItem(first)
        self.tree.setVisible(bool(result is not None and result.changes))
        self._update()

    def _add_case(self, case: CaseChanges, expand: bool) -> None:
        item = QTreeWidgetItem(self.tree, [case_title(case), _summary(case), "", case.case_id])
        item.setData(0, CASE_ROLE, case.case_id)
        item.setFont(3, self.fixed)
        bold = QFont(item.font(0))
        bold.setBold(True)
        item.setFont(0, bold)
        note, attention = origin_note(case)
        if note:
            line = QTreeWidgetItem(item, [note])
            line.setData(0, CASE_ROLE, case.case_id)
            line.setFirstColumnSpanned(True)
            if attention:
                item.setIcon(0, self.warning_icon)
                line.setIcon(0, self.warning_icon)
                line.setForeground(0, WARNING)
                line.setFont(0, bold)
            else:
                italic = QFont(line.font(0))
                italic.setItalic(True)
                line.setFont(0, italic)
        if case.records:
            self._pending[case.case_id] = case
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
        # A case someone else wrote into is opened, so its warning is seen.
        if expand or attention:
            item.setExpanded(True)

    def _fill(self, item: QTreeWidgetItem) -> None:
        """The record rows of a case, the first time it is opened."""
        case = self._pending.pop(str(item.data(0, CASE_ROLE)), None)
        if case is None:
            return
        rows = []
        for change in case.records:
            row = QTreeWidgetItem(
                [
                    _(KIND_LABELS.get(change.kind, change.kind)),
                    change_word(change.change),
                    str(change.version),
                    change.id,
                ]
            )
            row.setData(0, CASE_ROLE, case.case_id)
            row.setFont(3, self.fixed)
            rows.append(row)
        item.addChildren(rows)

    # Opening a case

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.tree
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self._open(self.tree.currentItem())
            return True
        return super().eventFilter(watched, event)

    def set_busy(self, busy: bool) -> None:
        """While an import runs, the main window cannot open a case."""
        self._busy = busy
        self._update()

    def selected_case(self) -> str | None:
        item = self.tree.currentItem()
        return self._openable(item)

    def _openable(self, item: QTreeWidgetItem | None) -> str | None:
        case_id = item.data(0, CASE_ROLE) if item is not None else None
        return case_id if case_id in self._openable_cases else None

    def _update(self) -> None:
        self.open_button.setEnabled(not self._busy and self.selected_case() is not None)

    def _open(self, item: QTreeWidgetItem | None) -> None:
        case_id = self._openable(item)
        if case_id is not None and not self._busy:
            self.open_case_requested.emit(case_id)


def _summary(case: CaseChanges) -> str:
    """ "2 added, 1 changed" for a case row, in the order of CHANGE_WORDS."""
    counts: dict[str, int] = {}
    for change in case.records:
        counts[change.change] = counts.get(change.change, 0) + 1
    words = {
        Change.ADDED: _("{count} added"),
        Change.CHANGED: _("{count} changed"),
        Change.DELETED: _("{count} deleted"),
        Change.PROPOSED: _("{count} in conflict"),
    }
    return ", ".join(t.format(count=counts[k]) for k, t in words.items() if counts.get(k))
