"""Wrapped right-to-left text stays inside its label (the app's style).

In Dari the recovery code's first instruction ran past the label's left
edge and lost the last letter of "خوانده", and the import dialog's hint
lost the end of its first line at the page's edge. Qt breaks a wrapped
line to fit without the space at the break, then aligns it with the space
(widgets/app_style.py). Each check finds a width at which a line of the
real text fits only without its space, paints the text there as the
label does, through the app's style, and looks at the box's edge.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFontMetricsF  # only the tests measure text by hand

from intake_desktop.core.i18n import ENGLISH
from intake_desktop.ui.access.recovery_code_view import RecoveryCodeView
from intake_desktop.ui.bundles.import_dialog import ImportDialog
from intake_desktop.ui.qt import (
    QApplication,
    QColor,
    QFont,
    QImage,
    QLabel,
    QPainter,
    QRect,
    Qt,
    QTextLayout,
    QTextOption,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.app_style import AppStyle
from intake_desktop.ui.widgets.language import InterfaceLanguage

MARGIN = 20  # px of page around the label's box
WHITE = 0xFFFFFF
# As QLabel paints a word-wrapped label whose text reads right to left (its leading
# side made absolute, as QStyle.visualAlignment does).
LABEL_FLAGS = (
    Qt.AlignmentFlag.AlignRight
    | Qt.AlignmentFlag.AlignAbsolute
    | Qt.AlignmentFlag.AlignTop
    | Qt.TextFlag.TextWordWrap
    | Qt.TextFlag.TextForceRightToLeft
)


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)  # the next test starts in English, left to right


def _lines(text: str, font: QFont, width: int, trailing: bool) -> list[tuple[str, float, float]]:
    """Each line of ``text`` wrapped at ``width``: its text, its width (``trailing``:
    with the spaces at its end, as Qt aligns it) and its top, as a label places it."""
    shown = text.replace("\n", "\u2028")
    layout = QTextLayout(shown, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    option.setTextDirection(Qt.LayoutDirection.RightToLeft)
    if trailing:
        option.setFlags(QTextOption.Flag.IncludeTrailingSpaces)
    layout.setTextOption(option)
    leading, top = QFontMetricsF(font).leading(), 0.0
    lines = []
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        top = math.ceil(top + leading)
        start = line.textStart()
        lines.append((shown[start : start + line.textLength()], line.naturalTextWidth(), top))
        top += line.height()
    layout.endLayout()
    return lines


def tight_line(text: str, font: QFont) -> tuple[int, float]:
    """A label width at which a wrapped line fits with 1.5 px to spare without the
    space at its break, and is too wide with it; and that line's top."""
    for width in range(300, 1200):
        bare = _lines(text, font, width, trailing=False)
        spaced = _lines(text, font, width, trailing=True)
        for (line, without, top), (_same, with_space, _top) in zip(bare, spaced, strict=True):
            if line.endswith(" ") and width - without >= 1.5 and with_space - width >= 1.0:
                return width, top
    raise AssertionError("no width makes a line of this text just fit")


def cut_at_the_edge(label: QLabel) -> int | None:
    """Paint ``label``'s text as the label does, through the app's style, at a width
    where one line just fits; the width if that line's ink runs into the box's edge."""
    text, font = label.text(), label.font()
    width, top = tight_line(text, font)
    lines = _lines(text, font, width, trailing=False)
    height = math.ceil(lines[-1][2] + QFontMetricsF(font).height()) + 2 * MARGIN
    image = QImage(width + 2 * MARGIN, height, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    style = AppStyle(QApplication.style().name())
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor(0, 0, 0))
    painter.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    box = QRect(MARGIN, MARGIN, width, height - 2 * MARGIN)
    style.drawItemText(painter, box, int(LABEL_FLAGS), label.palette(), True, text)
    painter.end()
    rows = range(MARGIN + int(top), MARGIN + int(top + QFontMetricsF(font).height()))
    ink = [x for x in range(image.width()) for y in rows if image.pixel(x, y) & WHITE != WHITE]
    assert ink, "the line was not painted where it was looked for"
    # Qt clips a line at its box: a line pushed past the edge has ink in its first column.
    return width if min(ink) <= MARGIN else None


@pytest.mark.parametrize("code", ["fa_AF", "ps"])
def test_the_recovery_code_instructions_stay_inside_their_label(
    qtbot, interface: InterfaceLanguage, code: str
) -> None:
    interface.apply(code)
    view = RecoveryCodeView()
    qtbot.addWidget(view)
    view.set_code("144M-WR96-37AV-TZCJ-DJQM-0WJ3-Y8ZD")
    steps = next(label for label in view.findChildren(QLabel) if "\n2" in label.text())
    assert steps.text().startswith("1.") and steps.wordWrap()
    assert cut_at_the_edge(steps) is None


def test_the_import_hint_stays_inside_the_page(
    qtbot, coord: VaultSession, interface: InterfaceLanguage
) -> None:
    interface.apply("fa_AF")
    dialog = ImportDialog(coord)
    qtbot.addWidget(dialog)
    hint = next(
        label
        for label in dialog.tabs.widget(0).findChildren(QLabel)
        if label.wordWrap() and label.text()
    )
    assert cut_at_the_edge(hint) is None
