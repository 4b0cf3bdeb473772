"""Why an export was refused: the cases whose recorded consent does not allow sharing.

Mirrors ``core/consent.py``'s ``ConsentRefused``: one row per refused case,
its title (plain text, as typed) and the reason in the interface language,
with its id to tell two cases of the same title apart. The export dialog
shows this page in place of the choices, with the ways on: back to the
choices, export without these cases, or export anyway (asked once more;
core writes each overridden case to the audit log).
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QAbstractItemView,
    QFontDatabase,
    QGroupBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ..services.vocabulary import ConsentRefused
from ..widgets.bidi import show_in_natural_direction
from .export_result_view import plain_label


class ConsentRefusalView(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Not exported: consent"), parent)
        self.summary = plain_label()
        self.summary.setAccessibleName(_("Why nothing was exported"))
        self.table = QTableWidget(0, 3)
        show_in_natural_direction(self.table)
        self.table.setAccessibleName(_("Cases refused under their recorded consent"))
        self.table.setHorizontalHeaderLabels([_("Case"), _("Why"), _("Id")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.hint = plain_label(
            _(
                "Record a consent in each case that covers sharing with counsel (and none "
                "withdrawn), leave these cases out, or export anyway: each case exported "
                "despite its consent is written to the audit log."
            )
        )
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addWidget(self.table, 1)
        column.addWidget(self.hint)
        self.case_ids: list[str] = []

    def show_refusal(self, refused: ConsentRefused, titles: dict[str, str]) -> None:
        """``titles``: each refused case's title as shown (plain text), by id."""
        self.summary.setText(str(refused))
        self.case_ids = [p.case_id for p in refused.problems]
        self.table.setRowCount(len(refused.problems))
        for row, problem in enumerate(refused.problems):
            ident = QTableWidgetItem(problem.case_id)
            ident.setFont(self.fixed)
            title = QTableWidgetItem(titles.get(problem.case_id, ""))
            cells = (title, QTableWidgetItem(problem.text()), ident)
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
