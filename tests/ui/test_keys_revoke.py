"""The Keys screen revokes a lost device: Revoke… asks first, the table marks it, and a
recipient's or a translator's Revoke… is disabled with the reason.

Real vaults and real keys on the offscreen platform; nothing waits on time.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop.core import identity
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.keys.keys_view import KeysDialog
from intake_desktop.ui.qt import QMessageBox, QSettings, QWidget
from intake_desktop.ui.services.session import VaultSession
from tests.helpers import make_vault

if sys.version_info < (3, 12):
    # The same guard as test_wizard_keys_users.py (PySide6 6.12 on CPython 3.11 drops
    # references to None/True/False), so this module also runs alone.
    for _obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(_obj)).value += 1 << 40

LAPTOP = "Herat field laptop"
REVOKE_COLUMN = 7


@pytest.fixture
def host(qtbot: object) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    return widget


@pytest.fixture
def other_keys(tmp_path: Path) -> Iterator[identity.Identity]:
    other, _code = make_vault(tmp_path / "other-laptop")
    keys = identity.load(other.conn)
    other.close()
    yield keys


def row_of(dialog: KeysDialog, name: str) -> int:
    return next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == name)


def test_revoking_a_device_asks_first_then_marks_it(qtbot, host, session, other_keys):
    TrustStore(session.vault).add_device(LAPTOP, other_keys.signing_key)
    dialog = KeysDialog(session, host)
    dialog.show()
    assert not dialog.revoke.isEnabled()  # nothing selected
    dialog.table.selectRow(row_of(dialog, LAPTOP))
    assert dialog.revoke.isEnabled()
    assert dialog.table.item(0, REVOKE_COLUMN).text() == ""

    dialog.revoke.click()
    question = dialog.confirmation
    assert "refused" in question.text() and "What it sent before stays" in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert TrustStore(session.vault).get(LAPTOP).revoked_at is None

    dialog.revoke.click()
    [revoke] = [
        b
        for b in dialog.confirmation.buttons()
        if dialog.confirmation.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    ]
    revoke.click()
    stored = TrustStore(session.vault).get(LAPTOP)
    assert stored is not None and stored.revoked_at is not None
    # Still listed, marked with the date; Revoke… now off and says why.
    row = row_of(dialog, LAPTOP)
    marker = dialog.table.item(row, REVOKE_COLUMN).text()
    assert dialog.table.horizontalHeaderItem(REVOKE_COLUMN).text() == "Revoked"
    assert stored.revoked_at[:10] in marker and marker.endswith("UTC")
    assert dialog.selected_name() == LAPTOP
    assert not dialog.revoke.isEnabled()
    assert "Already revoked on" in dialog.revoke.toolTip()
    assert "is revoked" in dialog.message.text()

    # Remove… on a revoked device asks whether to forget the revocation.
    dialog.remove.click()
    question = dialog.confirmation
    assert question.text().startswith("Forget that") and "was revoked on" in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert TrustStore(session.vault).get(LAPTOP) is not None
    dialog.remove.click()
    [forget] = [
        b
        for b in dialog.confirmation.buttons()
        if dialog.confirmation.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    ]
    forget.click()
    assert TrustStore(session.vault).get(LAPTOP) is None
    assert dialog.message.text().endswith("is no longer trusted.")


def test_a_recipients_revoke_is_disabled_with_the_reason(qtbot, host, session, other_keys):
    TrustStore(session.vault).add_recipient("Counsel", other_keys.age_recipient)
    dialog = KeysDialog(session, host)
    dialog.show()
    dialog.table.selectRow(row_of(dialog, "Counsel"))
    assert dialog.remove.isEnabled()
    assert not dialog.revoke.isEnabled()
    assert "A recipient is not revoked: remove it" in dialog.revoke.toolTip()


def test_a_translators_revoke_is_disabled_with_the_reason(
    qtbot, host, qapp, tmp_path: Path, other_keys
):
    path = tmp_path / "translator-vault"
    vault, code = make_vault(path, user_name="tamana", role="translator")
    with Vault.open_with_recovery(path, code) as recovery:  # a translator may not add either
        TrustStore(recovery).add_device(LAPTOP, other_keys.signing_key)
    live = VaultSession(path, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    live._opened(vault)
    try:
        dialog = KeysDialog(live, host)
        dialog.show()
        dialog.table.selectRow(row_of(dialog, LAPTOP))
        assert dialog.selected_name() == LAPTOP
        assert not dialog.revoke.isEnabled()
        assert dialog.revoke.toolTip() == "Only a caseworker or a coordinator can do this."
    finally:
        live.lock()
