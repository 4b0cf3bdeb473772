"""Starting the desktop app, and rebuilding its window in another language."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from .. import __version__
from ..resources import resource_path
from . import failures
from .qt import QApplication, QGuiApplication, QIcon, QObject, QSettings, Signal
from .services.session import VaultSession
from .shell.main_window import MainWindow
from .widgets.app_style import install_app_style
from .widgets.focus_ring import install_focus_rings
from .widgets.fonts import load_bundled_fonts
from .widgets.language import InterfaceLanguage, preferred_language, save_preference
from .widgets.on_screen import install_on_screen

log = logging.getLogger(__name__)


class DesktopApp(QObject):
    """The app's one main window on one session; a new window for a new language.

    Switching the language saves what is typed, locks the vault, installs the
    language (catalog, direction, Qt's own strings) and builds the window
    again, so every text and layout is made in the new language. The session
    (and its pause after wrong passphrases) stays the same.
    """

    window_rebuilt = Signal()

    def __init__(self, session: VaultSession, language: InterfaceLanguage) -> None:
        super().__init__()
        self.session = session
        self.language = language
        self.window = self._new_window()

    def _new_window(self) -> MainWindow:
        window = MainWindow(self.session)
        window.language_requested.connect(self.switch_language)
        return window

    def switch_language(self, code: str) -> bool:
        """Save, lock, then rebuild the window in ``code``; False if nothing changed."""
        old = self.window
        if code == self.language.code:
            return False
        if not old.ready_to_rebuild():  # something typed could not be saved: stay
            return False
        draft = old.wizard_draft()
        self.session.lock()
        save_preference(self.session.settings, code)
        self.language.apply(code)
        new = self._new_window()
        new.wizard_prefill = draft
        if old.isVisible():
            new.setGeometry(old.geometry())
            if old.isMaximized():
                new.showMaximized()
            else:
                new.show()
        old.retire()
        self.window = new
        self.window_rebuilt.emit()
        return True


def run(vault_path: Path, argv: list[str] | None = None, language: str | None = None) -> int:
    """The desktop app. ``language``: from --language or INTAKE_LANGUAGE (else the preference)."""
    QGuiApplication.setApplicationName("intake-desktop")
    QGuiApplication.setOrganizationName("intake-desktop")
    QGuiApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    elif existing is None:
        app = QApplication(argv or sys.argv[:1])
    else:  # not an assert: python -O would drop it (bandit B101)
        raise RuntimeError("a non-widget Qt application is already running")
    from .shell.startup_probe import install_if_requested

    install_if_requested(app)  # benchmarks only (INTAKE_REPORT_SHOWN); inert otherwise
    failures.install()  # no error is ever only on stderr
    install_app_style(app)  # wrapped right-to-left text stays inside its box
    load_bundled_fonts(app)
    install_focus_rings(app)  # a 2 px ring on whatever has focus, in every window
    install_on_screen(app)  # a dialog that grows stays on a small screen
    icon = resource_path("icons", "intake-desktop-256.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    QGuiApplication.setDesktopFileName("intake-desktop")
    # Qt settings hold preferences only (idle minutes, the main window's
    # geometry, the interface language): never a path to a case, a name, or
    # anything typed into a case.
    settings = QSettings()
    interface = InterfaceLanguage(app)
    interface.apply(language or preferred_language(settings))
    session = VaultSession(vault_path, settings)
    desktop = DesktopApp(session, interface)
    desktop.window.show_fitted()
    return int(app.exec())
