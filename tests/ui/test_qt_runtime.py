"""The Qt runtime we ship with must survive a long working day."""

from __future__ import annotations

import sys

from intake_desktop.ui.qt import QLabel


def test_qt_calls_do_not_leak_references_to_none(qapp: object) -> None:
    # PySide6 6.12.0 on Python 3.11 dropped a reference to None on each call
    # that returns nothing; after a few thousand calls the app aborted.
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(10_000):
        label.setText("x")
    assert abs(sys.getrefcount(None) - before) < 100


def test_signal_emits_do_not_leak_references_to_true(qapp: object) -> None:
    # The same release lost a reference to True on each emit() (autosave, progress).
    from intake_desktop.ui.qt import QObject, Signal

    class Source(QObject):
        ping = Signal()

    source = Source()
    source.ping.connect(lambda: None)
    before = sys.getrefcount(True)
    for _ in range(10_000):
        source.ping.emit()
    assert abs(sys.getrefcount(True) - before) < 100


def test_file_dialogs_leave_no_folder_history(qapp: object, tmp_path, monkeypatch) -> None:
    """A visited folder's name can be case content: Qt's memory of it is wiped."""
    from intake_desktop.ui.qt import QFileDialog, QSettings
    from intake_desktop.ui.widgets import file_dialogs

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config")
    )

    def pretend_dialog(*_args: object, **_kwargs: object) -> tuple[list[str], str]:
        # What Qt's own dialog does on closing: remember where it was.
        qt = QSettings(QSettings.Scope.UserScope, "QtProject")
        qt.setValue("FileDialog/history", ["/home/x/Ahmadzai family scans"])
        qt.setValue("FileDialog/lastVisited", "file:///home/x/Ahmadzai family scans")
        qt.sync()
        return ["/home/x/Ahmadzai family scans/tazkira.pdf"], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", pretend_dialog)
    assert file_dialogs.open_files(None, "t", "", "") == [
        "/home/x/Ahmadzai family scans/tazkira.pdf"
    ]
    remembered = QSettings(QSettings.Scope.UserScope, "QtProject")
    assert remembered.value("FileDialog/history") is None
    text = "".join(p.read_text() for p in (tmp_path / "config").rglob("*") if p.is_file())
    assert "Ahmadzai" not in text
