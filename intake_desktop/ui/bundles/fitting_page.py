"""A dialog page that scrolls when the window is shorter than it, never squeezes.

Qt gives a window the minimum height of its layout without asking wrapped
labels how tall they get at the window's width, so a short window laid a
wrapped sentence over the table above it. Inside a scroll area the page
keeps the height its text needs at the current width (QScrollArea asks the
page's height for that width), and the window may be as short as a small
screen needs: the page scrolls.
"""

from __future__ import annotations

from ..qt import QFrame, QScrollArea, QSize, QStyle, Qt, QWidget

SHORTEST = 160  # px: a short window still shows a few lines of the page
TITLE_BAR = 48  # px kept for the window's title bar before it is known


class FittingPage(QScrollArea):
    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.setWidget(page)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Not a stop of its own: the dialog opened with the keyboard on this frame,
        # where no key did anything. Tab still scrolls a field into view.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _scrollbar(self) -> int:
        return self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)

    def sizeHint(self) -> QSize:
        hint = self.page.sizeHint()
        if self.page.hasHeightForWidth():
            hint.setHeight(max(hint.height(), self.page.heightForWidth(hint.width())))
        return hint

    def minimumSizeHint(self) -> QSize:
        least = self.page.minimumSizeHint()
        return QSize(least.width() + self._scrollbar(), min(least.height(), SHORTEST))


def on_screen_size(window: QWidget, width: int, height: int) -> QSize:
    """``width`` x ``height``, or less where the window's screen (and a title bar) allow less."""
    screen = window.screen()
    if screen is None:
        return QSize(width, height)
    area = screen.availableGeometry()
    return QSize(min(width, area.width() - TITLE_BAR), min(height, area.height() - TITLE_BAR))


def fit_window(window: QWidget, page: FittingPage) -> None:
    """Make ``window`` tall enough to show ``page`` whole, as far as the screen allows.

    Qt sizes a new window to at most two thirds of the screen, and before
    the window is laid out the page cannot know its width; so once shown,
    the window grows by what its page lacks at the width it has.
    """
    inner = page.page
    width = page.viewport().width()
    wanted = inner.heightForWidth(width) if inner.hasHeightForWidth() else -1
    wanted = max(wanted, inner.minimumSizeHint().height())
    lacking = wanted - page.viewport().height()
    if lacking <= 0:
        return
    frame = max(window.frameGeometry().height() - window.height(), TITLE_BAR)
    screen = window.screen()
    if screen is None:
        window.resize(window.width(), window.height() + lacking)
        return
    area = screen.availableGeometry()
    # Taller, never past the screen (``on_screen`` then keeps the frame inside it).
    height = max(window.height(), min(window.height() + lacking, area.height() - frame))
    window.resize(window.width(), height)
