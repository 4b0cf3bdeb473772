"""A calm strip above a form: what happened, and what can be done about it.

Messages are plain text (they may quote nothing but field names and ids).
The level ("info", "warning", "error") only changes the colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..editor.field_editors import plain_label
from ..qt import QFrame, QHBoxLayout, QPushButton, Qt

STYLE = """
MessageBar { border-radius: 4px; padding: 2px; }
MessageBar[level="info"] { background: #e8f1fb; border: 1px solid #9cc0e8; }
MessageBar[level="warning"] { background: #fff6dc; border: 1px solid #e0c060; }
MessageBar[level="error"] { background: #fdecea; border: 1px solid #e09a94; }
MessageBar QLabel { color: #1d1d1d; }
"""


class MessageBar(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(STYLE)
        self.label = plain_label()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = [QPushButton(), QPushButton()]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        for button in self.buttons:
            button.hide()
            layout.addWidget(button)
        self._actions: list[Callable[[], None]] = []
        for i, button in enumerate(self.buttons):
            button.clicked.connect(lambda _checked=False, i=i: self._run(i))
        self.hide()

    def show_message(
        self, text: str, level: str = "info", actions: Sequence[tuple[str, Callable[[], None]]] = ()
    ) -> None:
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self._actions = [callback for _label, callback in actions]
        for i, button in enumerate(self.buttons):
            if i < len(actions):
                button.setText(actions[i][0])
                button.show()
            else:
                button.hide()
        self.show()

    def hide_message(self) -> None:
        self.setProperty("level", "")
        self.label.clear()
        self.label.setAccessibleName("")
        self._actions = []
        for button in self.buttons:
            button.hide()
        self.hide()

    @property
    def level(self) -> str:
        """The level shown, or "" when no message is up."""
        return str(self.property("level") or "")

    def _run(self, index: int) -> None:
        if index < len(self._actions):
            self._actions[index]()
