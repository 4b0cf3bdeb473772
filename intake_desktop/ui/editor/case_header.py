"""The case editor's header: the case title and whether everything is saved."""

from __future__ import annotations

from ...core.i18n import _
from ..qt import QFont, QHBoxLayout, QSizePolicy, Qt, QWidget
from ..widgets.bidi import align_to_interface
from .field_editors import plain_label, plain_tooltip
from .save_state import SaveState

STATE_STYLE = """
QLabel[state="unsaved"], QLabel[state="saving"], QLabel[state="draft"] { color: #8a5a00; }
QLabel[state="error"] { color: #b71c1c; font-weight: bold; }
QLabel[state="saved"] { color: #2e6b30; }
"""


class CaseHeader(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.title = plain_label()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        # A long title must not widen the window: it is cut, and whole in the tooltip.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        align_to_interface(self.title)
        self.state = plain_label()
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setAccessibleName(_("Save state"))
        self.state.setStyleSheet(STATE_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.state)

    def set_title(self, title: str) -> None:
        self.title.setText(title)
        self.title.setToolTip(plain_tooltip(title))

    def show_state(self, state: SaveState | None) -> None:
        self.state.setText(state.words() if state else "")
        self.state.setProperty("state", state.value if state else "")
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)

    def forget(self) -> None:
        self.set_title("")
        self.show_state(None)
