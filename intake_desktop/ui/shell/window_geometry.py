"""Where the main window opens: fitted to the screen it is on now, as it was left.

A field laptop's screen is often 1366x768 with a panel, smaller than the
window's comfortable size: there the window opens maximised. Elsewhere it
opens at its comfortable size, centred. Closing it remembers whether it was
maximised and its normal geometry (Qt settings hold nothing else of it: no
case, no path); the next start restores them, clamped to the available
area of the screen it lands on, which may be smaller than the one it was
closed on.
"""

from __future__ import annotations

from ..qt import QGuiApplication, QMainWindow, QRect, QSettings, QSize, QStyle

NORMAL = "window/normal_geometry"
MAXIMISED = "window/maximised"
COMFORTABLE = QSize(1280, 800)


def available_area(window: QMainWindow, around: QRect | None = None) -> QRect:
    """The available geometry (without panels) of the screen ``around`` is on."""
    screen = None
    if around is not None and around.isValid():
        screen = QGuiApplication.screenAt(around.center())
    screen = screen or window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def clamped(rect: QRect, area: QRect, title_bar: int) -> QRect:
    """``rect`` (a client area) moved and shrunk so it and its title bar fit ``area``."""
    width = min(rect.width(), area.width())
    height = min(rect.height(), area.height() - title_bar)
    x = min(max(rect.x(), area.left()), area.right() + 1 - width)
    y = min(max(rect.y(), area.top() + title_bar), area.bottom() + 1 - height)
    return QRect(x, y, width, height)


def _saved(settings: QSettings) -> tuple[QRect | None, bool]:
    rect = settings.value(NORMAL)
    maximised = str(settings.value(MAXIMISED, "false")).lower() == "true"
    if not isinstance(rect, QRect) or rect.width() < 100 or rect.height() < 100:
        return None, maximised
    return rect, maximised


def placement(
    saved: QRect | None, maximised: bool, area: QRect, title_bar: int
) -> tuple[QRect, bool]:
    """The normal geometry to give the window in ``area``, and whether to maximise it.

    Never shown before: its comfortable size, centred, or maximised where that
    does not fit. Shown before: as it was left, moved and shrunk into ``area``.
    """
    if saved is None:
        fits = (
            COMFORTABLE.width() <= area.width()
            and COMFORTABLE.height() + title_bar <= area.height()
        )
        size = COMFORTABLE if fits else area.size()
        saved = QRect(0, 0, size.width(), size.height())
        saved.moveCenter(area.center())
        maximised = not fits
    return clamped(saved, area, title_bar), maximised


def show_fitted(window: QMainWindow, settings: QSettings) -> None:
    """Show ``window`` as it was left (clamped to this screen), or fitted if never shown."""
    saved, maximised = _saved(settings)
    area = available_area(window, saved)
    title_bar = window.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight)
    normal, maximised = placement(saved, maximised, area, title_bar)
    window.setGeometry(normal)
    if maximised:
        window.showMaximized()
    else:
        window.show()


def remember(window: QMainWindow, settings: QSettings) -> None:
    """Keep whether the window is maximised and its normal geometry, for the next start."""
    settings.setValue(MAXIMISED, window.isMaximized())
    settings.setValue(NORMAL, window.normalGeometry())
    settings.sync()
