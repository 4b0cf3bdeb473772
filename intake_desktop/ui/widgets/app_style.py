"""The app's style: Qt's own, with wrapped right-to-left text kept inside its box.

A word-wrapped plain-text label is painted by ``QStyle.drawItemText``.
Qt breaks its lines to fit the box without the space at each break, but
then aligns each right-to-left line to the box's right edge by its width
with that space: a line that nearly fills the box is pushed past its left
edge by up to a space's width, where it is cut (the recovery code's
instructions lost the last letter of "خوانده" in Dari). Left-to-right text
is not affected: its lines start at the left edge, and the space past the
right one is invisible.

So before Qt paints wrapped right-to-left text, the style breaks the lines
where Qt would and drops the spaces at the breaks. The lines, and so the
label's height, stay the same; what is painted fits.
"""

from __future__ import annotations

from ..qt import (
    QApplication,
    QColor,
    QPainter,
    QPalette,
    QProxyStyle,
    QRect,
    Qt,
    QTextLayout,
    QTextOption,
)

LINE_SEPARATOR = "\u2028"  # what Qt makes of "\n" in a label: a break, not a paragraph
_BREAKING_SPACES = " \u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"
_MNEMONIC = Qt.TextFlag.TextShowMnemonic | Qt.TextFlag.TextHideMnemonic
# Drawn as Qt draws them: justified lines, breaks inside words, tab stops.
_LEFT_TO_QT = int(Qt.AlignmentFlag.AlignJustify | Qt.TextFlag.TextWrapAnywhere)


def right_to_left(painter: QPainter, flags: int) -> bool:
    """The direction Qt lays text drawn with ``flags`` out in."""
    if flags & Qt.TextFlag.TextForceLeftToRight:
        return False
    if flags & Qt.TextFlag.TextForceRightToLeft:
        return True
    return painter.layoutDirection() == Qt.LayoutDirection.RightToLeft


def broken_lines(text: str, painter: QPainter, width: int) -> str:
    """``text`` with a line break wherever Qt wraps it at ``width``, and without the
    spaces at those breaks."""
    layout = QTextLayout(text.replace("\n", LINE_SEPARATOR), painter.font(), painter.device())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    option.setTextDirection(Qt.LayoutDirection.RightToLeft)
    layout.setTextOption(option)
    lines = []
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 0))
        piece = text[line.textStart() : line.textStart() + line.textLength()]
        lines.append(piece.rstrip(_BREAKING_SPACES + LINE_SEPARATOR + "\n"))
    layout.endLayout()
    return "\n".join(lines)


class AppStyle(QProxyStyle):
    """The platform's style (Fusion on Linux) with ``drawItemText`` repaired, see above."""

    def drawItemText(
        self,
        painter: QPainter,
        rect: QRect,
        flags: int,
        palette: QPalette | Qt.GlobalColor | QColor,
        enabled: bool,
        text: str,
        textRole: QPalette.ColorRole = QPalette.ColorRole.NoRole,
    ) -> None:
        flags = int(flags)
        if (
            flags & Qt.TextFlag.TextWordWrap
            and not flags & _LEFT_TO_QT
            and not (flags & _MNEMONIC and "&" in text)
            and "\t" not in text
            and right_to_left(painter, flags)
        ):
            text = broken_lines(text, painter, rect.width())
        super().drawItemText(painter, rect, flags, palette, enabled, text, textRole)


def install_app_style(app: QApplication) -> AppStyle:
    """Give ``app`` the app's style (idempotent); before the first window, as the app does."""
    style = app.style()
    if isinstance(style, AppStyle):
        return style
    style = AppStyle(style.name())  # by name: the style chosen (-style) stays the base
    app.setStyle(style)
    return style
