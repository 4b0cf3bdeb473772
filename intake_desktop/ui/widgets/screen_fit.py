"""Windows that fit a field laptop's screen (1366x768, 1280x720) in every language.

A dialog puts what may grow (explanations, a table, text that is longer in
Dari or Pashto) in a ``ScrollingBody`` and keeps its buttons outside it, so
the buttons stay on screen however small the screen is; ``fit_to_screen``
then opens it at the size its content asks for, never larger than the room
the screen has left.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from ..qt import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QEvent,
    QFrame,
    QGuiApplication,
    QHBoxLayout,
    QHeaderView,
    QLayout,
    QObject,
    QRect,
    QScrollArea,
    QSize,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from .on_screen import keep_on_screen

# Room a window manager takes beyond the screen's available area: a title bar
# and borders (measured: 30 px and 1 px with openbox; GNOME's are larger).
FRAME = QSize(16, 48)
# What a scrolling body shrinks to at least: a few lines still readable.
MIN_BODY_HEIGHT = 120
ROW_PADDING = 6  # around a table row's text, when the style's rows are too low for it


def available_size(widget: QWidget) -> QSize:
    """The largest size ``widget``'s window may have, frame left aside."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry().size() if screen is not None else QSize(1280, 720)
    return QSize(max(room.width() - FRAME.width(), 320), max(room.height() - FRAME.height(), 240))


def natural_size(window: QWidget) -> QSize:
    """The size ``window`` asks for, text wrapped at the width it will have.

    Two passes: the width first (what the content asks, within the screen),
    then the height at that width, since a ``ScrollingBody`` measures its
    wrapped text at the width it was given.
    """
    window.ensurePolished()
    layout = window.layout()
    _settle(window)
    hint = window.sizeHint().expandedTo(window.minimumSizeHint())
    width = min(max(hint.width(), window.minimumWidth()), available_size(window).width())
    if layout is not None and width != window.width():
        before = window.size()
        window.resize(width, window.height())
        _settle(window)
        hint = window.sizeHint().expandedTo(window.minimumSizeHint())
        if window.isVisible():
            window.resize(before)  # measured only: the caller moves and resizes it
    height = hint.height()
    if window.hasHeightForWidth():
        height = max(height, window.heightForWidth(width))
    return QSize(width, max(height, window.minimumHeight()))


def _settle(window: QWidget) -> None:
    """Let every layout in ``window`` take in what changed (a table's rows, a width)."""
    for body in window.findChildren(ScrollingBody):
        body.updateGeometry()  # its wrapped text, measured at its width now
    for _round in range(4):  # a layout that settles may ask its parent's again
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
    layout = window.layout()
    if layout is not None:
        layout.activate()


def fit_to_screen(window: QWidget, preferred: QSize | None = None) -> QSize:
    """Resize ``window`` to ``preferred`` (else its natural size), within the screen.

    Measured again as the window is first shown (before it is on screen):
    only then are its children polished, with their final fonts and rows.
    """
    want = preferred if preferred is not None else natural_size(window)
    size = want.boundedTo(available_size(window)).expandedTo(window.minimumSize())
    _resize_in_place(window, size)
    if window.findChild(_FitOnShow) is None:
        _FitOnShow(window, preferred)
    return size


def _resize_in_place(window: QWidget, size: QSize) -> None:
    """Resize about the window's centre, and keep its frame on the screen.

    A window not shown yet is only resized: Qt centres it as it shows it.
    """
    if not window.isVisible():
        window.resize(size)
        return
    centre = window.geometry().center()
    window.resize(size)
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    inner, frame = window.geometry(), window.frameGeometry()
    # The frame's real sides once the window manager has drawn it, else FRAME's guess.
    side = max(inner.left() - frame.left(), FRAME.width() // 2)
    title = max(inner.top() - frame.top(), FRAME.height() - side)
    target = QRect(0, 0, size.width(), size.height())
    target.moveCenter(centre)
    x = max(min(target.left(), area.right() - side - size.width() + 1), area.left() + side)
    y = max(min(target.top(), area.bottom() - side - size.height() + 1), area.top() + title)
    window.move(x - (inner.left() - frame.left()), y - (inner.top() - frame.top()))


class _FitOnShow(QObject):
    def __init__(self, window: QWidget, preferred: QSize | None) -> None:
        super().__init__(window)
        self.window = window
        self.preferred = preferred
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Show:
            self.window.removeEventFilter(self)
            want = natural_size(self.window)
            if self.preferred is not None:
                want = want.expandedTo(self.preferred)
            size = want.boundedTo(available_size(self.window))
            # Only the size: where it appears is Qt's and the window manager's choice.
            self.window.resize(size.expandedTo(self.window.minimumSize()))
            self.deleteLater()
        return False


class ScrollingBody(QScrollArea):
    """A frameless scroll area that asks for its content's whole size.

    Qt's scroll area asks for at most 24 lines; this one asks for all of it
    (at the width the content wants, wrapped text included), so a dialog
    scrolls only when the screen cannot hold it. The content follows the
    width of the area: nothing scrolls sideways unless it cannot shrink.
    """

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.content = content  # before setWidget: Qt filters the content's events from there
        self.setWidget(content)
        # Let Tab reach every field: the area itself never takes the focus.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Content that grew or shrank (a page shown, a message) asks the
        # dialog's layout again: Qt's scroll area keeps that to itself.
        if watched is self.content and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
            QTimer.singleShot(0, self, self.show_whole)  # once the content has its size
        return super().eventFilter(watched, event)

    def show_whole(self) -> None:
        """Grow an open dialog downwards when what appeared in it (a message, advice)
        no longer fits, as far as the screen allows: a dialog opens at its content's
        height, with no room kept empty for messages, and none is hidden below the fold.

        Its top stays where it is, so the field being typed in does not move; it only
        grows, so the buttons do not jump up and down while someone types.
        """
        window = self.window()
        if not isinstance(window, QDialog) or not window.isVisible():
            return
        if window.isMaximized() or window.isFullScreen():
            return
        content = self.content
        width = self.viewport().width()
        need = content.minimumSizeHint().height()
        if content.hasHeightForWidth():
            need = max(need, content.heightForWidth(width))
        short = need - self.viewport().height()
        if short <= 0:
            return
        height = min(window.height() + short, available_size(window).height())
        if height > window.height():
            window.resize(window.width(), height)
            keep_on_screen(window)

    def sizeHint(self) -> QSize:
        content = self.content
        hint = content.sizeHint().expandedTo(content.minimumSizeHint())
        height = hint.height()
        if content.hasHeightForWidth():
            # Wrapped at the width the area was given, if wider than the content
            # asks. Less a scroll bar's if the screen cannot hold it all: measured
            # without it, text that just fits would wrap once the bar appears, and
            # the bar would stay. Where it all fits there is no bar, and no line
            # of room is asked for one.
            margins = self.contentsMargins()
            scroll_bar = self.verticalScrollBar().sizeHint().width()
            given = self.width() - margins.left() - margins.right()
            height = content.heightForWidth(max(given, hint.width()))
            window = self.window()
            room = available_size(window).height() - max(window.height() - self.height(), 0)
            if height > room:
                height = content.heightForWidth(max(given - scroll_bar, hint.width()))
        margins = self.contentsMargins()
        return QSize(
            hint.width() + margins.left() + margins.right(),
            height + margins.top() + margins.bottom(),
        )

    def minimumSizeHint(self) -> QSize:
        scroll_bar = self.verticalScrollBar().sizeHint().width()
        content = self.content.minimumSizeHint()
        return QSize(
            content.width() + scroll_bar, min(content.height(), MIN_BODY_HEIGHT) + scroll_bar
        )


class WholeRows(QObject):
    """Keeps a table exactly as tall as its rows (``fewest`` to ``most`` of them).

    A table the layout squeezes shows half a row and hides that there are
    more; this one shows whole rows only, and scrolls (a row at a time) once
    there are more than ``most``. Row heights are known only once the table
    is polished (its font and style), so the height is measured again then;
    whoever fills the table calls ``measure`` when rows come or go.
    """

    def __init__(self, table: QTableView, *, fewest: int = 2, most: int = 6) -> None:
        super().__init__(table)
        self.table = table
        self.fewest = fewest
        self.most = most
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        # Rows as tall as the text needs, fixed now: the style's default would
        # change once the table is polished, after the dialog has its size.
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(
            max(rows.defaultSectionSize(), table.fontMetrics().lineSpacing() + ROW_PADDING)
        )
        table.installEventFilter(self)
        self.measure()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _MEASURE_AGAIN:
            self.measure()
        return False

    def rows_shown(self) -> int:
        rows = self.table.model().rowCount() if self.table.model() is not None else 0
        return min(max(rows, self.fewest), self.most)

    def row_height(self) -> int:
        """The height the table draws a row at (its vertical header's sections)."""
        rows = self.table.verticalHeader()
        return rows.sectionSize(0) if rows.count() else rows.defaultSectionSize()

    def measure(self) -> None:
        table = self.table
        header = table.horizontalHeader()
        header_height = 0 if header.isHidden() else header.sizeHint().height()
        # A scroll bar that comes and goes would cover part of a row: callers
        # switch it off (and let the table ask for its columns' width) or on.
        scroll_bar = 0
        if table.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOn:
            scroll_bar = table.horizontalScrollBar().sizeHint().height()
        height = header_height + self.rows_shown() * self.row_height() + scroll_bar
        table.setFixedHeight(table.frameWidth() * 2 + height)


_MEASURE_AGAIN = {
    QEvent.Type.Polish,
    QEvent.Type.Show,
    QEvent.Type.FontChange,
    QEvent.Type.StyleChange,
}


def scrolling_dialog(
    dialog: QWidget, parts: Sequence[QWidget | QLayout], reason: QWidget, buttons: QWidget
) -> ScrollingBody:
    """Lay ``dialog`` out as a body that scrolls when the screen is short, and a footer
    (why a button is off, then the buttons) that always stays in sight."""
    content = QWidget()
    body = QVBoxLayout(content)
    body.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QLayout):
            body.addLayout(part)
        else:
            body.addWidget(part)
    body.addStretch()
    scrolling = ScrollingBody(content)
    footer = QHBoxLayout()
    footer.addWidget(reason, 1)
    footer.addWidget(buttons)
    layout = QVBoxLayout(dialog)
    layout.addWidget(scrolling, 1)
    layout.addLayout(footer)
    return scrolling


def tab_chain(widgets: Sequence[QWidget]) -> None:
    """Tab goes through ``widgets`` in this order and never turns back."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)
