"""The Outbox and export's Send to fit a 1366x768 and a 1280x720 screen in English, Dari, Pashto.

Each screen size runs in a process of its own (Qt's offscreen platform reads
its screen once, at start: see small_screen.py), which opens the Outbox with
a bundle in each state and the Export dialog with Send to chosen, checks them
as test_fits_small_screens.py checks every window (nothing clipped, the frame
inside the screen), and prints what it found.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.ui.small_screen import LANGUAGES, SCREENS, run_on_screen


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_outbox_fits_the_screen_in_every_language(screen: str, tmp_path: Path) -> None:
    width, height = SCREENS[screen]
    result = run_on_screen("tests.ui.test_outbox_fit", width, height, tmp_path)
    assert len(result["windows"]) == 2 * len(LANGUAGES), result["windows"]
    assert not result["problems"], "\n".join(
        f"  {p['language']} {p['window']}: {p['problem']}" for p in result["problems"]
    )
    for shown in result["outbox"]:
        assert shown["rows"] == 4 and shown["buttons_in_sight"], shown


# In the process with the small screen ----------------------------------------------------


def main(languages: list[str]) -> int:
    from intake_desktop.core.vault import Vault
    from intake_desktop.ui.bundles.export_dialog import ExportDialog
    from intake_desktop.ui.outbox.outbox_dialog import OutboxDialog
    from intake_desktop.ui.qt import QApplication, QRect, QSettings
    from intake_desktop.ui.services.session import VaultSession
    from intake_desktop.ui.widgets.app_style import install_app_style
    from intake_desktop.ui.widgets.focus_ring import install_focus_rings
    from intake_desktop.ui.widgets.fonts import load_bundled_fonts
    from intake_desktop.ui.widgets.language import InterfaceLanguage
    from intake_desktop.ui.widgets.on_screen import install_on_screen
    from tests.helpers import PASSPHRASE, make_vault
    from tests.ui.outbox_support import fill_outbox, prepare
    from tests.ui.test_fits_small_screens import Fit

    app = QApplication([])
    install_app_style(app)
    load_bundled_fonts(app)
    install_focus_rings(app)
    install_on_screen(app)  # as app.run does
    interface = InterfaceLanguage(app)
    fit = Fit(app)
    root = Path(tempfile.mkdtemp())
    vault, _code = make_vault(root / "vault")
    fill_outbox(vault)
    prepare(vault)  # a trusted recipient for the export dialog
    vault.close()
    settings = QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat)
    session = VaultSession(root / "vault", settings)
    outbox: list[dict[str, Any]] = []
    for code in languages:
        interface.apply(code)
        fit.language = code
        session._opened(Vault.open(root / "vault", PASSPHRASE))
        dialog = OutboxDialog(session)
        dialog.show()
        fit.check("outbox", dialog)
        seen = True
        for button in (dialog.send_button, dialog.pause_button, dialog.remove_button):
            whole = QRect(button.mapTo(dialog, button.rect().topLeft()), button.size())
            seen = seen and dialog.rect().contains(whole)
        outbox.append({"rows": dialog.table.rowCount(), "buttons_in_sight": seen})
        dialog.close()
        export = ExportDialog(session, [])
        export.show()
        export.send_to.check.setChecked(True)
        fit.check("export, send to", export)
        export.close()
        session.lock()
    screen = app.primaryScreen().geometry()
    print(
        json.dumps(
            {
                "screen": [screen.width(), screen.height()],
                "windows": fit.windows,
                "problems": fit.problems,
                "outbox": outbox,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
