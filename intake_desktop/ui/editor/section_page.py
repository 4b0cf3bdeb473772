"""What the editor shows for a section heading: how many records, and how to add one."""

from __future__ import annotations

from ...core.i18n import _, ngettext
from ..qt import QPushButton, Qt, QVBoxLayout, QWidget, Signal
from .field_editors import plain_label
from .field_labels import kind_text


class SectionPage(QWidget):
    add_requested = Signal(str)  # kind
    household_requested = Signal()  # People: a family member and their relationship at once

    def __init__(self) -> None:
        super().__init__()
        self.kind = "person"
        self.count = plain_label()
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setWordWrap(True)
        self.add = QPushButton()
        self.add.clicked.connect(lambda: self.add_requested.emit(self.kind))
        self.household = QPushButton(_("Add household member…"))
        self.household.setToolTip(_("Ctrl+Shift+H"))
        self.household.clicked.connect(self.household_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.setSpacing(10)
        layout.addWidget(self.count)
        layout.addWidget(self.add, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.household, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def show_section(self, kind: str, count: int) -> None:
        self.kind = kind
        if count:
            text = ngettext(
                "{count} in this case. Choose it on the left to open it.",
                "{count} in this case. Choose one on the left to open it.",
                count,
            )
        else:
            text = _("None yet.")
        self.count.setText(text.format(count=count))
        self.add.setText(kind_text(kind, 1))
        self.add.setToolTip(_("Ctrl+Shift+N"))
        self.household.setVisible(kind == "person")

    def forget(self) -> None:
        self.count.clear()
