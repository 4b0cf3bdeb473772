"""A focus ring a person can find at a glance: 2 px, high contrast, on every focused widget.

Fusion marks focus with a faint tint that disappears on a cheap laptop's
screen and is absent from buttons, check boxes and lists in some states.
A style sheet rule (``*:focus { border: ... }``) would make Qt draw each
widget with the style sheet engine whenever it has focus: buttons and combo
boxes lose their Fusion look as focus passes, sizes shift by a pixel, and a
widget's own style sheet (a field marked invalid) silently overrides it.

So the ring is drawn over the window instead, around the focused widget,
by one transparent widget that mouse clicks pass through: every kind of
widget gets the same ring, nothing about the widget itself changes, and
right to left needs nothing special (geometry is already mirrored). The
ring stays inside what is visible of the widget: a field scrolled half out
of a form gets the visible half of a ring, never one drawn over the
scroll bar, and a list flush with its pane's edge gets its ring just inside.
"""

from __future__ import annotations

from ..qt import (
    QApplication,
    QColor,
    QEvent,
    QObject,
    QPainter,
    QPaintEvent,
    QPen,
    QRect,
    Qt,
    QWidget,
)

WIDTH = 2  # px
# Contrast above 4.5:1 against white, Fusion's light grey and the selection blue.
LIGHT_BACKGROUND_RING = QColor("#0b3d91")
DARK_BACKGROUND_RING = QColor("#ffd54f")
_TRACKED = {
    QEvent.Type.Move,
    QEvent.Type.Resize,
    QEvent.Type.Show,
    QEvent.Type.Hide,
    QEvent.Type.ParentChange,
    QEvent.Type.LayoutDirectionChange,
}


def ring_colour(widget: QWidget) -> QColor:
    """Dark blue on a light window, amber on a dark one."""
    return (
        DARK_BACKGROUND_RING
        if widget.palette().window().color().lightness() < 128
        else LIGHT_BACKGROUND_RING
    )


def ringed_widget(widget: QWidget) -> QWidget:
    """The widget a person sees as focused: a spin box, not the line edit inside it."""
    while True:
        parent = widget.parentWidget()
        if parent is None or parent.focusProxy() is not widget:
            return widget
        widget = parent


class FocusRing(QWidget):
    """The ring itself: a child of the focused widget's window, on top of everything in it."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("focus-ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.colour = LIGHT_BACKGROUND_RING
        self.sides = QRect()  # the ring's outer edge, in this widget's coordinates
        self.hide()

    def place(self, target: QWidget) -> None:
        window = self.parentWidget()
        if window is None or not target.isVisible():
            self.hide()
            return
        ring = QRect(target.mapTo(window, target.rect().topLeft()), target.size())
        ring = ring.adjusted(-WIDTH, -WIDTH, WIDTH, WIDTH)
        visible = window.rect()
        ancestor = target.parentWidget()
        while ancestor is not None and ancestor is not window:
            visible = visible.intersected(
                QRect(ancestor.mapTo(window, ancestor.rect().topLeft()), ancestor.size())
            )
            ancestor = ancestor.parentWidget()
        shown = ring.intersected(visible)
        if shown.width() <= 2 * WIDTH or shown.height() <= 2 * WIDTH:
            self.hide()
            return
        self.colour = ring_colour(window)
        self.setGeometry(shown)
        self.sides = QRect(0, 0, shown.width(), shown.height())
        self.raise_()
        self.show()
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        pen = QPen(self.colour)
        pen.setWidth(WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # A pen of width 2 is centred on the path: inset by 1 so both pixels are inside.
        half = WIDTH // 2
        painter.drawRect(self.sides.adjusted(half, half, -half, -half))
        painter.end()


class FocusRings(QObject):
    """Follows the application's focus and keeps one ring around the focused widget."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._target: QWidget | None = None
        self._watched: list[QWidget] = []
        self._rings: dict[int, FocusRing] = {}
        app.focusChanged.connect(self._focus_changed)

    def remove(self) -> None:
        """Stop drawing rings (tests put the app back as they found it)."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.disconnect(self._focus_changed)
        self._unwatch()
        self._hide_all()
        for ring in self._rings.values():
            try:
                ring.deleteLater()
            except RuntimeError:
                continue
        self._rings, self._target = {}, None
        self.setParent(None)  # install_focus_rings no longer finds it
        self.deleteLater()

    def ring_of(self, window: QWidget) -> FocusRing:
        key = id(window)
        ring = self._rings.get(key)
        try:
            if ring is not None and ring.parentWidget() is window:
                return ring
        except RuntimeError:  # deleted with a window whose id a new one reuses
            pass
        ring = FocusRing(window)
        self._rings[key] = ring
        window.destroyed.connect(lambda _obj=None, k=key: self._rings.pop(k, None))
        return ring

    def _hide_all(self) -> None:
        for ring in list(self._rings.values()):
            try:
                ring.hide()
            except RuntimeError:  # went with its window
                continue

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self._unwatch()
        self._hide_all()
        if new is None or isinstance(new, FocusRing):
            self._target = None
            return
        target = ringed_widget(new)
        window = target.window()
        if window is target or window.windowFlags() & Qt.WindowType.Popup == Qt.WindowType.Popup:
            self._target = None  # a menu or a list that drops down marks its own choice
            return
        self._target = target
        widget: QWidget | None = target
        while widget is not None and widget is not window:
            widget.installEventFilter(self)
            self._watched.append(widget)
            widget = widget.parentWidget()
        self.ring_of(window).place(target)

    def _unwatch(self) -> None:
        for widget in self._watched:
            try:
                widget.removeEventFilter(self)
            except RuntimeError:  # deleted since
                continue
        self._watched = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        target = self._target
        if target is not None and event.type() in _TRACKED:
            try:
                self.ring_of(target.window()).place(target)
            except RuntimeError:  # the target was deleted
                self._target = None
        return False


def install_focus_rings(app: QApplication) -> FocusRings:
    """Draw the ring in every window of ``app`` from now on (idempotent)."""
    rings = app.findChild(FocusRings)
    return rings if isinstance(rings, FocusRings) else FocusRings(app)
