"""Unexpected errors reach the app's hook: logged without their text, said in the app.

pytest-qt catches exceptions raised in slots itself; these tests turn that
off (``qt_no_exception_capture``) so the app's own hook (``ui/failures.py``,
installed by ``app.run``) is what sees them, as it is in the running app.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator

import pytest

from intake_desktop.core import log_redaction
from intake_desktop.core.cases import CaseStore
from intake_desktop.ui import failures
from intake_desktop.ui.qt import QPushButton, Qt
from intake_desktop.ui.shell.main_window import MainWindow
from tests.ui.test_main_window import new_case_dialog, unlock

SENTINEL = "Qxzvtraw-SENTINEL-9313 Rahimi"
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def shown(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """The hook installed as ``app.run`` installs it (the CLI has installed the redaction)."""
    caplog.set_level(logging.DEBUG)
    hooks = sys.excepthook, threading.excepthook
    messages: list[str] = []
    log_redaction.install()
    failures.install(messages.append)
    try:
        yield messages
    finally:
        failures.install()  # the message box again, for whatever runs next
        sys.excepthook, threading.excepthook = hooks
        log_redaction.uninstall()


def boom() -> None:
    raise ValueError(f"the title was {SENTINEL}")


def test_an_error_in_a_slot_is_logged_without_its_text_and_said_in_the_app(
    qtbot, shown: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    button = QPushButton("Go")
    qtbot.addWidget(button)
    button.clicked.connect(boom)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5_000)
    assert "ValueError" in shown[0] and "did not finish" in shown[0]
    assert SENTINEL not in shown[0]
    records = [r for r in caplog.records if r.name == "intake_desktop.ui.failures"]
    assert len(records) == 1 and records[0].levelno == logging.ERROR
    assert records[0].getMessage() == "unexpected ValueError"
    # The frames are kept (where it happened), the message withheld.
    assert "in boom" in (records[0].exc_text or "")
    assert "ValueError: [withheld]" in (records[0].exc_text or "")
    assert SENTINEL not in caplog.text and "Rahimi" not in caplog.text


def test_an_error_on_a_thread_is_logged_and_said_too(
    qtbot, shown: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    worker = threading.Thread(target=boom)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5_000)
    assert "ValueError" in shown[0]
    assert "unexpected ValueError" in caplog.text and SENTINEL not in caplog.text


def test_a_bug_behind_the_new_case_dialog_is_said_and_the_dialog_stays(
    qtbot,
    window: MainWindow,
    shown: list[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before the hook, this went to stderr only and the dialog closed on what was typed."""
    unlock(qtbot, window)
    service = window.session.cases
    assert service is not None

    def broken(title: str, route: str) -> str:
        raise KeyError(title)  # a bug that quotes the data it was given

    monkeypatch.setattr(service, "new_case", broken)
    dialog = new_case_dialog(qtbot, window)
    dialog.title.setText(SENTINEL)
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5_000)
    assert "KeyError" in shown[0] and SENTINEL not in shown[0]
    assert dialog.isVisible() and dialog.title.text() == SENTINEL
    assert SENTINEL not in caplog.text
    vault = window.session.vault
    assert vault is not None and CaseStore(vault).list() == []


@pytest.fixture
def window(qtbot, locked_session) -> MainWindow:
    win = MainWindow(locked_session)
    qtbot.addWidget(win)
    win.show()
    return win
