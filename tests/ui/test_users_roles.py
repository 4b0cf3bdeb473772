"""The Users and Keys dialogs by role, and beside the command line (docs/roles.md).

A translator sees why the managing buttons are off (tooltip and a line of
text); a refusal the core still makes (the vault changed elsewhere) is shown
in the dialog; and the app's own key-slot changes never start from the copy
of the slots it read at unlock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from intake_desktop.core import identity, user_keys
from intake_desktop.core.errors import WrongPassphrase
from intake_desktop.core.fingerprint import signing_key_fingerprint
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import HEADER_NAME, Vault
from intake_desktop.ui.access.users_dialog import UsersDialog
from intake_desktop.ui.keys.keys_view import KeysDialog
from intake_desktop.ui.qt import QMessageBox, QSettings, QWidget
from intake_desktop.ui.services.session import VaultSession
from tests.helpers import PASSPHRASE, make_vault

COORDINATOR_PASSPHRASE = "nasrin coordinates the office"
TRANSLATOR_PASSPHRASE = "tamana translates statements"
NEW_PASSPHRASE = "tiger lamp orbit velvet"
WAIT_MS = 60_000


@pytest.fixture
def host(qtbot: object) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    return widget


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """farida (caseworker), tamana (translator), one trusted device."""
    vault, _code = make_vault(tmp_path / "vault")
    vault.add_user("tamana", "translator", TRANSLATOR_PASSPHRASE)
    other, _ = make_vault(tmp_path / "other")
    TrustStore(vault).add_device("Kabul office", identity.load(other.conn).signing_key)
    other.close()
    vault.close()
    return tmp_path / "vault"


@pytest.fixture
def open_as(qapp: object, tmp_path: Path, office: Path) -> Iterator[Callable[[str], VaultSession]]:
    sessions: list[VaultSession] = []

    def unlock(passphrase: str) -> VaultSession:
        settings = QSettings(str(tmp_path / f"{len(sessions)}.ini"), QSettings.Format.IniFormat)
        live = VaultSession(office, settings)
        live._opened(Vault.open(office, passphrase))
        sessions.append(live)
        return live

    yield unlock
    for live in sessions:
        live.lock()


def row_of(dialog: UsersDialog, name: str) -> int:
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    return names.index(name)


def test_a_translator_sees_why_users_cannot_be_managed(qtbot, host, open_as) -> None:
    dialog = UsersDialog(open_as(TRANSLATOR_PASSPHRASE), host)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.role_note.isVisible()
    assert "As a translator you can change only your own passphrase" in dialog.role_note.text()
    dialog.table.selectRow(row_of(dialog, "farida"))
    for button in (dialog.add, dialog.remove, dialog.replace_code):
        assert not button.isEnabled()
        assert button.toolTip() == "Only a caseworker or a coordinator can do this."
    assert dialog.change.isEnabled()


def test_a_caseworker_may_not_remove_the_last_manager(qtbot, host, open_as, office) -> None:
    with Vault.open(office, PASSPHRASE) as farida:
        farida.add_user("nasrin", "coordinator", COORDINATOR_PASSPHRASE)
    dialog = UsersDialog(open_as(COORDINATOR_PASSPHRASE), host)
    dialog.show()
    assert not dialog.role_note.isVisible()
    assert dialog.add.isEnabled() and dialog.replace_code.isEnabled()
    dialog.table.selectRow(row_of(dialog, "farida"))
    assert dialog.remove.isEnabled()  # nasrin stays to manage
    confirm_removal(dialog)
    assert dialog.table.rowCount() == 2
    dialog.table.selectRow(row_of(dialog, "tamana"))
    assert dialog.remove.isEnabled()
    dialog.table.selectRow(row_of(dialog, "nasrin"))
    assert (
        not dialog.remove.isEnabled() and dialog.remove.toolTip() == "You cannot remove yourself."
    )


def confirm_removal(dialog: UsersDialog) -> None:
    dialog.remove.click()
    [remove] = [
        b
        for b in dialog.confirmation.buttons()
        if dialog.confirmation.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    ]
    remove.click()


def test_a_refusal_from_the_core_is_shown_in_the_users_dialog(qtbot, host, open_as, office):
    with Vault.open(office, PASSPHRASE) as farida:
        farida.add_user("nasrin", "coordinator", COORDINATOR_PASSPHRASE)
    dialog = UsersDialog(open_as(COORDINATOR_PASSPHRASE), host)
    dialog.show()
    dialog.table.selectRow(row_of(dialog, "tamana"))
    assert dialog.remove.isEnabled()
    # Meanwhile, from the command line, farida removes nasrin (the app's user).
    with Vault.open(office, PASSPHRASE) as farida:
        farida.remove_user("nasrin")
    before = (office / HEADER_NAME).read_bytes()
    confirm_removal(dialog)
    assert "You were removed from this vault's users elsewhere" in dialog.message.text()
    assert (office / HEADER_NAME).read_bytes() == before
    assert dialog.table.rowCount() == 2  # the list now shows the vault as it is


def test_a_refusal_from_the_core_is_shown_in_the_add_dialog(qtbot, host, open_as, office):
    with Vault.open(office, PASSPHRASE) as farida:
        farida.add_user("nasrin", "coordinator", COORDINATOR_PASSPHRASE)
    session = open_as(COORDINATOR_PASSPHRASE)
    dialog = UsersDialog(session, host)
    dialog.show()
    with Vault.open(office, PASSPHRASE) as farida:
        farida.remove_user("nasrin")  # from the command line, while the app is open
    before = (office / HEADER_NAME).read_bytes()
    dialog.add.click()
    add = dialog.add_dialog
    qtbot.keyClicks(add.name, "Omid")
    add.roles.buttons["caseworker"].click()
    qtbot.keyClicks(add.entry.first, NEW_PASSPHRASE)
    qtbot.keyClicks(add.entry.second, NEW_PASSPHRASE)
    add.add.click()
    qtbot.waitUntil(lambda: "removed" in add.message.text(), timeout=WAIT_MS)
    assert add.isVisible() and not add.is_busy
    assert (office / HEADER_NAME).read_bytes() == before


def test_my_passphrase_changed_from_the_command_line_is_what_the_app_checks(
    qtbot, host, open_as, office
) -> None:
    session = open_as(PASSPHRASE)
    with Vault.open(office, PASSPHRASE) as cli:
        cli.change_passphrase(COORDINATOR_PASSPHRASE)
    dialog = UsersDialog(session, host)
    dialog.show()
    dialog.change.click()
    change = dialog.passphrase_dialog
    qtbot.keyClicks(change.current, PASSPHRASE)  # replaced: no longer "current"
    qtbot.keyClicks(change.entry.first, NEW_PASSPHRASE)
    qtbot.keyClicks(change.entry.second, NEW_PASSPHRASE)
    change.ok.click()
    qtbot.waitUntil(lambda: "wrong" in change.message.text(), timeout=WAIT_MS)
    session.throttle.succeeded()  # the pause is tested elsewhere
    with pytest.raises(WrongPassphrase):
        Vault.open(office, PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        Vault.open(office, NEW_PASSPHRASE)
    qtbot.keyClicks(change.current, COORDINATOR_PASSPHRASE)
    with qtbot.waitSignal(change.accepted, timeout=WAIT_MS):
        change.ok.click()
    Vault.open(office, NEW_PASSPHRASE).close()


def test_a_translator_sees_why_keys_cannot_be_trusted(qtbot, host, open_as) -> None:
    dialog = KeysDialog(open_as(TRANSLATOR_PASSPHRASE), host)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.role_note.isVisible()
    dialog.table.selectRow(0)
    for button in (dialog.add_device, dialog.add_recipient, dialog.remove):
        assert not button.isEnabled()
        assert button.toolTip() == "Only a caseworker or a coordinator can do this."


def test_a_caseworker_may_trust_and_remove_keys(qtbot, host, open_as) -> None:
    dialog = KeysDialog(open_as(PASSPHRASE), host)
    dialog.show()
    assert not dialog.role_note.isVisible()
    assert dialog.add_device.isEnabled() and dialog.add_recipient.isEnabled()
    dialog.table.selectRow(0)
    assert dialog.remove.isEnabled()


def test_each_users_own_signing_key_is_listed_once_made(qtbot, host, open_as) -> None:
    """A translator reads the fingerprint to give counsel off the Users screen."""
    session = open_as(TRANSLATOR_PASSPHRASE)
    assert session.vault is not None
    own = user_keys.signer(session.vault)[1]["user_key"]  # as at a first certification
    dialog = UsersDialog(session, host)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.table.horizontalHeaderItem(3).text() == "Own signing key"
    keys = {
        dialog.table.item(r, 0).text(): dialog.table.item(r, 3).text()
        for r in range(dialog.table.rowCount())
    }
    assert keys == {"tamana": signing_key_fingerprint(own), "farida": "—"}
