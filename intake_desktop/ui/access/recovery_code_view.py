"""The recovery code, shown once: large groups to copy onto paper, and a promise.

The code is drawn as text the user cannot select, so it is never on the
clipboard (clipboard managers keep histories, and other programs can read
it). There is no print button either: printing goes through a spool file on
disk. ``clear()`` removes the code from the widget and from this object;
whoever shows it calls that as soon as the user is done.
"""

from __future__ import annotations

from ...core.i18n import _
from ..qt import (
    QCheckBox,
    QFontDatabase,
    QLabel,
    Qt,
    QVBoxLayout,
    QWidget,
)

GROUPS_PER_LINE = 4


def code_lines(code: str) -> str:
    """``TJ0N-TXY3-...`` as lines of spaced groups, easier to copy by hand."""
    groups = [group for group in code.split("-") if group]
    lines = [
        "  ".join(groups[i : i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE)
    ]
    return "\n".join(lines)


class RecoveryCodeView(QWidget):
    """Listen to ``confirm.toggled`` to know when the box is ticked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel(
            _(
                "This is the vault's recovery code. It opens the vault if every passphrase "
                "is forgotten, so it is as powerful as a passphrase. It is shown only now."
            )
        )
        intro.setWordWrap(True)
        self.code = QLabel()
        self.code.setObjectName("recoveryCode")
        self.code.setTextFormat(Qt.TextFormat.PlainText)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setAccessibleName(_("Recovery code"))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 2.0)
        font.setBold(True)
        self.code.setFont(font)
        # Never squeezed by the layout, whatever the labels around it do.
        self.code.setMinimumHeight(self.code.fontMetrics().lineSpacing() * 2 + 32)
        self.code.setStyleSheet(
            "QLabel#recoveryCode { background: white; color: black; border: 1px solid #888;"
            " border-radius: 4px; padding: 12px 16px; }"
        )
        steps = QLabel(
            _(
                "1. Write it on paper now, by hand, exactly as shown (dashes and spaces "
                "do not matter; letters O, I and L are read as 0, 1 and 1).\n"
                "2. Read it back and check every group.\n"
                "3. Keep the paper apart from this laptop: someone who has both can open "
                "the vault. Do not photograph it or type it into another device."
            )
        )
        steps.setWordWrap(True)
        self.confirm = QCheckBox(_("I have &written down the recovery code"))
        self.confirm.setAccessibleName(_("I have written down the recovery code"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.code)
        layout.addSpacing(8)
        layout.addWidget(steps)
        layout.addSpacing(8)
        layout.addWidget(self.confirm)
        layout.addStretch()

    @property
    def is_confirmed(self) -> bool:
        return self.confirm.isChecked()

    @property
    def has_code(self) -> bool:
        return bool(self.code.text())

    def set_code(self, code: str) -> None:
        self.confirm.setChecked(False)
        self.code.setText(code_lines(code))

    def shown_code(self) -> str:
        """The code as displayed (for tests: it must open the vault)."""
        return self.code.text()

    def clear(self) -> None:
        self.code.setText("")
        self.code.clear()
        self.confirm.setChecked(False)
