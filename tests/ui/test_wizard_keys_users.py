"""The first-run wizard, the keys dialog and the users dialog, on real vaults.

Everything waits on signals or conditions (qtbot.waitSignal / waitUntil),
never on sleeps; Argon2id runs at its floor (kdf_target_seconds=0).
"""

from __future__ import annotations

import ctypes
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno

from intake_desktop.core import identity
from intake_desktop.core.errors import WrongPassphrase
from intake_desktop.core.fingerprint import recipient_fingerprint, signing_key_fingerprint
from intake_desktop.core.keyslots import normalise_recovery_code
from intake_desktop.core.passphrase_strength import estimate
from intake_desktop.core.trust import DEVICE, RECIPIENT, TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.access.users_dialog import UsersDialog
from intake_desktop.ui.access.wizard import CreateVaultWizard
from intake_desktop.ui.keys.keys_view import KeysDialog
from intake_desktop.ui.keys.qr_code import MODULE_PX, QUIET_ZONE
from intake_desktop.ui.qt import (
    QCheckBox,
    QColor,
    QGuiApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
    QWizard,
)
from intake_desktop.ui.services.session import VaultSession
from tests.helpers import PASSPHRASE, REPO, make_vault


def _keep_singletons_alive() -> None:
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None on every call of a
    method returning void (and to True on every Python-side emit); after a few
    thousand calls CPython frees None and aborts. From 3.12 on they are immortal;
    here they are made practically so for the test process (the same guard as
    test_case_editor.py, so this module also runs alone)."""
    if sys.version_info < (3, 12):
        for obj in (None, True, False):
            ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


_keep_singletons_alive()

NEW_PASSPHRASE = "tiger lamp orbit velvet"
TRANSLATOR_PASSPHRASE = "mint river cloud lantern"
WAIT_MS = 60_000  # Argon2id at its floor takes ~0.3 s; a loaded CI machine gets slack


@pytest.fixture
def host(qtbot: object) -> QWidget:
    """A parent for dialogs that delete themselves on close (qtbot closes the parent)."""
    widget = QWidget()
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    return widget


@pytest.fixture
def other_keys(tmp_path: Path) -> Iterator[identity.Identity]:
    """Another vault's real keys (a second laptop)."""
    other, _code = make_vault(tmp_path / "other-laptop")
    keys = identity.load(other.conn)
    other.close()
    yield keys


def widget_texts(root: QWidget) -> list[str]:
    """Every text a person could see or select in ``root`` and its children."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel | QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        texts.append(widget.windowTitle())
        texts.append(widget.toolTip())
    return texts


def module_is_dark(image: object, x: int, y: int) -> bool:
    centre = QColor(image.pixel(x * MODULE_PX + MODULE_PX // 2, y * MODULE_PX + MODULE_PX // 2))  # type: ignore[attr-defined]
    return centre.lightness() < 128


# The wizard


def fill_wizard_to_passphrase(qtbot, wizard: CreateVaultWizard) -> None:
    assert wizard.currentPage() is wizard.welcome
    wizard.next()
    assert wizard.currentPage() is wizard.details
    qtbot.keyClicks(wizard.details.vault_name, "Kabul field laptop 2")
    qtbot.keyClicks(wizard.details.user_name, "Nasrin")
    wizard.details.roles.buttons["translator"].click()
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase


def test_wizard_creates_the_vault_and_shows_the_code_once(qtbot, host, tmp_path, settings, caplog):
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "new-vault"
    session = VaultSession(path, settings)
    wizard = CreateVaultWizard(session, host, kdf_target_seconds=0)
    wizard.show()
    fill_wizard_to_passphrase(qtbot, wizard)
    entry = wizard.passphrase.entry
    assert entry.first.echoMode() == QLineEdit.EchoMode.Password
    assert entry.second.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(entry.first, NEW_PASSPHRASE)
    qtbot.keyClicks(entry.second, NEW_PASSPHRASE)

    with qtbot.waitSignal(session.unlocked, timeout=WAIT_MS):
        wizard.next()  # "Create vault": Argon2id on a pool thread
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.code_page, timeout=WAIT_MS)

    finish = wizard.button(QWizard.WizardButton.FinishButton)
    view = wizard.code_page.view
    code = view.shown_code()
    assert normalise_recovery_code(code) is not None
    assert not finish.isEnabled()
    assert entry.first.text() == "" and entry.second.text() == ""  # passphrase gone
    assert code.replace("  ", "-").replace("\n", "-") not in QGuiApplication.clipboard().text()

    # Closing before the code is written down is refused (and says why).
    wizard.reject()
    assert wizard.isVisible()
    warning = wizard.findChild(QMessageBox)
    assert warning is not None and warning.isVisible()
    warning.close()

    view.confirm.click()
    assert finish.isEnabled()
    assert session.is_unlocked and session.vault is not None
    assert (session.vault.user.name, session.vault.user.role) == ("Nasrin", "translator")
    assert session.vault.name == "Kabul field laptop 2"
    finish.click()
    assert view.shown_code() == ""  # cleared as the wizard closes

    with Vault.open(path, NEW_PASSPHRASE) as fresh:
        assert fresh.user.name == "Nasrin"
    with Vault.open_with_recovery(path, code) as recovered:
        assert recovered.vault_id == session.vault.vault_id
    compact = code.replace(" ", "").replace("\n", "")
    assert NEW_PASSPHRASE not in caplog.text and compact not in caplog.text.replace("-", "")
    session.lock()


def test_wizard_refuses_short_and_mismatched_passphrases(qtbot, host, tmp_path, settings):
    session = VaultSession(tmp_path / "new-vault", settings)
    wizard = CreateVaultWizard(session, host, kdf_target_seconds=0)
    wizard.show()
    fill_wizard_to_passphrase(qtbot, wizard)
    entry = wizard.passphrase.entry

    qtbot.keyClicks(entry.first, "short1")
    qtbot.keyClicks(entry.second, "short1")
    assert "Too short" in entry.advice.text()
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase
    assert "at least 8 characters" in entry.error_text

    entry.first.setText(NEW_PASSPHRASE)
    entry.second.setText(NEW_PASSPHRASE + "x")
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase
    assert "not the same" in entry.error_text
    assert not session.exists() and not (tmp_path / "new-vault").exists()


def test_wizard_refuses_the_reserved_user_name(qtbot, host, tmp_path, settings):
    wizard = CreateVaultWizard(VaultSession(tmp_path / "v", settings), host, kdf_target_seconds=0)
    wizard.show()
    wizard.next()
    qtbot.keyClicks(wizard.details.vault_name, "Field laptop")
    qtbot.keyClicks(wizard.details.user_name, "recovery")
    wizard.next()
    assert wizard.currentPage() is wizard.details
    assert "reserved" in wizard.details.message.text()


def test_strength_estimate_is_honest():
    assert estimate("password").level == 0
    assert estimate("P@ssw0rd1!").level == 0
    assert estimate("Kabul2024").level == 0
    assert estimate("tiger lamp orbit velvet").level >= 3
    assert estimate("h8Tq!mZ3vR9w").level == 4
    assert not estimate("short").long_enough
    named = estimate("nasrin-lantern-77", ["Nasrin"])
    assert any("your name" in warning for warning in named.warnings)


# Keys


def test_keys_dialog_shows_this_vaults_keys_and_a_matching_qr(qtbot, host, session):
    own = identity.load(session.vault.conn)
    dialog = KeysDialog(session, host)
    dialog.show()
    cards = (
        (dialog.recipient_card, own.age_recipient, recipient_fingerprint(own.age_recipient)),
        (dialog.signing_card, own.signing_key, signing_key_fingerprint(own.signing_key)),
    )
    for card, key, fingerprint in cards:
        assert card.key_text.text() == key
        assert card.fingerprint.text().replace("\n", "-") == fingerprint  # two lines to read
        image = card.qr.pixmap().toImage()
        expected = [
            [bool(dark) for dark in row]
            for row in segno.make_qr(key, error="m").matrix_iter(scale=1, border=QUIET_ZONE)
        ]
        assert image.width() == image.height() == len(expected) * MODULE_PX
        drawn = [
            [module_is_dark(image, x, y) for x in range(len(expected))]
            for y in range(len(expected))
        ]
        assert drawn == expected
        card.copy.click()
        assert QGuiApplication.clipboard().text() == key


def test_adding_a_device_needs_the_fingerprint_tick(qtbot, host, session, other_keys, tmp_path):
    dialog = KeysDialog(session, host)
    dialog.show()
    dialog.add_device.click()
    add = dialog.add_dialog
    qtbot.keyClicks(add.name, "Herat field laptop")
    QGuiApplication.clipboard().setText(other_keys.signing_key)
    add.key.paste()
    assert add.fingerprint.text() == signing_key_fingerprint(other_keys.signing_key)
    assert add.compared.isEnabled() and not add.add.isEnabled()
    add.add.click()  # disabled: nothing happens
    assert TrustStore(session.vault).entries() == []

    add.compared.click()
    assert add.add.isEnabled()
    # A different key after the tick: the comparison no longer counts.
    third, _code = make_vault(tmp_path / "third-laptop")
    third_key = identity.load(third.conn).signing_key
    third.close()
    add.key.setPlainText(third_key)
    assert not add.compared.isChecked() and not add.add.isEnabled()
    add.key.setPlainText(other_keys.signing_key)
    add.compared.click()
    with qtbot.waitSignal(add.accepted):
        add.add.click()

    assert dialog.table.rowCount() == 1
    row = [dialog.table.item(0, column).text() for column in range(3)]
    assert row == [
        "Herat field laptop",
        "Device (signing key)",
        signing_key_fingerprint(other_keys.signing_key),
    ]
    [entry] = TrustStore(session.vault).entries()
    assert (entry.name, entry.kind, entry.key) == (
        "Herat field laptop",
        DEVICE,
        other_keys.signing_key,
    )


@pytest.mark.parametrize("kind", [RECIPIENT, DEVICE])
def test_a_pasted_secret_key_is_refused_and_shown_nowhere(qtbot, host, session, other_keys, kind):
    dialog = KeysDialog(session, host)
    dialog.show()
    (dialog.add_recipient if kind == RECIPIENT else dialog.add_device).click()
    add = dialog.add_dialog
    for secret in (other_keys.age_secret, other_keys.signing_secret):
        QGuiApplication.clipboard().setText(secret)
        add.key.paste()
        assert add.key.toPlainText() == ""
        assert "secret key" in add.message.text()
        assert add.fingerprint.text() == "" and not add.add.isEnabled()
        add.key.undo()  # no undo history to bring it back
        assert add.key.toPlainText() == ""
        assert secret not in QGuiApplication.clipboard().text()
        # Pasted into the name field instead:
        QGuiApplication.clipboard().setText(secret)
        add.name.paste()
        assert add.name.text() == ""
        add.name.undo()
        assert add.name.text() == ""
        for text in widget_texts(dialog) + widget_texts(add):
            assert secret not in text and "AGE-SECRET-KEY" not in text.upper()
    assert TrustStore(session.vault).entries() == []


def test_removing_a_trusted_key_asks_first(qtbot, host, session, other_keys):
    TrustStore(session.vault).add_recipient("Coordinator", other_keys.age_recipient)
    dialog = KeysDialog(session, host)
    dialog.show()
    assert dialog.table.rowCount() == 1
    dialog.table.selectRow(0)
    dialog.remove.click()
    dialog.confirmation.button(QMessageBox.StandardButton.Cancel).click()
    assert len(TrustStore(session.vault).entries()) == 1

    dialog.remove.click()
    [stop] = [
        b
        for b in dialog.confirmation.buttons()
        if dialog.confirmation.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    ]
    stop.click()
    assert TrustStore(session.vault).entries() == []
    assert dialog.table.rowCount() == 0


def test_dialogs_close_when_the_vault_locks(qtbot, host, session):
    keys = KeysDialog(session, host)
    users = UsersDialog(session, host)
    keys.show()
    users.show()
    session.lock()
    assert not keys.isVisible() and not users.isVisible()


# Users


def add_user_through_dialog(qtbot, dialog: UsersDialog, name: str, role: str, passphrase: str):
    dialog.add.click()
    add = dialog.add_dialog
    qtbot.keyClicks(add.name, name)
    add.roles.buttons[role].click()
    qtbot.keyClicks(add.entry.first, passphrase)
    qtbot.keyClicks(add.entry.second, passphrase)
    with qtbot.waitSignal(add.accepted, timeout=WAIT_MS):
        add.add.click()


def test_adding_a_translator_then_changing_my_passphrase(qtbot, host, session):
    dialog = UsersDialog(session, host)
    dialog.show()
    add_user_through_dialog(qtbot, dialog, "Nasrin", "translator", TRANSLATOR_PASSPHRASE)
    assert dialog.table.rowCount() == 2
    with Vault.open(session.path, TRANSLATOR_PASSPHRASE) as translator:
        assert (translator.user.name, translator.user.role) == ("Nasrin", "translator")

    # Changing my passphrase afterwards must keep Nasrin's slot (the header is shared).
    dialog.change.click()
    change = dialog.passphrase_dialog
    qtbot.keyClicks(change.current, "not my passphrase")
    qtbot.keyClicks(change.entry.first, NEW_PASSPHRASE)
    qtbot.keyClicks(change.entry.second, NEW_PASSPHRASE)
    change.ok.click()
    qtbot.waitUntil(lambda: "wrong" in change.message.text(), timeout=WAIT_MS)
    assert change.current.text() == "" and session.throttle.failures == 1
    session.throttle.succeeded()  # the pause is tested in core; do not wait for it here

    qtbot.keyClicks(change.current, PASSPHRASE)
    with qtbot.waitSignal(change.accepted, timeout=WAIT_MS):
        change.ok.click()
    with Vault.open(session.path, NEW_PASSPHRASE) as me:
        assert me.user.name == "farida"
    with pytest.raises(WrongPassphrase):
        Vault.open(session.path, PASSPHRASE)
    with Vault.open(session.path, TRANSLATOR_PASSPHRASE) as translator:
        assert translator.user.name == "Nasrin"


def test_a_short_new_passphrase_is_refused(qtbot, host, session):
    dialog = UsersDialog(session, host)
    dialog.show()
    dialog.change.click()
    change = dialog.passphrase_dialog
    qtbot.keyClicks(change.current, PASSPHRASE)
    qtbot.keyClicks(change.entry.first, "short")
    qtbot.keyClicks(change.entry.second, "short")
    change.ok.click()
    assert not change.is_busy
    assert "at least 8 characters" in change.entry.error_text


def test_removing_a_user(qtbot, host, session):
    session.vault.add_user("Nasrin", "translator", TRANSLATOR_PASSPHRASE)
    dialog = UsersDialog(session, host)
    dialog.show()
    names = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert sorted(names) == ["Nasrin", "farida"]
    dialog.table.selectRow(names.index("farida"))  # myself
    assert not dialog.remove.isEnabled()
    dialog.table.selectRow(names.index("Nasrin"))
    assert dialog.remove.isEnabled()
    dialog.remove.click()
    [remove] = [
        b
        for b in dialog.confirmation.buttons()
        if dialog.confirmation.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    ]
    remove.click()
    assert dialog.table.rowCount() == 1
    with pytest.raises(WrongPassphrase):
        Vault.open(session.path, TRANSLATOR_PASSPHRASE)
    with Vault.open(session.path, PASSPHRASE) as me:
        assert [u.name for u in me.users()] == ["farida"]


def test_replacing_the_recovery_code(qtbot, host, session):
    dialog = UsersDialog(session, host)
    dialog.show()
    dialog.replace_code.click()
    recovery = dialog.recovery_dialog
    recovery.replace.click()
    qtbot.waitUntil(lambda: recovery.view.has_code, timeout=WAIT_MS)
    code = recovery.view.shown_code()
    assert not recovery.close_button.isEnabled()
    recovery.reject()  # not before it is written down
    assert recovery.isVisible()
    recovery.view.confirm.click()
    recovery.close_button.click()
    assert recovery.view.shown_code() == ""
    with Vault.open_with_recovery(session.path, code) as recovered:
        assert recovered.vault_id == session.vault.vault_id


def test_idle_lock_minutes(qtbot, host, session):
    dialog = UsersDialog(session, host)
    dialog.idle.setValue(3)
    assert session.idle_minutes == 3


# Accessibility and the start-up probe


def test_every_input_has_an_accessible_name(qtbot, host, session, settings, tmp_path):
    keys = KeysDialog(session, host)
    keys.add_device.click()
    users = UsersDialog(session, host)
    users.add.click()
    users.change.click()
    wizard = CreateVaultWizard(VaultSession(tmp_path / "v", settings), host)
    roots = [keys, keys.add_dialog, users, users.add_dialog, users.passphrase_dialog, wizard]
    inputs = (QLineEdit, QPlainTextEdit, QCheckBox, QRadioButton, QSpinBox)
    for root in roots:
        for widget in root.findChildren(QWidget):
            if isinstance(widget, inputs) and widget.parent() is not None:
                if isinstance(widget.parent(), QSpinBox):
                    continue  # the spin box's own line edit
                assert widget.accessibleName(), (type(root).__name__, type(widget).__name__)


def test_the_startup_probe_reports_the_first_paint_of_the_lock_screen(tmp_path):
    path = tmp_path / "vault"
    make_vault(path)[0].close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        INTAKE_REPORT_SHOWN="1",
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / "config"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "intake_desktop", "--vault", str(path)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    shown = [line for line in done.stderr.splitlines() if line.startswith("shown ")]
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(shown) == 1 and 0 < float(shown[0].split()[1]) < 120_000
    assert str(path) not in done.stderr
