"""The Keys screen's table of trusted devices and recipients.

Its Name column stretches to take what the other columns leave, so that on
a small screen the names give way first. Left at that, the table would ask
for no room for the names at all: with eight columns the dialog kept the
width of the two key cards above and cut every name to a few letters. So
it asks for its names' width too (up to a point), within the screen.
"""

from __future__ import annotations

from ..qt import QSize, QTableWidget

NAME_COLUMN = 0
NAME_ROOM_CHARS = 32  # beyond this a long name is elided, as before


class TrustTable(QTableWidget):
    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.columnCount() <= NAME_COLUMN:
            return hint
        header = self.horizontalHeader()
        names = max(self.sizeHintForColumn(NAME_COLUMN), header.sectionSizeHint(NAME_COLUMN))
        room = min(names, self.fontMetrics().horizontalAdvance("x" * NAME_ROOM_CHARS))
        return QSize(hint.width() + max(0, room - self.columnWidth(NAME_COLUMN)), hint.height())
