"""Screenshots of getting in and managing the vault (take.py): the first-run wizard,
the lock screen and a forgotten passphrase, Keys and Users with their dialogs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shots_world import PASSPHRASE, World

from intake_desktop.ui.qt import QSettings
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow


@dataclass
class Laptop:
    """A main window on a vault, as the app shows it on a 1366x768 screen (maximised)."""

    session: VaultSession
    window: MainWindow

    @classmethod
    def start(cls, camera: Any, vault: Path, settings_file: Path) -> Laptop:
        settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
        session = VaultSession(vault, settings)
        window = MainWindow(session)
        window.show_fitted()  # as the app starts: maximised on a small screen
        camera.wait(window.isVisible, "the main window")
        return cls(session, window)

    def unlock(self, camera: Any, passphrase: str) -> None:
        """Type the passphrase on the lock screen and press Unlock."""
        screen = self.window.unlock_screen
        screen.passphrase.setText(passphrase)
        screen.button.click()
        camera.wait(lambda: self.session.cases is not None, "unlocking")

    def lock(self, camera: Any) -> None:
        self.window.lock_action.trigger()
        camera.wait(lambda: self.session.cases is None, "locking")

    def close(self) -> None:
        self.window.close()  # saves, locks
        self.window.deleteLater()


def first_run(camera: Any, world: World) -> None:
    """A laptop with no vault: the main window opens the wizard over the lock screen."""
    laptop = Laptop.start(camera, world.root / "new-laptop", world.root / "new.ini")
    window = laptop.window
    wizard = camera.modal("the first-run wizard")
    camera.shoot("wizard-welcome", window, wizard)
    wizard.next()
    wizard.details.vault_name.setText("Kabul field laptop 2")
    wizard.details.user_name.setText("Farida")
    camera.shoot("wizard-details", window, wizard)
    wizard.next()
    wizard.passphrase.entry.first.setText("river lantern seventy orchard")
    wizard.passphrase.entry.second.setText("river lantern seventy orchard")
    camera.shoot("wizard-passphrase", window, wizard)
    wizard.next()  # Argon2id runs on a pool thread, about a second
    camera.wait(lambda: wizard.currentPage() is wizard.code_page, "the recovery code")
    camera.shoot("wizard-recovery-code", window, wizard)
    wizard.code_page.view.confirm.setChecked(True)
    wizard.accept()
    laptop.session.lock()
    laptop.close()


def field_laptop(camera: Any, world: World) -> Laptop:
    """The field laptop's lock screen, a forgotten passphrase; then Farida unlocks."""
    laptop = Laptop.start(camera, world.field, world.root / "field.ini")
    window = laptop.window
    camera.shoot("lock-screen", window)
    dialog = camera.opened(window.unlock_screen.forgot.click, "the recovery dialog")
    dialog.code.setText(world.field_code)  # from the paper
    camera.wait(lambda: dialog.user.count() > 1, "the users the recovery code lists")
    dialog.user.setCurrentIndex(dialog.user.findText("Farida"))
    dialog.entry.first.setText("mountain kettle ninety willow")
    dialog.entry.second.setText("mountain kettle ninety willow")
    camera.shoot("recovery-dialog", window, dialog)
    dialog.reject()
    laptop.unlock(camera, PASSPHRASE)
    return laptop


def managing(camera: Any, laptop: Laptop, world: World) -> None:
    """Keys and Users, and the dialogs they open, as Farida (a caseworker) sees them."""
    window = laptop.window
    keys = camera.opened(window.keys_action.trigger, "Keys")
    camera.shoot("keys", window, keys)
    trust = camera.opened(keys.add_device.click, "Trust a device")
    trust.name.setText("Islamabad office")
    trust.key.setPlainText(world.office_signing_key)  # pasted from the office's Keys
    camera.wait(lambda: trust.compared.isEnabled(), "the key's fingerprint")
    trust.compared.setChecked(True)
    camera.shoot("keys-trust-device", window, keys, trust)
    trust.reject()
    keys.reject()

    users = camera.opened(window.users_action.trigger, "Users")
    camera.shoot("users", window, users)
    add = camera.opened(users.add.click, "Add a user")
    add.name.setText("Palwasha")
    add.roles.set_role("translator")
    add.entry.first.setText("quiet harbour lemon tram")
    add.entry.second.setText("quiet harbour lemon tram")
    camera.shoot("users-add", window, users, add)
    add.reject()
    change = camera.opened(users.change.click, "Change my passphrase")
    change.current.setText(PASSPHRASE)
    change.entry.first.setText("copper meadow violin dusk")
    change.entry.second.setText("copper meadow violin dusk")
    camera.shoot("users-change-passphrase", window, users, change)
    change.reject()
    code = camera.opened(users.replace_code.click, "Replace the recovery code")
    camera.shoot("users-recovery-code", window, users, code)
    code.replace.click()
    camera.wait(lambda: code.view.isVisible() and code.view.has_code, "the new recovery code")
    camera.shoot("users-recovery-code-new", window, users, code)
    code.view.confirm.setChecked(True)
    code.close_button.click()
    users.reject()
    camera.settle()
