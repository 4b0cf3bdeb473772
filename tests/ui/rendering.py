"""What a person sees: the characters of a label in the order Qt paints them, left to right.

A string can hold a number in the right order and still show it reversed:
the Unicode bidi algorithm lays "تذکره · 1-0123-4567-8901" out with the
number's groups in the order of the Dari words around them. So the tests
lay the text out as the widget does (QTextLayout, with the widget's font and
the direction the widget lays it out in), paint it, and read where each
character's ink landed.

Each character is painted in a colour of its own (without antialiasing, so
the colours stay exact) and placed by the middle of its ink. Asking the
layout instead (``cursorToX``, ``xToCursor``) answers in cursor positions,
and a position where two runs of different directions meet has two places
on screen: in "ab אבג 12" ``cursorToX`` puts א at the end of "ab ", where it
is painted at the far right, and in "2026-11-20.intake" laid out right to
left ``xToCursor`` names "i" for the dot.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF  # only the tests lay text out by hand
from PySide6.QtGui import QTextLayout

from intake_desktop.ui.qt import (
    QAbstractItemView,
    QColor,
    QFont,
    QImage,
    QLabel,
    QModelIndex,
    QPainter,
    QPlainTextEdit,
    QStyleOptionViewItem,
    Qt,
    QTextCharFormat,
    QTextOption,
)

MARGIN = 4  # px around the text, for glyphs that overhang their advance


def visual_order(text: str, font: QFont, direction: Qt.LayoutDirection) -> str:
    """The characters of one line of ``text`` as painted, left to right.

    ``direction`` is the paragraph's (LayoutDirectionAuto: its first strong
    letter outside isolates, as Qt decides). Characters that leave no ink
    (spaces, direction marks, isolates) are left out.
    """
    option = QTextOption()
    option.setTextDirection(direction)
    return painted_order(text, font, option)


def painted_order(text: str, font: QFont, option: QTextOption) -> str:
    assert "\n" not in text and len(text) < 0xFFFF, "one line at a time"
    sharp = QFont(font)
    sharp.setStyleStrategy(QFont.StyleStrategy.NoAntialias)  # exact colours, no blending
    layout = QTextLayout(text, sharp)
    option = QTextOption(option)
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    option.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
    layout.setTextOption(option)
    ranges = []
    for index in range(len(text)):
        piece = QTextLayout.FormatRange()
        piece.start, piece.length = index, 1
        piece.format = QTextCharFormat()
        piece.format.setForeground(_colour(index))
        ranges.append(piece)
    layout.setFormats(ranges)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(1_000_000)
    layout.endLayout()
    box = line.naturalTextRect()
    image = QImage(
        math.ceil(box.width()) + 2 * MARGIN,
        math.ceil(box.height()) + 2 * MARGIN,
        QImage.Format.Format_RGB32,
    )
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    layout.draw(painter, QPointF(MARGIN - box.left(), MARGIN - box.top()))
    painter.end()
    columns: dict[int, list[int]] = {}
    for y in range(image.height()):
        for x in range(image.width()):
            rgb = image.pixel(x, y) & 0xFFFFFF
            if rgb != 0xFFFFFF:
                columns.setdefault(_index(rgb), []).append(x)
    stray = [i for i in columns if not 0 <= i < len(text)]
    assert not stray, "a colour no character was painted in: is antialiasing on?"
    middle = {i: sum(xs) / len(xs) for i, xs in columns.items()}
    return "".join(text[i] for i in sorted(middle, key=lambda i: (middle[i], i)))


def _colour(index: int) -> QColor:
    return QColor((index >> 8) & 0xFF, index & 0xFF, 0)  # never white


def _index(rgb: int) -> int:
    red, green, blue = (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF
    return (red << 8 | green) if blue == 0 else -1


def label_shows(label: QLabel) -> str:
    """A plain-text QLabel's line as painted: Qt lays it out in the direction of its
    text's first strong letter (QLabel's own rule), whatever the window's direction."""
    return visual_order(label.text(), label.font(), Qt.LayoutDirection.LayoutDirectionAuto)


def item_shows(view: QAbstractItemView, index: QModelIndex) -> str:
    """An item view's cell as painted: the style option its delegate fills in (text,
    font, direction), laid out as QStyle draws a view item's text."""
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    return visual_order(option.text, option.font, option.direction)


def pane_shows(edit: QPlainTextEdit, line_number: int) -> str:
    """Line ``line_number`` of a plain-text editor as painted, with its block's own
    layout options (the direction the editor gives it)."""
    block = edit.document().findBlockByNumber(line_number)
    assert block.isValid() and block.layout() is not None, f"no line {line_number}"
    return painted_order(block.text(), edit.font(), block.layout().textOption())


def ink(value: str) -> str:
    """``value`` as ``visual_order`` reports it when shown in order: without its spaces."""
    return value.replace(" ", "")
