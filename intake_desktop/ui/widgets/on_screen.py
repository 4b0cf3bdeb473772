"""Dialogs that grow after they opened stay on the screen.

Qt places a dialog inside the screen when it opens. Some grow afterwards
(a new recovery code appears, an export's result is shown), and on a
768 px laptop screen their bottom, with Close, then runs off the screen:
window managers do not move a window that grows. So whenever a visible
dialog is resized, it is moved back inside the available area of its
screen, and shrunk to that area if it is larger (its layout and scroll
areas then do the rest).
"""

from __future__ import annotations

from ..qt import QApplication, QDialog, QEvent, QObject, QRect


def keep_on_screen(window: QDialog) -> None:
    """Move (and if need be shrink) ``window`` so its frame is inside its screen."""
    screen = window.screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    if area.contains(frame):
        return
    extra_w = frame.width() - window.width()
    extra_h = frame.height() - window.height()
    if frame.width() > area.width() or frame.height() > area.height():
        window.resize(
            min(window.width(), area.width() - extra_w),
            min(window.height(), area.height() - extra_h),
        )
        frame = window.frameGeometry()
    target = QRect(frame)
    target.moveRight(min(target.right(), area.right()))
    target.moveBottom(min(target.bottom(), area.bottom()))
    target.moveLeft(max(target.left(), area.left()))
    target.moveTop(max(target.top(), area.top()))
    if target.topLeft() != frame.topLeft():
        window.move(target.topLeft())  # move() places the frame's top left corner


class OnScreen(QObject):
    """Watches every dialog of the application for growing past its screen."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Resize
            and isinstance(watched, QDialog)
            and watched.isWindow()
            and watched.isVisible()
        ):
            keep_on_screen(watched)
        return False


def install_on_screen(app: QApplication) -> OnScreen:
    """Keep every dialog of ``app`` on its screen from now on (idempotent)."""
    found = app.findChild(OnScreen)
    if isinstance(found, OnScreen):
        return found
    keeper = OnScreen(app)
    app.installEventFilter(keeper)
    return keeper
