"""Starting the desktop app."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import __version__
from ..resources import resource_path
from .fonts import load_bundled_fonts
from .qt import QApplication, QGuiApplication, QIcon, QSettings
from .session import VaultSession


def run(vault_path: Path, argv: list[str] | None = None) -> int:
    QGuiApplication.setApplicationName("intake-desktop")
    QGuiApplication.setOrganizationName("intake-desktop")
    QGuiApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    from .startup_probe import install_if_requested

    install_if_requested(app)  # benchmarks only (INTAKE_REPORT_SHOWN); inert otherwise
    load_bundled_fonts(app)
    icon = resource_path("icons", "intake-desktop-256.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    QGuiApplication.setDesktopFileName("intake-desktop")
    # Qt settings hold preferences only (idle minutes, window layout): never
    # a path to a case, a name, or anything typed into a case.
    settings = QSettings()
    from .main_window import MainWindow

    session = VaultSession(vault_path, settings)
    window = MainWindow(session)
    window.show()
    return int(app.exec())
