"""A calm strip above a form: what happened, and what can be done about it.

Messages are plain text (they may quote nothing but field names and ids).
The level ("info", "warning", "error") only changes the colour.

With ``lines`` the strip keeps its place and height whether or not it
speaks, so a message appearing never moves the form under the pointer (a
click meant for a field would land in another); what it covers while it
speaks (a heading) can listen to ``shown``. A message longer than ``lines``
lines is cut with "…"; the whole of it is in the tooltip and the accessible
description.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..editor.field_editors import plain_label, plain_tooltip
from ..qt import QFrame, QHBoxLayout, QPushButton, QRect, QSizePolicy, Qt, QWidget, Signal

STYLE = """
MessageBar { border-radius: 4px; padding: 2px; }
MessageBar[level="info"] { background: #e8f1fb; border: 1px solid #9cc0e8; }
MessageBar[level="warning"] { background: #fff6dc; border: 1px solid #e0c060; }
MessageBar[level="error"] { background: #fdecea; border: 1px solid #e09a94; }
MessageBar QLabel { color: #1d1d1d; }
"""


def fit_lines(label: QWidget, text: str, width: int, lines: int) -> str:
    """``text`` as a word-wrapped label ``width`` wide shows it in ``lines`` lines:
    whole if it fits, else cut at a word with "…"."""
    metrics = label.fontMetrics()
    room = metrics.lineSpacing() * lines + 1
    flags = int(Qt.TextFlag.TextWordWrap)

    def fits(candidate: str) -> bool:
        return metrics.boundingRect(QRect(0, 0, width, 100_000), flags, candidate).height() <= room

    if width <= 0 or fits(text):
        return text
    words = text.split(" ")
    low, high = 0, len(words)  # the most words that fit, with the ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if fits(" ".join(words[:middle]) + "…"):
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]) + "…"


class MessageBar(QFrame):
    shown = Signal(bool)  # a message is up (True) or gone (False)

    def __init__(self, lines: int = 0) -> None:
        super().__init__()
        self.setStyleSheet(STYLE)
        self.lines = lines
        self.text = ""
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
        if lines:
            text_height = self.label.fontMetrics().lineSpacing() * lines
            inner = max(text_height, self.buttons[0].sizeHint().height())
            self.setFixedHeight(inner + 12 + 2 * self.frameWidth() + 4)
            policy = self.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
            self.setSizePolicy(policy)
        self.hide()

    def show_message(
        self, text: str, level: str = "info", actions: Sequence[tuple[str, Callable[[], None]]] = ()
    ) -> None:
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text = text
        self.label.setAccessibleName(text)
        self.label.setAccessibleDescription(text)
        self._actions = [callback for _label, callback in actions]
        for i, button in enumerate(self.buttons):
            if i < len(actions):
                button.setText(actions[i][0])
                button.show()
            else:
                button.hide()
        self.show()
        self._fit()
        self.shown.emit(True)

    def hide_message(self) -> None:
        self.setProperty("level", "")
        self.text = ""
        self.label.clear()
        self.label.setToolTip("")
        self.label.setAccessibleName("")
        self.label.setAccessibleDescription("")
        self._actions = []
        for button in self.buttons:
            button.hide()
        self.hide()
        self.shown.emit(False)

    @property
    def level(self) -> str:
        """The level shown, or "" when no message is up."""
        return str(self.property("level") or "")

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The text, cut to the lines the strip has (the whole of it in the tooltip)."""
        if not self.lines:
            self.label.setText(self.text)
            return
        layout = self.layout()
        if layout is not None:
            layout.activate()
        shown = fit_lines(self.label, self.text, self.label.width(), self.lines)
        self.label.setText(shown)
        self.label.setToolTip(plain_tooltip(self.text) if shown != self.text else "")

    def _run(self, index: int) -> None:
        if index < len(self._actions):
            self._actions[index]()
