"""The case list: a lazily loaded table model, filters and a search box.

The model asks the vault for rows a page at a time as the view scrolls
(``canFetchMore``/``fetchMore``), so 10,000 cases open as fast as 100.
Sorting and filtering go to SQL, not to a proxy over loaded rows.
"Delete case…" is in the table's context menu (and on the Delete key); the
main window asks first and deletes.

The Delivered column says what receipts taken from importers tell of each
case (delivered, changed since, or not), read once per page of rows; its
filter, like the others, is a condition in the list's SQL.

A save anywhere in a case (``CaseService.case_changed``) refreshes the rows
shown, so the people count and the date follow what was typed; the current
row stays on its case, without opening it again. Tab leaves the list (the
arrow keys move within it), so the keyboard reaches the case beside it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...core.i18n import _
from ..editor.field_editors import plain_tooltip
from ..qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QAction,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QItemSelectionModel,
    QKeySequence,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.cases import CaseService
from ..services.vocabulary import (
    ROUTES,
    STATUSES,
    CaseDelivery,
    CaseQuery,
    CaseSummary,
    Delivery,
)
from ..widgets.bidi import COPY_ROLE, isolate, show_in_natural_direction
from ..widgets.labels import route_label, status_label

PAGE = 200
DELIVERY_WIDTH = 90  # px: the Delivered column as the list opens
Index = QModelIndex | QPersistentModelIndex
Deliveries = dict[str, tuple[Delivery, list[CaseDelivery]]]


def delivery_filters() -> list[tuple[str, str | None]]:
    return [
        (_("Any delivery"), None),
        (_("Delivered"), Delivery.DELIVERED.value),
        (_("Changed since delivery"), Delivery.CHANGED.value),
        (_("Not delivered"), Delivery.NONE.value),
    ]


def delivery_text(state: Delivery, listed: list[CaseDelivery]) -> str:
    """Short, so the case titles keep their room at 1366 px: the state only; who holds
    which version, and since when, is in the cell's tooltip (``delivery_details``)."""
    if state is Delivery.NONE:
        return "—"
    if state is Delivery.CHANGED or not listed:
        return _("Changed since delivery")
    return _("Delivered")


def delivery_details(listed: list[CaseDelivery]) -> str:
    """Every importer, the version of the case it holds and when it imported it."""
    return "\n".join(
        _("{name}: version {version}, {date}").format(
            name=d.to, version=d.version, date=d.at[:16].replace("T", " ")
        )
        for d in reversed(listed)
    )


class CaseListModel(QAbstractTableModel):
    COLUMNS = ("title", "status", "route", "people", "updated_at", "delivery")
    SORTABLE = frozenset({"title", "status", "route", "people", "updated_at"})

    def __init__(self) -> None:
        super().__init__()
        self.service: CaseService | None = None
        self.query = CaseQuery()
        self.rows: list[CaseSummary] = []
        self.deliveries: Deliveries = {}
        self.any_delivered = False  # the Delivered column is shown only then
        self.total = 0

    def headers(self) -> list[str]:
        return [_("Case"), _("Status"), _("Route"), _("People"), _("Updated"), _("Delivered")]

    # Loading

    def attach(self, service: CaseService | None) -> None:
        self.service = service
        self.reload()

    def set_query(self, query: CaseQuery) -> None:
        self.query = query
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows, self.deliveries = [], {}
        self.total = self.service.count(self.query) if self.service else 0
        self.any_delivered = bool(self.service and self.service.any_delivered())
        if self.service:
            self.rows = self._page(0, PAGE)
        self.endResetModel()

    def _page(self, offset: int, limit: int) -> list[CaseSummary]:
        """Rows from the vault, and what receipts say of them (one query for the page)."""
        if self.service is None:
            return []
        rows = self.service.page(self.query, offset, limit)
        self.deliveries.update(self.service.deliveries([r.id for r in rows]))
        return rows

    def refresh(self) -> None:
        """Read the rows shown again (as many as are loaded), in the same query."""
        if self.service is None:
            return
        self.beginResetModel()
        self.total = self.service.count(self.query)
        self.any_delivered = self.service.any_delivered()
        self.deliveries = {}
        self.rows = self._page(0, max(len(self.rows), PAGE))
        self.endResetModel()

    def clear(self) -> None:
        """Forget every row (the vault is locking)."""
        self.beginResetModel()
        self.service, self.rows, self.total, self.deliveries = None, [], 0, {}
        self.any_delivered = False
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.service is None or parent.isValid():
            return
        more = self._page(len(self.rows), PAGE)
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # Qt's model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, COPY_ROLE):
            if column == "status":
                return status_label(row.status)
            if column == "route":
                return route_label(row.route)
            if column == "updated_at":
                # One value: isolated, or right to left its time comes before its date.
                stamp = row.updated_at[:16].replace("T", " ")
                return stamp if role == COPY_ROLE else isolate(stamp)
            if column == "delivery":
                return self._delivery(row.id, role)
            return getattr(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "people":
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _delivery(self, case_id: str, role: int) -> str:
        state, listed = self.deliveries.get(case_id, (Delivery.NONE, []))
        text = delivery_text(state, listed)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Importers' names are typed by people: escaped, never read as rich text.
            if state is Delivery.NONE:
                return ""
            return plain_tooltip("\n".join((text, delivery_details(listed))))
        return text.replace("\u2068", "").replace("\u2069", "") if role == COPY_ROLE else text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.COLUMNS[column] not in self.SORTABLE:
            return  # the view puts its sort indicator back (CaseListView._sorted)
        by = {"updated_at": "updated"}.get(self.COLUMNS[column], self.COLUMNS[column])
        descending = order == Qt.SortOrder.DescendingOrder
        if by == self.query.order and descending == self.query.descending:
            return
        self.set_query(replace(self.query, order=by, descending=descending))

    def sorted_column(self) -> int:
        by = {"updated": "updated_at"}.get(self.query.order, self.query.order)
        return self.COLUMNS.index(by) if by in self.COLUMNS else self.COLUMNS.index("updated_at")

    def case_id(self, row: int) -> str | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def row_of(self, case_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == case_id), -1)


class CaseListView(QWidget):
    """Search box, filters and the table; emits the chosen case."""

    case_selected = Signal(str)
    delete_requested = Signal(str)  # the current case's id: main_window asks, then deletes

    def __init__(self) -> None:
        super().__init__()
        self.model = CaseListModel()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search names, documents, statements…"))
        self.search.setAccessibleName(_("Search cases"))
        self.search.setToolTip(_("Search cases (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setAccessibleName(_("Filter by status"))
        self.status.addItem(_("Any status"), None)
        for value in STATUSES:
            self.status.addItem(status_label(value), value)
        self.route = QComboBox()
        self.route.setAccessibleName(_("Filter by route"))
        self.route.addItem(_("Any route"), None)
        for value in ROUTES:
            self.route.addItem(route_label(value), value)
        self.delivery = QComboBox()
        self.delivery.setAccessibleName(_("Filter by delivery"))
        for text, state in delivery_filters():
            self.delivery.addItem(text, state)
        self.count = QLabel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Cases"))
        show_in_natural_direction(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # Tab leaves the list: without this it walks cell by cell, and each new row
        # it reaches opens another case. The arrow keys move within the list.
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(CaseListModel.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.sortIndicatorChanged.connect(self._sorted)
        # Beside the editor there is no room for every importer's name: the cell is
        # cut with "…" and its tooltip says all; a person can widen the column.
        delivery = CaseListModel.COLUMNS.index("delivery")
        header.setSectionResizeMode(delivery, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(delivery, DELIVERY_WIDTH)
        self.table.setColumnHidden(delivery, True)
        # The list sits beside the editor: the route is a filter, not a column.
        self.table.setColumnHidden(CaseListModel.COLUMNS.index("route"), True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Right click or the Menu key, and Delete while the list has focus.
        self.delete_action = QAction(_("Delete case…"), self.table)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self._request_delete)
        self.table.addAction(self.delete_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        filters = QHBoxLayout()
        filters.addWidget(self.status, 1)
        filters.addWidget(self.route, 1)
        filters.addWidget(self.delivery, 1)
        layout = QVBoxLayout(self)
        # Room for the focus ring (widgets/focus_ring.py) around the search box and list.
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addWidget(self.count)

        # Search as you type, but not on every keystroke.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.status.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.route.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.delivery.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._update_count)
        self.model.modelReset.connect(self._show_delivery_column)
        self.model.rowsInserted.connect(lambda *_args: self._update_count())
        # Several saves in a row (typing, a batch of files) refresh the list once.
        self._changed = QTimer(self)
        self._changed.setSingleShot(True)
        self._changed.setInterval(150)
        self._changed.timeout.connect(self.refresh)

    def attach(self, service: CaseService | None) -> None:
        self.model.attach(service)

    def clear(self) -> None:
        self._changed.stop()
        self.search.clear()
        self.model.clear()

    def case_changed(self, _case_id: str) -> None:
        """A record of a case was saved: refresh the rows shortly (once for a burst)."""
        self._changed.start()

    def refresh(self) -> None:
        """Read the rows again, keeping the chosen cases chosen and the current one current.

        The selection is put back with its signals held, so the case open in
        the editor is not opened again (which would drop the field being typed in).
        """
        current, chosen = self.current_case(), self.selected_ids()
        selection = self.table.selectionModel()
        with QSignalBlocker(selection):
            self.model.refresh()
            flags = QItemSelectionModel.SelectionFlag
            for case_id in chosen:
                row = self.model.row_of(case_id)
                if row >= 0:
                    selection.select(self.model.index(row, 0), flags.Select | flags.Rows)
            row = self.model.row_of(current) if current else -1
            if row >= 0:
                selection.setCurrentIndex(self.model.index(row, 0), flags.NoUpdate)
        self.table.viewport().update()
        if row >= 0:
            self.table.scrollTo(self.model.index(row, 0))

    def apply_filters(self) -> None:
        query = self.model.query
        self.model.set_query(
            CaseQuery(
                search=self.search.text(),
                status=self.status.currentData(),
                route=self.route.currentData(),
                order=query.order,
                descending=query.descending,
                delivery=self.delivery.currentData(),
            )
        )

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [cid for r in rows if (cid := self.model.case_id(r))]

    def select(self, case_id: str) -> None:
        row = self.model.row_of(case_id)
        if row >= 0:
            # Not selectRow(): right to left, it picks its column at the viewport's far
            # edge, which may be past the last column, and then the current row stays.
            flags = QItemSelectionModel.SelectionFlag
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), flags.ClearAndSelect | flags.Rows
            )

    def current_case(self) -> str | None:
        """The case of the list's current row (the one shown in the editor)."""
        index = self.table.currentIndex()
        return self.model.case_id(index.row()) if index.isValid() else None

    def _sorted(self, column: int, _order: Qt.SortOrder) -> None:
        """A column the list cannot sort by: the indicator goes back to the one it sorts by."""
        if CaseListModel.COLUMNS[column] not in CaseListModel.SORTABLE:
            order = (
                Qt.SortOrder.DescendingOrder
                if self.model.query.descending
                else (Qt.SortOrder.AscendingOrder)
            )
            QTimer.singleShot(
                0,
                lambda: self.table.horizontalHeader().setSortIndicator(
                    self.model.sorted_column(), order
                ),
            )

    def _show_delivery_column(self) -> None:
        # A vault no receipt ever reached keeps the room for the cases' titles.
        column = CaseListModel.COLUMNS.index("delivery")
        if self.table.isColumnHidden(column) == self.model.any_delivered:
            self.table.setColumnHidden(column, not self.model.any_delivered)
            if self.model.any_delivered:
                self.table.horizontalHeader().resizeSection(column, DELIVERY_WIDTH)

    def _request_delete(self) -> None:
        case_id = self.current_case()
        if case_id:
            self.delete_requested.emit(case_id)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case_id = self.model.case_id(current.row())
        if case_id:
            self.case_selected.emit(case_id)

    def _update_count(self) -> None:
        self.count.setText(
            _("{shown} of {total} cases").format(shown=len(self.model.rows), total=self.model.total)
        )
