"""Possible duplicates: people in different cases who may be the same person.

The pairs come from ``core/duplicates.py`` (names in any spelling, father's
name, birth year within two years, document numbers), computed off the GUI
thread on a second connection. Each row says why; "Open both" shows the two
people side by side; "Not the same person" is remembered so the pair is not
proposed again. Nothing is ever merged here.
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.errors import IntakeError
from ...core.i18n import _, ngettext
from ..editor.field_editors import plain_label
from ..qt import (
    QAbstractItemView,
    QAction,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ..services.session import VaultSession
from ..services.vocabulary import REASONS, Candidate, Reason
from ..widgets.bidi import NaturalDirection, isolate, select_row, show_in_natural_direction
from .person_comparison import PersonComparison

OpenCase = Callable[[str], None]


def reason_text(reason: Reason) -> str:
    """Why two people may be one, its two values isolated: "Same document number:
    1-0123-4567-8901 / ..." keeps the number in order in a Dari sentence."""
    return _(REASONS[reason.code]).format(a=isolate(reason.a), b=isolate(reason.b))


class DuplicatesDialog(QDialog):
    loaded = Signal()  # the list is filled (or the search failed)

    def __init__(
        self, session: VaultSession, open_case: OpenCase, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.open_case = open_case
        self.candidates: list[Candidate] = []
        self.comparison: PersonComparison | None = None
        self.setWindowTitle(_("Possible duplicates"))
        self.resize(1000, 600)
        intro = plain_label(
            _(
                "People in different cases who may be the same person, found by their names in"
                " any spelling, father's name, year of birth and document numbers. Nothing is"
                " merged: compare them, and say so when they are not the same person."
            )
        )
        intro.setWordWrap(True)
        self.status = plain_label(_("Looking for possible duplicates…"))
        self.table = QTableWidget(0, 5)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Possible duplicates"))
        self.table.setHorizontalHeaderLabels(
            [_("Person"), _("Case"), _("Person"), _("Case"), _("Score")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.reasons = QPlainTextEdit()
        self.reasons.setReadOnly(True)
        self.reasons.setAccessibleName(_("Why they may be the same person"))
        NaturalDirection(self.reasons)
        self.open_button = QPushButton(_("Open both"))
        self.dismiss_button = QPushButton(_("Not the same person"))
        self.dismiss_button.setToolTip(_("Do not propose this pair again"))
        for button in (self.open_button, self.dismiss_button):
            button.setEnabled(False)
        self.open_button.clicked.connect(self.open_both)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _index: self.open_both())

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.reasons)
        splitter.setSizes([420, 140])
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.dismiss_button)
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        session.locked.connect(self.reject)

    def start(self) -> None:
        service = self.session.cases
        if service is None:
            return
        job = service.find_duplicates().bind(self)
        job.finished.connect(self._show)
        job.failed.connect(self._failed)
        job.start()

    def _show(self, candidates: list[Candidate]) -> None:
        self.candidates = list(candidates)
        self.table.setRowCount(0)
        for candidate in self.candidates:
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = (
                candidate.a.label or _("(no name)"),
                candidate.a.case_title,
                candidate.b.label or _("(no name)"),
                candidate.b.case_title,
                str(candidate.score),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        count = len(self.candidates)
        self.status.setText(
            ngettext("{count} possible duplicate.", "{count} possible duplicates.", count).format(
                count=count
            )
            if count
            else _("No possible duplicates.")
        )
        if count:
            select_row(self.table, 0)
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self.loaded.emit()

    def current(self) -> Candidate | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.candidates):
            return None
        return self.candidates[rows[0].row()]

    def _selected(self) -> None:
        candidate = self.current()
        for button in (self.open_button, self.dismiss_button):
            button.setEnabled(candidate is not None)
        self.reasons.setPlainText(
            "\n".join(reason_text(r) for r in candidate.reasons) if candidate else ""
        )

    def open_both(self) -> None:
        candidate, service = self.current(), self.session.cases
        if candidate is None or service is None:
            return
        self.comparison = PersonComparison(
            service,
            ((candidate.a.case_id, candidate.a.id), (candidate.b.case_id, candidate.b.id)),
            self.open_case,
            self,
        )
        self.comparison.open()

    def dismiss(self) -> None:
        candidate, service = self.current(), self.session.cases
        if candidate is None or service is None:
            return
        try:
            service.dismiss_duplicate(candidate.a.id, candidate.b.id)
        except IntakeError as exc:
            self.status.setText(str(exc))
            return
        row = self.candidates.index(candidate)
        del self.candidates[row]
        self.table.removeRow(row)
        self.status.setText(_("They will not be proposed again."))


def show_duplicates(session: VaultSession, parent: QWidget, open_case: OpenCase) -> None:
    if session.cases is None:
        return
    dialog = DuplicatesDialog(session, open_case, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.start()


def add_duplicates_action(
    window: QWidget, toolbar: QToolBar, session: VaultSession, open_case: OpenCase
) -> QAction:
    """The main window's "Possible duplicates…" action, in its toolbar; off while locked."""
    action = QAction(_("Possible duplicates…"), window)
    action.setToolTip(_("People who may be the same person in two cases"))
    action.triggered.connect(lambda: show_duplicates(session, window, open_case))
    action.setEnabled(session.is_unlocked)
    _FollowsTheLock(action, session)
    toolbar.addAction(action)
    return action


class _FollowsTheLock(QObject):
    """On while unlocked. Slots of a child of the action, not lambdas: the session outlives
    the window (it is rebuilt for another language), and a lambda would outlive the action."""

    def __init__(self, action: QAction, session: VaultSession) -> None:
        super().__init__(action)
        self.action = action
        session.unlocked.connect(self.enable)
        session.locked.connect(self.disable)

    def enable(self) -> None:
        self.action.setEnabled(True)

    def disable(self) -> None:
        self.action.setEnabled(False)
