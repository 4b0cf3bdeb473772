"""Ctrl+E exports from the search box on a real X server, where Qt binds it to "end of line".

Offscreen Qt has no X11 key bindings, so there a line edit never takes
Ctrl+E and the defect cannot show. This test runs the window under Xvfb
with Qt's xcb platform, in a process of its own, and presses Ctrl+E in the
search box: the Export dialog must open. Skipped where there is no Xvfb
(CI installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.helpers import REPO


def main() -> int:
    """In the X process: unlock a vault in the main window, Ctrl+E in the search box."""
    os.environ["INTAKE_KDF_TARGET_MS"] = "0"
    from PySide6.QtTest import QTest  # only the tests press keys

    from intake_desktop.ui.bundles.export_dialog import ExportDialog
    from intake_desktop.ui.qt import QApplication, QKeySequence, QSettings, Qt
    from intake_desktop.ui.services.session import VaultSession
    from intake_desktop.ui.shell.main_window import MainWindow
    from tests.helpers import make_vault

    app = QApplication([])
    bound = [
        s.toString() for s in QKeySequence.keyBindings(QKeySequence.StandardKey.MoveToEndOfLine)
    ]
    folder = Path(tempfile.mkdtemp())
    vault, _code = make_vault(folder / "vault")
    session = VaultSession(
        folder / "vault", QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)
    )
    window = MainWindow(session)
    window.show()
    session._opened(vault)
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.cases.search.setFocus()
    QTest.keyClicks(window.cases.search, "Karimi")
    QTest.keyClick(window.cases.search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(50)
    dialog = window.findChild(ExportDialog)
    result = {
        "platform": app.platformName(),
        "bindings": bound,
        "exported": dialog is not None and dialog.isVisible(),
        "search": window.cases.search.text(),
    }
    if dialog is not None:
        dialog.reject()
    session.lock()
    print(json.dumps(result))
    return 0


def test_ctrl_e_exports_from_the_search_box_under_x11(tmp_path: Path) -> None:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        pytest.skip("needs xvfb-run (CI installs it)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "QT_"))}
    env.update(QT_QPA_PLATFORM="xcb", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("DISPLAY", None)
    run = subprocess.run(
        [
            xvfb,
            "-a",
            "-s",
            "-screen 0 1366x768x24",
            sys.executable,
            "-m",
            "tests.ui.test_keyboard_x11",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    if run.returncode != 0 or not lines:
        if "could not load the qt platform plugin" in run.stderr.lower():
            pytest.skip("Qt's xcb libraries are missing here")
        raise AssertionError(run.stderr[-3000:])
    result = json.loads(lines[-1])
    assert result["platform"] == "xcb"
    assert "Ctrl+E" in result["bindings"]  # the binding that took the key from the window
    assert result["exported"], result
    assert result["search"] == "Karimi"  # and the search text was left as typed


if __name__ == "__main__":
    sys.exit(main())
