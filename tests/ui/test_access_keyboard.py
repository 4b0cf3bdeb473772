"""The access and keys dialogs by keyboard alone: Tab order, and why a button is off.

Every walk types into whatever has the focus after each Tab (as a person
does), so a field left out of the tab order, or one Tab turns back to, is
caught by what ends up where. Real vaults, real key slots; Argon2id runs at
its floor.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtTest import QTest

from intake_desktop.core import identity, user_keys
from intake_desktop.core.vault import Vault
from intake_desktop.ui.access.add_user_dialog import AddUserDialog
from intake_desktop.ui.access.change_passphrase_dialog import ChangePassphraseDialog
from intake_desktop.ui.access.recovery_dialog import RecoveryDialog
from intake_desktop.ui.access.wizard import CreateVaultWizard
from intake_desktop.ui.keys.trust_add_dialog import TrustAddDialog
from intake_desktop.ui.qt import Qt, QWidget, QWizard
from intake_desktop.ui.services.session import VaultSession
from tests.helpers import PASSPHRASE, make_vault

NEW = "tamana translates statements"
WAIT_MS = 60_000


@pytest.fixture
def host(qtbot: object) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    return widget


def shown(qtbot, dialog: QWidget, first: QWidget) -> QWidget:
    """``dialog`` on screen and active, the focus in ``first``."""
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    first.setFocus()
    qtbot.waitUntil(lambda: dialog.focusWidget() is first)
    return first


def focused(dialog: QWidget) -> QWidget:
    widget = dialog.focusWidget()
    assert widget is not None
    return widget


def key(dialog: QWidget, key: Qt.Key) -> QWidget:
    """Press ``key`` where the focus is; return where the focus is then."""
    QTest.keyClick(focused(dialog), key)
    return focused(dialog)


def press(dialog: QWidget, key: Qt.Key) -> None:
    """Press ``key`` where the focus is (the dialog may close on it)."""
    QTest.keyClick(focused(dialog), key)


def tab(dialog: QWidget) -> QWidget:
    return key(dialog, Qt.Key.Key_Tab)


def type_in(dialog: QWidget, text: str) -> None:
    """Type ``text`` into whatever has the focus."""
    QTest.keyClicks(focused(dialog), text)


# Adding a user (issue 14, defect 4)


def test_add_user_by_keyboard_alone_after_choosing_a_role_with_the_arrows(qtbot, host, session):
    dialog = AddUserDialog(session, host)
    shown(qtbot, dialog, dialog.name)
    type_in(dialog, "Tamana")
    assert tab(dialog) is dialog.roles.buttons["caseworker"]
    # Arrows move within the roles; Tab then leaves them forwards, whichever is checked.
    assert key(dialog, Qt.Key.Key_Down) is dialog.roles.buttons["translator"]
    assert dialog.roles.role() == "translator"
    assert tab(dialog) is dialog.entry.first
    type_in(dialog, NEW)
    assert tab(dialog) is dialog.entry.second
    type_in(dialog, NEW)
    assert dialog.entry.second.text() == NEW and dialog.add.isEnabled()
    assert tab(dialog) is dialog.add
    assert tab(dialog) is dialog.cancel
    assert tab(dialog) is dialog.name  # round again, never back into the middle

    dialog.entry.second.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        press(dialog, Qt.Key.Key_Return)
    with Vault.open(session.path, NEW) as added:
        assert (added.user.name, added.user.role) == ("Tamana", "translator")


@pytest.mark.parametrize("role", ["caseworker", "translator", "coordinator"])
def test_tab_from_any_role_goes_on_to_the_passphrase(qtbot, host, session, role):
    dialog = AddUserDialog(session, host)
    button = dialog.roles.buttons[role]
    button.setChecked(True)
    shown(qtbot, dialog, button)
    assert tab(dialog) is dialog.entry.first
    assert key(dialog, Qt.Key.Key_Backtab) is button


def test_add_user_says_why_it_is_off(qtbot, host, session):
    dialog = AddUserDialog(session, host)
    shown(qtbot, dialog, dialog.name)
    assert not dialog.add.isEnabled()
    assert dialog.reason.text() == "Type the new user's name."
    type_in(dialog, "Tamana")
    assert dialog.reason.text() == "Type a passphrase in “Their passphrase”."
    dialog.entry.first.setFocus()
    type_in(dialog, NEW)
    # The case reported: one passphrase typed, "Repeat it" still empty.
    assert not dialog.add.isEnabled()
    assert dialog.reason.text() == "Type the same passphrase again in “Repeat it”."
    assert dialog.reason.isVisible()
    assert dialog.add.accessibleDescription() == dialog.reason.text()
    dialog.entry.second.setFocus()
    type_in(dialog, NEW)
    assert dialog.add.isEnabled() and dialog.reason.text() == ""
    assert dialog.add.accessibleDescription() == ""


# Changing my passphrase


def test_change_passphrase_by_keyboard_alone(qtbot, host, session):
    assert session.vault is not None
    own_key = user_keys.signer(session.vault)[1]["user_key"]
    dialog = ChangePassphraseDialog(session, host)
    shown(qtbot, dialog, dialog.current)
    assert dialog.reason.text() == "Type your passphrase as it is now in “Current passphrase”."
    type_in(dialog, PASSPHRASE)
    assert tab(dialog) is dialog.entry.first
    assert dialog.reason.text() == "Type a passphrase in “New passphrase”."
    type_in(dialog, NEW)
    assert tab(dialog) is dialog.entry.second
    assert "Repeat it" in dialog.reason.text() and not dialog.ok.isEnabled()
    type_in(dialog, NEW)
    assert dialog.ok.isEnabled()
    assert tab(dialog) is dialog.ok
    assert tab(dialog) is dialog.cancel
    dialog.entry.second.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        press(dialog, Qt.Key.Key_Return)
    Vault.open(session.path, NEW).close()
    # The session signs on with the same key of its own, now under the new passphrase.
    assert user_keys.signer(session.vault)[1]["user_key"] == own_key
    assert [k.retired_at for k in user_keys.keys(session.vault)] == [None]


# The recovery code (issue 14, defect 13: the user is chosen from a list)


@pytest.fixture
def shared_vault(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """farida and tamana use the vault; the recovery code is on paper."""
    path = tmp_path / "shared"
    vault, code = make_vault(path)
    vault.add_user("tamana", "translator", "tamana's old passphrase")
    vault.close()
    yield path, code


def test_the_recovery_dialog_offers_the_vaults_users(qtbot, host, shared_vault, settings):
    path, code = shared_vault
    session = VaultSession(path, settings)
    dialog = RecoveryDialog(session, host)
    shown(qtbot, dialog, dialog.code)
    assert dialog.users() == []  # nothing to offer before the code opens the vault
    assert dialog.reason.text() == "Type the recovery code from the paper."
    type_in(dialog, code.lower())
    qtbot.waitUntil(lambda: dialog.users() == ["farida", "tamana"], timeout=WAIT_MS)
    assert dialog.user.currentIndex() == -1  # several people: nobody is chosen for them
    assert tab(dialog) is dialog.user
    assert dialog.reason.text() == "Choose whose passphrase to set."
    key(dialog, Qt.Key.Key_Down)
    key(dialog, Qt.Key.Key_Down)
    assert dialog.user.currentText() == "tamana"
    assert tab(dialog) is dialog.entry.first
    type_in(dialog, NEW)
    assert tab(dialog) is dialog.entry.second
    type_in(dialog, NEW)
    assert dialog.ok.isEnabled()
    assert tab(dialog) is dialog.ok
    dialog.entry.second.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        press(dialog, Qt.Key.Key_Return)
    assert dialog.done_for == "tamana"
    with Vault.open(path, NEW) as reopened:
        assert reopened.user.name == "tamana"
    with Vault.open(path, PASSPHRASE) as farida:  # farida's own passphrase untouched
        assert farida.user.name == "farida"


def test_one_user_is_chosen_and_a_wrong_code_lists_nobody(qtbot, host, tmp_path, settings):
    path = tmp_path / "alone"
    vault, code = make_vault(path)
    vault.close()
    other_code = make_vault(tmp_path / "other", name="other")[1]  # another recovery code
    dialog = RecoveryDialog(VaultSession(path, settings), host)
    shown(qtbot, dialog, dialog.code)
    type_in(dialog, other_code)  # a real code, of another vault
    qtbot.waitUntil(lambda: "Wrong recovery code" in dialog.message.text(), timeout=WAIT_MS)
    assert dialog.users() == []
    dialog.code.setText(code)
    qtbot.waitUntil(lambda: dialog.users() == ["farida"], timeout=WAIT_MS)
    assert dialog.user.currentText() == "farida" and dialog.message.text() == ""
    dialog.code.setText(code[:-1])  # a typo: the list goes with the code it came from
    assert dialog.users() == []


# The first-run wizard


def test_the_wizard_by_keyboard_alone(qtbot, host, tmp_path, settings):
    session = VaultSession(tmp_path / "new", settings)
    wizard = CreateVaultWizard(session, host, kdf_target_seconds=0)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    wizard.next()
    details = wizard.details
    shown(qtbot, wizard, details.vault_name)
    assert details.reason.text() == "Type a name for this vault."
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    type_in(wizard, "Kabul field laptop 2")
    assert tab(wizard) is details.user_name
    assert details.reason.text() == "Type your name."
    type_in(wizard, "Nasrin")
    assert details.reason.text() == ""
    assert tab(wizard) is details.roles.buttons["caseworker"]
    key(wizard, Qt.Key.Key_Down)
    assert details.role() == "translator"
    details.user_name.setFocus()
    key(wizard, Qt.Key.Key_Return)  # Next
    assert wizard.currentPage() is wizard.passphrase
    entry = wizard.passphrase.entry
    qtbot.waitUntil(lambda: wizard.focusWidget() is entry.first)
    assert "Passphrase" in wizard.passphrase.reason.text()
    type_in(wizard, NEW)
    assert tab(wizard) is entry.second
    assert "Repeat it" in wizard.passphrase.reason.text()
    type_in(wizard, NEW)
    assert wizard.passphrase.reason.text() == ""
    with qtbot.waitSignal(session.unlocked, timeout=WAIT_MS):
        press(wizard, Qt.Key.Key_Return)  # Create vault
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.code_page, timeout=WAIT_MS)
    assert session.vault is not None and session.vault.user.role == "translator"
    wizard.code_page.view.confirm.setChecked(True)
    wizard.accept()
    session.lock()


# Trusting a key


def test_trusting_a_key_says_what_is_missing(qtbot, host, session, tmp_path):
    other, _code = make_vault(tmp_path / "other")
    key_text = identity.load(other.conn).signing_key
    other.close()
    dialog = TrustAddDialog(session, "device", host)
    shown(qtbot, dialog, dialog.name)
    assert dialog.reason.text() == "Type a name in “Name”."
    type_in(dialog, "Herat field laptop")
    assert dialog.reason.text() == "Paste the public key in “Signing key”."
    assert tab(dialog) is dialog.key
    dialog.key.setPlainText(key_text)
    assert "tick the box" in dialog.reason.text() and not dialog.add.isEnabled()
    assert tab(dialog) is dialog.compared  # the fingerprint is read, not a Tab stop
    key(dialog, Qt.Key.Key_Space)
    assert dialog.add.isEnabled() and dialog.reason.text() == ""
    assert tab(dialog) is dialog.add
    with qtbot.waitSignal(dialog.accepted):
        press(dialog, Qt.Key.Key_Space)
    keys = session.keys
    assert keys is not None and [e.name for e in keys.trusted()] == ["Herat field laptop"]
