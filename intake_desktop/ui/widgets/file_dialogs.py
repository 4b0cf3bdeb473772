"""Choosing files without leaving a trail.

Qt's own (non-native) file dialog is used so the desktop's "recent files"
never lists a bundle or a scan, but Qt remembers the folders it visited in
its settings file (``QtProject.conf``: ``FileDialog/history``,
``lastVisited``). A folder name can itself be case content ("Ahmadzai
family scans"), so that memory is wiped after every dialog.
"""

from __future__ import annotations

from ..qt import QFileDialog, QSettings, QWidget

_OPTIONS = QFileDialog.Option.DontUseNativeDialog


def forget_history() -> None:
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.remove("FileDialog")
    settings.sync()


def open_files(parent: QWidget | None, title: str, folder: str, filters: str) -> list[str]:
    try:
        names, _chosen = QFileDialog.getOpenFileNames(
            parent, title, folder, filters, options=_OPTIONS
        )
    finally:
        forget_history()
    return list(names)


def save_file(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    try:
        name, _chosen = QFileDialog.getSaveFileName(
            parent,
            title,
            suggested,
            filters,
            options=_OPTIONS | QFileDialog.Option.DontConfirmOverwrite,
        )
    finally:
        forget_history()
    return str(name)
