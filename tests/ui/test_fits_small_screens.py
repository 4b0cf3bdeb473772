"""Every window and dialog fits a 1366x768 and a 1280x720 screen, in English, Dari and Pashto.

Qt's offscreen platform takes its screens from a JSON file named in the
platform string (``offscreen:configfile=screen.json``, read once when the
application starts), so each screen size runs in a process of its own:
``python -m tests.ui.test_fits_small_screens`` opens every window of the
app at that size, in each language, and prints what does not fit.

A window fits when its frame is inside the screen's available area and no
visible widget in it is clipped: each one lies inside its window and inside
every ancestor (what is inside a scroll area's viewport may scroll, so the
check stops there), and is at least as tall as its minimum size hint (or,
for text that wraps, as tall as it needs at its width).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.ui.small_screen import LANGUAGES, SCREENS, run_on_screen


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_window_fits_the_screen(screen: str, tmp_path: Path) -> None:
    width, height = SCREENS[screen]
    result = run_on_screen("tests.ui.test_fits_small_screens", width, height, tmp_path)
    assert len(result["windows"]) >= 40 * len(LANGUAGES), result["windows"]
    problems = result["problems"]
    assert not problems, "\n".join(
        f"  {p['language']} {p['window']}: {p['problem']}" for p in problems
    )


# In the process with the small screen ----------------------------------------------------


class Fit:
    """Opens windows, checks each, and keeps what does not fit."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.language = "en"
        self.windows: list[str] = []
        self.problems: list[dict[str, str]] = []
        self.shots = os.environ.get("INTAKE_FIT_SHOTS")

    def problem(self, window: str, text: str) -> None:
        self.problems.append({"language": self.language, "window": window, "problem": text})

    def settle(self) -> None:
        """Let pending layouts and resizes land (they are posted events)."""
        for _round in range(3):
            self.app.sendPostedEvents()
            self.app.processEvents()

    def wait(self, done: Callable[[], bool], what: str, timeout_ms: int = 60_000) -> bool:
        from PySide6.QtTest import QTest

        from intake_desktop.ui.qt import QElapsedTimer

        clock = QElapsedTimer()
        clock.start()
        while not done():
            if clock.elapsed() > timeout_ms:
                self.problem(what, "timed out waiting for it")
                return False
            QTest.qWait(10)
        return True

    def check(self, name: str, window: Any) -> None:
        from PySide6.QtWidgets import QAbstractScrollArea  # only the tests need the base class

        from intake_desktop.ui.qt import QRect, QWidget

        self.settle()
        self.windows.append(f"{self.language} {name}")
        if not window.isVisible():
            self.problem(name, "not shown")
            return
        if self.shots:
            folder = Path(self.shots)
            folder.mkdir(parents=True, exist_ok=True)
            safe = "".join(c if c.isalnum() else "-" for c in name)
            window.grab().save(str(folder / f"{self.language}-{safe}.png"))
        area = window.screen().availableGeometry()
        frame = window.frameGeometry()
        if not area.contains(frame):
            self.problem(name, f"the window {rect(frame)} is not inside the screen {rect(area)}")
        viewports = {
            id(a.viewport()) for a in window.findChildren(QAbstractScrollArea) if a.viewport()
        }

        def box(widget: Any) -> Any:
            return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())

        for child in window.findChildren(QWidget):
            if child.isWindow() or not child.isVisible() or child.objectName() == "focus-ring":
                continue
            shown = box(child)
            ancestor, scrolled, slack = child.parentWidget(), False, 0
            while ancestor is not None and ancestor is not window:
                if id(ancestor) in viewports:
                    scrolled = True
                    break
                slack += splitter_slack(ancestor)
                if not box(ancestor).adjusted(0, 0, slack, 0).contains(shown):
                    self.problem(
                        name,
                        f"{describe(child)} {rect(shown)} is cut by {describe(ancestor)}"
                        f" {rect(box(ancestor))}",
                    )
                    break
                ancestor = ancestor.parentWidget()
            if not scrolled and not window.rect().adjusted(0, 0, slack, 0).contains(shown):
                self.problem(name, f"{describe(child)} {rect(shown)} is outside the window")
            needed = needed_height(child)
            if needed > 0 and child.height() < needed:
                self.problem(
                    name, f"{describe(child)} is {child.height()} px tall and needs {needed}"
                )

    def dialog(self, name: str, make: Callable[[], Any], then: Callable[[Any], None] | None = None):
        """Open what ``make`` returns, check it, run ``then`` on it, close it."""
        try:
            window = make()
            window.show()
            self.check(name, window)
            if then is not None:
                then(window)
            window.close()
        except Exception as exc:  # a window that cannot even open is reported, not fatal
            self.problem(name, f"could not be opened: {type(exc).__name__}: {exc}")

    def modal(self, name: str, ask: Callable[[], object]) -> None:
        """Check the modal box ``ask`` opens (and waits on), then cancel it."""
        from intake_desktop.ui.qt import QApplication, QTimer

        def answer() -> None:
            box = QApplication.activeModalWidget()
            if box is None:
                self.problem(name, "no box was opened")
                return
            self.check(name, box)
            box.reject()

        QTimer.singleShot(50, answer)
        ask()


def splitter_slack(widget: Any) -> int:
    """1 for a splitter laid out right to left: Qt puts its first pane 1 px past its edge.

    (QSplitter mirrors its panes with an off-by-one: in a 500 px splitter
    the panes sit at 1..249 and 253..501.) One pixel of a pane's border is
    not a clipped widget; anything more still fails.
    """
    from PySide6.QtWidgets import QSplitter  # only the tests need it

    from intake_desktop.ui.qt import Qt

    rtl = widget.layoutDirection() == Qt.LayoutDirection.RightToLeft
    return 1 if isinstance(widget, QSplitter) and rtl else 0


def needed_height(widget: Any) -> int:
    """How tall ``widget`` must be to show whole; 0 when its own parent decides.

    Its minimum size hint, or for text that wraps the height it needs at
    its width. Left out: Qt's own parts of a widget ("qt_spinbox_lineedit"),
    sized by that widget; a table's header, sized to its size hint by its
    table (its minimum hint is a scroll area's, for two scroll bars it never
    has); a progress bar without its text (the hint counts the text). A list
    or text box (whose content scrolls) given a minimum height by the code
    needs that height: its hint asks room for two scroll bars, whatever it
    holds, and its layout gives it the explicit minimum instead.
    """
    from PySide6.QtWidgets import (  # only the tests need them
        QAbstractScrollArea,
        QHeaderView,
        QProgressBar,
    )

    if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
        return 0
    if isinstance(widget, QAbstractScrollArea) and widget.minimumHeight() > 0:
        return int(widget.minimumHeight())
    if isinstance(widget, QProgressBar) and not widget.isTextVisible():
        return 0
    if widget.hasHeightForWidth():
        return int(widget.heightForWidth(widget.width()))
    return int(widget.minimumSizeHint().height())


def rect(r: Any) -> str:
    return f"{r.width()}x{r.height()}+{r.x()}+{r.y()}"


def describe(widget: Any) -> str:
    name = widget.objectName() or widget.accessibleName()
    text = getattr(widget, "text", None)
    if not name and callable(text):
        name = str(text())[:30]
    return f"{type(widget).__name__}({name!r})" if name else type(widget).__name__


def main(languages: list[str]) -> int:
    from intake_desktop.ui.qt import QApplication, QSettings
    from intake_desktop.ui.widgets.app_style import install_app_style
    from intake_desktop.ui.widgets.focus_ring import install_focus_rings
    from intake_desktop.ui.widgets.fonts import load_bundled_fonts
    from intake_desktop.ui.widgets.language import InterfaceLanguage
    from intake_desktop.ui.widgets.on_screen import install_on_screen
    from tests.ui import fit_walk

    app = QApplication([])
    install_app_style(app)  # as app.run does
    load_bundled_fonts(app)
    install_focus_rings(app)  # as app.run does
    install_on_screen(app)
    interface = InterfaceLanguage(app)
    fit = Fit(app)
    root = Path(tempfile.mkdtemp())
    world = fit_walk.World.make(root)
    settings = QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat)
    for code in languages:
        interface.apply(code)
        fit.language = code
        fit_walk.walk(fit, world, settings, root / code)
        # Collect the closed windows' cycles here: a collection that fell inside
        # the next language's MainWindow construction crashed PySide (issue 16's
        # closing note; not seen in the app, which keeps its one window).
        gc.collect()
    screen = app.primaryScreen().geometry()
    print(
        json.dumps(
            {
                "screen": [screen.width(), screen.height()],
                "windows": fit.windows,
                "problems": fit.problems,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
