"""The main window opens fitted to the screen, and as it was left (geometry only).

Qt's offscreen screen is 800x800 here: smaller than the window's comfortable
size, as a 1366x768 laptop is, and narrower than the workspace's two panes
need. The placement itself is checked on the screen sizes that matter;
``test_fits_small_screens.py`` opens the real window (and every dialog) on a
1366x768 and a 1280x720 screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_desktop.ui.qt import QRect, QSettings
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell import window_geometry
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.shell.window_geometry import placement
from tests.ui.test_main_window import unlock

TITLE_BAR = 30


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1280, 720), (1366, 728), (1280, 800)])
def test_the_first_start_on_a_small_screen_is_maximised(width: int, height: int) -> None:
    """The window opened at 1280x800: the status bar and the language chooser off screen."""
    area = QRect(0, 0, width, height)
    normal, maximised = placement(None, False, area, TITLE_BAR)
    assert maximised
    assert area.contains(normal) and normal.top() >= TITLE_BAR


def test_the_first_start_on_a_large_screen_is_centred_at_its_comfortable_size() -> None:
    area = QRect(0, 0, 1920, 1040)
    normal, maximised = placement(None, False, area, TITLE_BAR)
    assert not maximised
    assert normal.size() == window_geometry.COMFORTABLE
    assert normal.center() == area.center()


def test_a_geometry_left_on_a_larger_screen_is_clamped_to_this_one() -> None:
    area = QRect(0, 0, 1366, 768)
    normal, maximised = placement(QRect(2400, 900, 1800, 1000), False, area, TITLE_BAR)
    assert not maximised
    assert normal == QRect(0, TITLE_BAR, 1366, 768 - TITLE_BAR)
    # A second screen to the left, with a panel at its top: clamped into it as well.
    left = QRect(-1280, 32, 1280, 688)
    normal, _maximised = placement(QRect(-3000, -50, 900, 600), False, left, TITLE_BAR)
    assert left.contains(normal) and normal.size().width() == 900


def test_a_geometry_that_fits_is_kept_and_maximised_stays_maximised() -> None:
    area = QRect(0, 0, 1366, 768)
    assert placement(QRect(40, 60, 900, 600), False, area, TITLE_BAR) == (
        QRect(40, 60, 900, 600),
        False,
    )
    assert placement(QRect(40, 60, 900, 600), True, area, TITLE_BAR) == (
        QRect(40, 60, 900, 600),
        True,
    )


def open_window(qtbot, session: VaultSession) -> MainWindow:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show_fitted()
    qtbot.waitExposed(window)
    return window


def test_the_window_opens_maximised_and_reopens_as_it_was_closed(
    qtbot, locked_session: VaultSession, settings: QSettings
) -> None:
    window = open_window(qtbot, locked_session)
    assert window.isMaximized()  # 800x800 is smaller than its comfortable size
    area = window.screen().availableGeometry()
    status = window.statusBar()
    assert area.contains(status.mapToGlobal(status.rect().bottomLeft()))
    window.close()
    assert settings.value(window_geometry.MAXIMISED) in (True, "true")
    # Left un-maximised: it comes back where it was, not maximised.
    settings.setValue(window_geometry.MAXIMISED, False)
    settings.setValue(window_geometry.NORMAL, QRect(0, 40, 700, 500))
    again = open_window(qtbot, locked_session)
    assert not again.isMaximized()
    assert again.geometry().topLeft() == QRect(0, 40, 700, 500).topLeft()
    assert again.geometry().height() == 500
    again.close()
    assert settings.value(window_geometry.MAXIMISED) in (False, "false")


def test_settings_hold_the_geometry_and_nothing_of_a_case(
    qtbot, locked_session: VaultSession, settings: QSettings, tmp_path: Path
) -> None:
    window = open_window(qtbot, locked_session)
    unlock(qtbot, window)
    service = locked_session.cases
    assert service is not None
    case_id = service.new_case("Karimi family", "siv")
    window.go_to_case(case_id)
    assert window.editor.case_id == case_id
    window.close()
    settings.sync()
    assert set(settings.allKeys()) == {window_geometry.NORMAL, window_geometry.MAXIMISED}
    text = Path(settings.fileName()).read_text(encoding="utf-8")
    assert case_id not in text and "Karimi" not in text and str(tmp_path) not in text
