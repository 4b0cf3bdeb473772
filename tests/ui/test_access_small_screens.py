"""The access and keys dialogs on a 1366x768 and a 1280x720 screen, in English, Dari, Pashto.

The defects found on a field laptop (issue 14, defect 5): the Keys dialog
grew to 853 px with Close off screen; the recovery-code page cut its
instructions at top and bottom; the Users table showed half a row. Each
dialog is opened as a person opens it, with a few trusted keys and users,
and measured: its frame inside the screen's available area, its buttons
inside it and never scrolled away, whole table rows only, the recovery
instructions whole and in sight.

Qt's offscreen platform reads its screen from a JSON file once, at start,
so each screen size runs in a process of its own (``python -m
tests.ui.test_access_small_screens LANGUAGE...``), which prints what it
measured as JSON; the tests here judge it. (tests/ui/test_fits_small_screens.py
checks every window of the app for clipped widgets the same way.)
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.ui.small_screen import LANGUAGES, SCREENS, run_on_screen


@pytest.fixture(scope="module", params=list(SCREENS))
def measured(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    width, height = SCREENS[request.param]
    root = tmp_path_factory.mktemp(f"screen-{request.param}")
    return run_on_screen("tests.ui.test_access_small_screens", width, height, root)


def dialogs(measured: Any, name: str) -> list[dict[str, Any]]:
    found = [d for d in measured["dialogs"] if d["dialog"] == name]
    assert len(found) == len(LANGUAGES), [d["dialog"] for d in measured["dialogs"]]
    return found


EVERY = (
    "keys",
    "users",
    "add user",
    "change passphrase",
    "replace the recovery code",
    "recovery code shown",
    "set a new passphrase",
    "trust a device",
    "trust a recipient",
    "wizard details",
    "wizard passphrase",
    "wizard recovery code",
)


@pytest.mark.parametrize("name", EVERY)
def test_the_dialog_is_inside_the_screen_with_its_buttons_in_sight(measured, name) -> None:
    for dialog in dialogs(measured, name):
        where = f"{dialog['language']} {name}"
        assert dialog["inside_screen"], f"{where}: {dialog['frame']} in {dialog['area']}"
        assert dialog["buttons"], where
        for button in dialog["buttons"]:
            assert button["visible"] and button["inside"], f"{where}: {button}"


def test_the_keys_dialog_keeps_close_on_screen(measured) -> None:
    for keys in dialogs(measured, "keys"):
        [close] = [b for b in keys["buttons"] if b["role"] == "close"]
        assert close["visible"] and close["inside"], keys
        assert keys["frame"][3] <= keys["area"][3], keys


def test_the_keys_table_shows_names_whole_beside_its_eight_columns(measured) -> None:
    """The stretched Name column once got only what the key cards left: "Herat field ..."."""
    for keys in dialogs(measured, "keys"):
        shown, needed = keys["names"]
        assert shown >= needed, f"{keys['language']}: {keys['names']}"


@pytest.mark.parametrize("name", ["users", "keys"])
def test_tables_show_whole_rows(measured, name) -> None:
    for dialog in dialogs(measured, name):
        table = dialog["table"]
        where = f"{dialog['language']} {name}: {table}"
        assert table["rows"] >= 3, where
        # Every row it has room for is whole, and there is no room left for part of one.
        assert table["whole_rows"] >= min(table["rows"], 4), where
        assert table["partial_rows"] == 0, where
        assert table["viewport_height"] == table["whole_rows"] * table["row_height"], where


@pytest.mark.parametrize("name", ["recovery code shown", "wizard recovery code"])
def test_the_recovery_instructions_are_whole_and_in_sight(measured, name) -> None:
    for dialog in dialogs(measured, name):
        assert len(dialog["labels"]) == 2, dialog
        for label in dialog["labels"]:
            where = f"{dialog['language']} {name}: {label}"
            assert label["needed"] <= label["height"], where
            assert label["in_sight"], where
        assert dialog["code_in_sight"], dialog


# In the process with the small screen ----------------------------------------------------


def main(languages: list[str]) -> int:
    from PySide6.QtTest import QTest

    from intake_desktop.core import identity
    from intake_desktop.core.trust import TrustStore
    from intake_desktop.core.vault import Vault
    from intake_desktop.ui.access.add_user_dialog import AddUserDialog
    from intake_desktop.ui.access.change_passphrase_dialog import ChangePassphraseDialog
    from intake_desktop.ui.access.recovery_code_dialog import RecoveryCodeDialog
    from intake_desktop.ui.access.recovery_dialog import RecoveryDialog
    from intake_desktop.ui.access.users_dialog import UsersDialog
    from intake_desktop.ui.access.wizard import CreateVaultWizard
    from intake_desktop.ui.keys.keys_view import KeysDialog
    from intake_desktop.ui.keys.trust_add_dialog import TrustAddDialog
    from intake_desktop.ui.qt import QApplication, QSettings
    from intake_desktop.ui.services.session import VaultSession
    from intake_desktop.ui.widgets.fonts import load_bundled_fonts
    from intake_desktop.ui.widgets.language import InterfaceLanguage
    from tests.helpers import PASSPHRASE, make_vault

    app = QApplication([])
    load_bundled_fonts(app)
    interface = InterfaceLanguage(app)
    root = Path(tempfile.mkdtemp())
    settings = QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat)
    vault, _code = make_vault(root / "vault", user_name="Farida", name="Kabul field 1")
    for name, role in (("Nasrin", "translator"), ("Omid", "coordinator"), ("Tamana", "translator")):
        vault.add_user(name, role, "a passphrase of theirs")
    store = TrustStore(vault)
    for i, (device, recipient) in enumerate(
        (("Herat field laptop", "Counsel (Smith & Rahimi LLP)"), ("Kabul office", "Islamabad"))
    ):
        other, _ = make_vault(root / f"other-{i}")
        keys = identity.load(other.conn)
        other.close()
        store.add_device(device, keys.signing_key)
        store.add_recipient(recipient, keys.age_recipient, withheld_names=i == 0)
    vault.close()
    session = VaultSession(root / "vault", settings)
    measured: list[dict[str, Any]] = []

    def wait(done: Any) -> None:
        for _tick in range(6000):
            if done():
                return
            QTest.qWait(10)
        raise TimeoutError

    def measure(language: str, name: str, window: Any, more: Any = lambda _window: {}) -> None:
        """Show ``window``, let it settle, then keep its geometry and what ``more`` finds."""
        window.show()
        QTest.qWaitForWindowExposed(window)
        for _round in range(3):
            app.processEvents()
            QTest.qWait(5)
        measured.append({"language": language, "dialog": name, **geometry(window), **more(window)})

    for language in languages:
        interface.apply(language)
        session._opened(Vault.open(root / "vault", PASSPHRASE))
        keys_dialog = KeysDialog(session)
        measure(
            language,
            "keys",
            keys_dialog,
            lambda w: {
                "table": table_rows(w.table),
                # The Name column's width beside what its longest name needs.
                "names": [w.table.columnWidth(0), w.table.sizeHintForColumn(0)],
            },
        )
        keys_dialog.close()
        users = UsersDialog(session)
        measure(language, "users", users, lambda w: {"table": table_rows(w.table)})
        users.close()
        for name, make in (
            ("add user", lambda: AddUserDialog(session)),
            ("change passphrase", lambda: ChangePassphraseDialog(session)),
            ("trust a device", lambda: TrustAddDialog(session, "device")),
            ("trust a recipient", lambda: TrustAddDialog(session, "recipient")),
        ):
            dialog = make()
            measure(language, name, dialog)
            dialog.close()
        code_dialog = RecoveryCodeDialog(session)
        measure(language, "replace the recovery code", code_dialog)
        code_dialog.make_code()
        wait(lambda dialog=code_dialog: dialog.view.has_code and not dialog.is_busy)
        measure(
            language,
            "recovery code shown",
            code_dialog,
            lambda w: instructions(w.view),
        )
        code_dialog.view.confirm.setChecked(True)
        code_dialog.close()
        session.lock()

        recovery = RecoveryDialog(session)
        measure(language, "set a new passphrase", recovery)
        recovery.close()
        wizard = CreateVaultWizard(VaultSession(root / f"new-{language}", settings))
        wizard.show()
        wizard.next()
        wizard.details.vault_name.setText("Kabul field laptop 2")
        measure(language, "wizard details", wizard)
        wizard.details.user_name.setText("Nasrin")
        wizard.next()
        measure(language, "wizard passphrase", wizard)
        wizard.code_page.view.set_code("TJ0N-TXY3-8KQ2-M4DE-Z7WB-C5HF-R9A1")
        wizard.setStartId(wizard.pageIds()[-1])
        wizard.restart()
        measure(
            language,
            "wizard recovery code",
            wizard,
            lambda w: instructions(w.code_page.view),
        )
        wizard.code_page.view.confirm.setChecked(True)
        wizard.close()
    screen = app.primaryScreen().geometry()
    print(json.dumps({"screen": [screen.width(), screen.height()], "dialogs": measured}))
    return 0


def box(widget: Any, window: Any) -> Any:
    from intake_desktop.ui.qt import QRect

    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def visible_box(widget: Any, window: Any) -> Any:
    """What of ``widget`` is in sight: its box cut by every ancestor's (viewports too)."""
    seen = box(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        seen = seen.intersected(box(parent, window))
        parent = parent.parentWidget()
    return seen.intersected(window.rect())


def geometry(window: Any) -> dict[str, Any]:
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QWizard

    area = window.screen().availableGeometry()
    frame = window.frameGeometry()
    if isinstance(window, QWizard):
        buttons = [
            ("close", window.button(b))
            for b in (QWizard.WizardButton.NextButton, QWizard.WizardButton.CommitButton)
        ] + [("close", window.button(QWizard.WizardButton.FinishButton))]
    else:
        buttons = []
        for button_box in window.findChildren(QDialogButtonBox):
            for button in button_box.findChildren(QPushButton):
                role = button_box.buttonRole(button)
                name = "close" if role == QDialogButtonBox.ButtonRole.RejectRole else "action"
                buttons.append((name, button))
    found = []
    for role, button in buttons:
        if not button.isVisible():
            continue
        whole = box(button, window)
        found.append(
            {
                "role": role,
                "text": button.text(),
                "visible": button.isVisible(),
                "inside": visible_box(button, window) == whole,
            }
        )
    return {
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "area": [area.x(), area.y(), area.width(), area.height()],
        "inside_screen": area.contains(frame),
        "buttons": found,
    }


def table_rows(table: Any) -> dict[str, Any]:
    viewport = table.viewport().rect()
    whole = partial = 0
    for row in range(table.rowCount()):
        shown = table.visualRect(table.model().index(row, 0))
        cut = shown.intersected(viewport)
        if cut.height() == shown.height():
            whole += 1
        elif cut.height() > 0:
            partial += 1
    return {
        "rows": table.rowCount(),
        "whole_rows": whole,
        "partial_rows": partial,
        "row_height": table.rowHeight(0),
        "viewport_height": viewport.height(),
    }


def instructions(view: Any) -> dict[str, Any]:
    """The intro and the numbered steps of a recovery-code view, and the code itself."""
    from intake_desktop.ui.qt import QLabel

    window = view.window()
    labels = []
    for label in view.findChildren(QLabel):
        if label is view.code or not label.wordWrap() or not label.isVisible():
            continue
        labels.append(
            {
                "text": label.text()[:40],
                "height": label.height(),
                "needed": label.heightForWidth(label.width()),
                "in_sight": visible_box(label, window) == box(label, window),
            }
        )
    return {
        "labels": labels,
        "code_in_sight": visible_box(view.code, window) == box(view.code, window),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
