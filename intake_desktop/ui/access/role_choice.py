"""Choosing a role (caseworker, translator, coordinator), each with one line on what it does."""

from __future__ import annotations

from ...core.i18n import N_, _
from ..qt import QButtonGroup, QLabel, QRadioButton, Qt, QVBoxLayout, QWidget
from ..services.vocabulary import ROLES
from ..widgets.labels import role_label

ROLE_HELP = {
    "caseworker": N_("Interviews families and records their cases on this laptop."),
    "translator": N_(
        "Types statements in Dari or Pashto with their English translation. Cannot add"
        " users or trust other devices."
    ),
    "coordinator": N_("Receives bundles from field laptops, checks them and passes them on."),
}


class RoleChoice(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for index, role in enumerate(ROLES):
            button = QRadioButton(role_label(role))
            button.setAccessibleName(role_label(role))
            button.setAccessibleDescription(_(ROLE_HELP[role]))
            self.group.addButton(button, index)
            self.buttons[role] = button
            explanation = QLabel(_(ROLE_HELP[role]))
            explanation.setTextFormat(Qt.TextFormat.PlainText)
            explanation.setWordWrap(True)
            explanation.setIndent(24)
            explanation.setStyleSheet("color: palette(placeholder-text);")
            layout.addWidget(button)
            layout.addWidget(explanation)
        self.buttons[ROLES[0]].setChecked(True)

    @property
    def first_button(self) -> QRadioButton:
        """The focus target for a label's buddy and the tab order."""
        return self.buttons[ROLES[0]]

    def focus_chain(self) -> list[QWidget]:
        """Every button, in order: Tab leaves the group from whichever is checked.

        Qt lets Tab stop only on the checked button of a group (arrows move
        between them), so the buttons must stand together in the dialog's
        tab order, or Tab from the checked one jumps to wherever the next
        button happens to sit.
        """
        return list(self.buttons.values())

    def role(self) -> str:
        return ROLES[self.group.checkedId()]

    def set_role(self, role: str) -> None:
        self.buttons[role].setChecked(True)
