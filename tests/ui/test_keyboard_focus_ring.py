"""The focus ring is drawn: 2 px of high-contrast colour around whatever has focus.

Read from the pixels of the window as painted (``grab``), left to right and
right to left, for every kind of widget a person can tab to.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from intake_desktop.ui.qt import (
    QApplication,
    QCheckBox,
    QColor,
    QComboBox,
    QDialog,
    QImage,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QRect,
    QScrollArea,
    QSpinBox,
    Qt,
    QTableWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from intake_desktop.ui.widgets.focus_ring import (
    LIGHT_BACKGROUND_RING,
    WIDTH,
    FocusRings,
    install_focus_rings,
)

RTL, LTR = Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight


@pytest.fixture
def rings(qapp: QApplication) -> Iterator[FocusRings]:
    installed = install_focus_rings(qapp)
    yield installed
    installed.remove()


def every_kind() -> list[QWidget]:
    table = QTableWidget(2, 2)
    tree = QTreeWidget()
    QTreeWidgetItem(tree, ["Karimi"])
    listed = QListWidget()
    listed.addItems(["one", "two"])
    combo = QComboBox()
    combo.addItems(["Dari", "Pashto"])
    return [
        QLineEdit("Karimi"),
        combo,
        QSpinBox(),
        QPushButton("Save"),
        QCheckBox("Woman at risk"),
        QRadioButton("Caseworker"),
        QPlainTextEdit("notes"),
        listed,
        table,
        tree,
    ]


@pytest.fixture
def dialog(qtbot) -> QDialog:
    window = QDialog()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    for widget in every_kind():
        widget.setMaximumHeight(60)
        layout.addWidget(widget)
    window.resize(420, 640)
    return window


def ring_pixels(window: QWidget, target: QWidget) -> list[QColor]:
    """The colour 1 px outside each side of ``target``, in the middle of that side."""
    image: QImage = window.grab().toImage()
    ratio = image.devicePixelRatio()
    box = QRect(target.mapTo(window, target.rect().topLeft()), target.size())
    middle = box.center()
    points = [
        (box.left() - 1, middle.y()),
        (box.right() + 2, middle.y()),
        (middle.x(), box.top() - 1),
        (middle.x(), box.bottom() + 2),
    ]
    return [image.pixelColor(int(x * ratio), int(y * ratio)) for x, y in points]


def is_ring(colour: QColor) -> bool:
    ring = LIGHT_BACKGROUND_RING
    return all(
        abs(a - b) <= 8
        for a, b in zip(
            (colour.red(), colour.green(), colour.blue()),
            (ring.red(), ring.green(), ring.blue()),
            strict=True,
        )
    )


@pytest.mark.parametrize("direction", [LTR, RTL], ids=["left to right", "right to left"])
def test_every_kind_of_widget_gets_the_ring(
    qtbot, rings: FocusRings, dialog: QDialog, direction: Qt.LayoutDirection
) -> None:
    dialog.setLayoutDirection(direction)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    widgets = [w for w in dialog.findChildren(QWidget) if w.parentWidget() is dialog]
    widgets = [w for w in widgets if w.objectName() != "focus-ring"]
    assert len(widgets) == 10
    previous: QWidget | None = None
    for widget in widgets:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda w=widget: QApplication.focusWidget() in (w, w.focusProxy()))
        around = ring_pixels(dialog, widget)
        assert all(is_ring(c) for c in around), (type(widget).__name__, around)
        if previous is not None:  # the ring moved with the focus
            assert not any(is_ring(c) for c in ring_pixels(dialog, previous)), previous
        previous = widget


def test_the_ring_follows_a_field_scrolled_in_a_form_and_stays_inside_it(
    qtbot, rings: FocusRings
) -> None:
    window = QDialog()
    qtbot.addWidget(window)
    area = QScrollArea()
    area.setWidgetResizable(True)
    inner = QWidget()
    column = QVBoxLayout(inner)
    fields = [QLineEdit(f"field {i}") for i in range(30)]
    for field in fields:
        column.addWidget(field)
    area.setWidget(inner)
    QVBoxLayout(window).addWidget(area)
    window.resize(320, 240)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    last = fields[-1]
    last.setFocus(Qt.FocusReason.TabFocusReason)
    area.ensureWidgetVisible(last)
    qtbot.waitUntil(lambda: last.visibleRegion().boundingRect().height() == last.height())
    assert all(is_ring(c) for c in ring_pixels(window, last))
    ring = window.findChild(QWidget, "focus-ring")
    assert ring is not None and ring.isVisible()
    viewport = QRect(
        area.viewport().mapTo(window, area.viewport().rect().topLeft()), area.viewport().size()
    )
    assert viewport.contains(ring.geometry())  # never over the scroll bar or the frame
    area.verticalScrollBar().setValue(0)  # the field scrolls out of sight: so does its ring
    qtbot.waitUntil(lambda: not ring.isVisible())


def test_the_main_window_search_box_gets_the_ring_in_dari_layout(
    qtbot, rings: FocusRings, session
) -> None:
    from intake_desktop.ui.shell.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.setLayoutDirection(RTL)
    window.resize(1366, 740)
    window.show()
    window.show_workspace()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.cases.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cases.search)
    assert sum(is_ring(c) for c in ring_pixels(window, window.cases.search)) >= 3
    window.cases.table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cases.table)
    # The list is flush with its pane: its ring is drawn just inside what is visible.
    ring = window.findChild(QWidget, "focus-ring")
    assert ring is not None and ring.isVisible() and ring.width() > WIDTH * 4
