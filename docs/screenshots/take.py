"""Screenshots of every screen, as a 1366x768 field laptop shows them, on invented demo data.

    python docs/screenshots/take.py [OUT_DIR]                      # English: NAME.png
    python docs/screenshots/take.py --language fa_AF [OUT_DIR]     # Dari: fa_AF-NAME.png
    python docs/screenshots/take.py --all [OUT_DIR]                # English, Dari and Pashto

OUT_DIR defaults to this folder. ``--language`` takes any interface language
(``fa_AF``, ``ps``, or ``pseudo`` to find text that skips the catalog,
docs/translating.md). ``--all`` runs each language in a process of its own:
a language is installed once, before any window is built, as the app does.

Each run builds throwaway vaults in a temporary folder (a field laptop used
by a caseworker and a translator, a coordinator's office, two more laptops
whose bundles reach it), starts Qt's offscreen platform with one 1366x768
screen, and drives the real windows as a person would: the main window
opens maximised, and each dialog opens at the size the app gives it on that
screen. A shot is the whole screen: the main window with the dialogs open
over it drawn where they sit, each with a plain title bar standing in for
the window manager's. A dialog that does not fit on the screen is reported
at the end (exit status 1). Nothing here touches a real vault or the
user's settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository

from PySide6.QtTest import QTest

from intake_desktop.core.files import restrict_umask
from intake_desktop.ui.qt import (
    QApplication,
    QColor,
    QElapsedTimer,
    QFont,
    QPainter,
    QPixmap,
    QRect,
    Qt,
    QWidget,
)
from intake_desktop.ui.widgets.app_style import install_app_style
from intake_desktop.ui.widgets.focus_ring import install_focus_rings
from intake_desktop.ui.widgets.fonts import load_bundled_fonts
from intake_desktop.ui.widgets.language import InterfaceLanguage
from intake_desktop.ui.widgets.on_screen import install_on_screen

HERE = Path(__file__).resolve().parent
SCREEN = (1366, 768)
LANGUAGES = ("en", "fa_AF", "ps")
TITLE_BAR = 26  # the stand-in for a window manager's title bar over a dialog


def main(argv: list[str]) -> int:
    args = list(argv)
    every = "--all" in args
    args = [a for a in args if a != "--all"]
    language = "en"
    if "--language" in args:
        at = args.index("--language")
        if at + 1 >= len(args):
            raise SystemExit("--language needs a code: en, fa_AF, ps or pseudo")
        language = args[at + 1]
        del args[at : at + 2]
    if len(args) > 1 or any(a.startswith("-") for a in args):
        raise SystemExit(__doc__)
    out = Path(args[0]).resolve() if args else HERE
    out.mkdir(parents=True, exist_ok=True)
    if every:
        return run_every_language(out)
    return take(language, out)


def run_every_language(out: Path) -> int:
    """Each language in its own process: one language per application, as the app runs."""
    failed = []
    for code in LANGUAGES:
        print(f"== {code}", flush=True)
        run = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--language", code, str(out)],
            check=False,
        )
        if run.returncode != 0:
            failed.append(code)
    if failed:
        print(f"failed or not fitting: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def take(language: str, out: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="intake-shots-") as tmp:
        root = Path(tmp)
        offscreen_laptop(root)
        restrict_umask()
        camera = Camera(start_app(language), out, "" if language == "en" else f"{language}-")
        import shots_access  # beside this file; they import Qt's widgets
        import shots_bundles
        import shots_delivery
        import shots_editor
        import shots_outbox
        import shots_packet
        import shots_world

        world = shots_world.World.make(root)
        shots_access.first_run(camera, world)
        field = shots_access.field_laptop(camera, world)
        shots_editor.caseworker(camera, field, world)
        shots_bundles.caseworker(camera, field, world)
        shots_packet.counsel_packet(camera, field, world)
        shots_access.managing(camera, field, world)
        shots_delivery.destinations(camera, field)
        shots_outbox.outbox(camera, field)
        delivered(camera, field, world)
        shots_editor.draft_after_lock(camera, field, world)
        shots_editor.translator(camera, field, world)
        field.close()
        shots_bundles.coordinator(camera, world)
        return camera.report()


def delivered(camera: Camera, laptop: Any, world: Any) -> None:
    """The field's case list after a receipt from the office: its Delivered column, filtered."""
    from shots_world import PASSPHRASE

    from intake_desktop.core import receipts
    from intake_desktop.core.vault import Vault

    office = Vault.open(world.office, PASSPHRASE)
    try:  # the office imported Kabul's earlier bundle when the world was made
        (bundle_id,) = office.conn.execute("SELECT bundle_id FROM receipts_issued").fetchone()
        receipts.issued(office, bundle_id).write(world.root / "receipt.json")
    finally:
        office.close()
    window = laptop.window
    window.session.keys.trust_device("Islamabad office device", world.office_signing_key)
    window.session.bundles.take_receipt(world.root / "receipt.json")
    window.cases.refresh()
    combo = window.cases.delivery
    combo.setCurrentIndex(combo.findData("delivered"))
    camera.settle()
    camera.shoot("case-list-delivered", window)
    combo.setCurrentIndex(0)
    camera.settle()


def offscreen_laptop(root: Path) -> None:
    """Qt's offscreen platform with one 1366x768 screen; settings and files under ``root``."""
    config = root / "screen.json"
    width, height = SCREEN
    screens = {"screens": [{"name": "laptop", "width": width, "height": height}]}
    config.write_text(json.dumps(screens), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(root / "home")
    (root / "home").mkdir(mode=0o700)


def start_app(language: str) -> QApplication:
    """The application set up as ``intake_desktop.ui.app.run`` sets it up, in ``language``."""
    app = QApplication([sys.argv[0]])
    install_app_style(app)
    load_bundled_fonts(app)
    install_focus_rings(app)
    install_on_screen(app)
    InterfaceLanguage(app).apply(language)
    return app


class Camera:
    """Waits for the app, and saves what the screen shows."""

    def __init__(self, app: QApplication, out: Path, prefix: str) -> None:
        self.app = app
        self.out = out
        self.prefix = prefix
        self.problems: list[str] = []

    def settle(self, rounds: int = 20) -> None:
        """Let posted layouts, resizes and paints land."""
        for _round in range(rounds):
            self.app.sendPostedEvents()
            self.app.processEvents()

    def wait(self, done: Callable[[], object], what: str, seconds: float = 60) -> None:
        clock = QElapsedTimer()
        clock.start()
        while not done():
            if clock.elapsed() > seconds * 1000:
                raise SystemExit(f"timed out waiting for {what}")
            QTest.qWait(20)
        self.settle()

    def modal(self, what: str, other_than: QWidget | None = None) -> QWidget:
        """The modal window shown now, once there is one (other than ``other_than``),
        settled where it opens."""

        def shown() -> QWidget | None:
            modal = self.app.activeModalWidget()
            ok = modal is not None and modal is not other_than and modal.isVisible()
            return modal if ok else None

        self.wait(shown, what)
        dialog = shown()
        if dialog is None:
            raise SystemExit(f"{what} closed as it opened")
        self.still(dialog)
        return placed(dialog)

    def opened(self, action: Callable[[], object], what: str) -> QWidget:
        """Run ``action`` and return the modal window it opened."""
        before = self.app.activeModalWidget()
        action()
        return self.modal(what, other_than=before)

    def still(self, *windows: QWidget) -> None:
        """Wait until ``windows`` stop moving and resizing (a dialog fitting itself to the
        screen resizes in several posted steps, some after a timer)."""

        def where() -> list[object]:
            focus = self.app.focusWidget()
            return [w.geometry() for w in windows] + [focus.size() if focus else None]

        before = None
        for _round in range(40):
            self.settle()
            now = where()
            if now == before:
                return
            before = now
            QTest.qWait(50)

    def shoot(self, name: str, window: QWidget, *dialogs: QWidget) -> None:
        """The screen: ``window``, then each of ``dialogs`` over it where it sits."""
        self.still(window, *dialogs)
        screen = window.screen().geometry()
        if window.frameGeometry() != screen:
            self.problem(name, f"the main window is {rect(window.frameGeometry())}, not maximised")
        shot = QPixmap(screen.size())
        shot.fill(QColor("#30404f"))  # the desktop, where nothing covers it
        painter = QPainter(shot)
        painter.fillRect(window.frameGeometry().translated(-screen.topLeft()), QColor("#6b6b6b"))
        painter.drawPixmap(window.geometry().topLeft() - screen.topLeft(), window.grab())
        for dialog in dialogs:
            if not dialog.isVisible():
                self.problem(name, f"{type(dialog).__name__} is not shown")
                continue
            inner = dialog.geometry().translated(-screen.topLeft())
            bar = min(TITLE_BAR, max(inner.top() - 1, 0))
            frame = QRect(inner.left() - 1, inner.top() - bar - 1, inner.width() + 2, 0)
            frame.setBottom(inner.bottom() + 1)
            outer = dialog.frameGeometry().translated(-screen.topLeft()).united(frame)
            if not QRect(0, 0, screen.width(), screen.height()).contains(outer):
                self.problem(name, f"{dialog.windowTitle()!r} {rect(outer)} is off the screen")
            title_bar(painter, dialog, frame, bar)
            painter.drawPixmap(inner.topLeft(), dialog.grab())
        painter.end()
        path = self.out / f"{self.prefix}{name}.png"
        if not shot.save(str(path)):
            raise SystemExit(f"could not save {path}")
        print(path, flush=True)

    def problem(self, shot: str, text: str) -> None:
        self.problems.append(f"{self.prefix}{shot}: {text}")
        print(f"  problem: {text}", file=sys.stderr, flush=True)

    def report(self) -> int:
        for line in self.problems:
            print(f"does not fit: {line}", file=sys.stderr)
        return 1 if self.problems else 0


def placed(dialog: QWidget) -> QWidget:
    """``dialog`` where Qt puts it on a real screen: centred over its parent's window.

    The offscreen platform gives every window a stand-in frame of 2 px before
    it is shown. A dialog resized as it is shown (``fit_to_screen``) is then
    seen as 2 px off the screen's corner, and the app's ``keep_on_screen``
    moves it into that corner, before Qt would have centred it. On X11 (with
    or without a window manager) the frame is unknown until the dialog is
    mapped, so nothing moves it and Qt centres it; that is what is drawn.
    """
    screen = dialog.screen().availableGeometry()
    parent = dialog.parentWidget()
    if parent is None or dialog.frameGeometry().topLeft() != screen.topLeft():
        return dialog
    frame = QRect(dialog.frameGeometry())
    frame.moveCenter(parent.window().geometry().center())
    frame.moveRight(min(frame.right(), screen.right()))
    frame.moveBottom(min(frame.bottom(), screen.bottom()))
    frame.moveLeft(max(frame.left(), screen.left()))
    frame.moveTop(max(frame.top(), screen.top()))
    dialog.move(frame.topLeft())
    return dialog


def title_bar(painter: QPainter, dialog: QWidget, frame: QRect, bar: int) -> None:
    """A thin border and a plain title bar, as a window manager frames a dialog."""
    painter.fillRect(frame.adjusted(3, 3, 3, 3), QColor(0, 0, 0, 60))  # a shadow
    painter.fillRect(frame, QColor("#6b6b6b"))
    if bar <= 0:
        return
    strip = QRect(frame.left() + 1, frame.top() + 1, frame.width() - 2, bar)
    painter.fillRect(strip, QColor("#dedede"))
    font = QFont(dialog.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#202020"))
    rtl = dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    align = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
    text = painter.fontMetrics().elidedText(
        dialog.windowTitle(), Qt.TextElideMode.ElideRight, strip.width() - 20
    )
    painter.drawText(strip.adjusted(10, 0, -10, 0), align | Qt.AlignmentFlag.AlignVCenter, text)


def rect(r: QRect) -> str:
    return f"{r.width()}x{r.height()}+{r.x()}+{r.y()}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
