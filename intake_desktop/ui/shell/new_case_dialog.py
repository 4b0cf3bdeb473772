"""Asking for a new case's title and route; the case is made before the dialog closes.

The dialog asks the service itself, so a title the core refuses (longer
than 300 characters, say) keeps the dialog open with the core's reason
under the title, and nothing typed is lost.
"""

from __future__ import annotations

from ...core.errors import IntakeError
from ...core.i18n import _
from ..editor.drafts import refusal_text
from ..qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    Qt,
    QWidget,
    Signal,
)
from ..services.cases import CaseService
from ..services.vocabulary import ROUTES
from ..widgets.labels import route_label


class NewCaseDialog(QDialog):
    created = Signal(str)  # the new case's id, once it is committed

    def __init__(self, parent: QWidget | None = None, service: CaseService | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(_("New case"))
        self.setMinimumWidth(460)  # a family name and a province, and the reason below
        self.title = QLineEdit()
        self.title.setAccessibleName(_("Case title"))
        self.title.setPlaceholderText(_("e.g. the family name and province"))
        self.route = QComboBox()
        self.route.setAccessibleName(_("Route"))
        for value in ROUTES:
            self.route.addItem(route_label(value), value)
        self.problem = QLabel()
        self.problem.setObjectName("new-case-problem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.title.textChanged.connect(self._edited)
        form = QFormLayout(self)
        form.addRow(_("Title"), self.title)
        form.addRow(_("Route"), self.route)
        form.addRow(self.problem)
        form.addRow(buttons)

    def _edited(self, text: str) -> None:
        self.ok.setEnabled(bool(text.strip()))
        self.problem.hide()

    def accept(self) -> None:
        """Make the case; on a refusal stay open and say why (nothing was made)."""
        if self.service is None:  # locked while the dialog was open: nothing to add to
            self.reject()
            return
        try:
            case_id = self.service.new_case(self.title.text().strip(), self.route.currentData())
        except IntakeError as exc:
            self.refused(refusal_text(exc, "case"))  # "Title: …", not "title: …"
            return
        super().accept()
        self.created.emit(case_id)

    def refused(self, reason: str) -> None:
        text = _("The case was not made: {reason}").format(reason=reason)
        self.problem.setText(text)
        self.problem.setAccessibleName(text)
        self.problem.show()
        self.adjustSize()  # the reason wraps: the dialog grows to show it whole
        self.title.setFocus(Qt.FocusReason.OtherFocusReason)
