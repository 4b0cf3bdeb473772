"""Counsel packets per recipient, in the app (issue 18).

A recipient is set to receive each case's counsel packet (a PDF) when it is
added or later on the Keys screen, which asks first; the export dialog says
beforehand whose bundles carry packets and afterwards how many it carries,
and the bundle holds ``packet/<case id>.pdf`` listed in its signed manifest.
"""

from __future__ import annotations

from pathlib import Path

import pyrage
import pytest
from PySide6.QtWidgets import QAbstractButton  # only the tests need the base class

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.ui.bundles.export_dialog import ExportDialog
from intake_desktop.ui.keys.keys_view import KeysDialog
from intake_desktop.ui.qt import QMessageBox
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import FSI, PDI
from tests.bundle_forge import new_signing_key, take_apart
from tests.helpers import MINIMAL_CASE
from tests.ui.bundle_dialog_support import TIMEOUT_MS, check_recipients, shot, vault_of

pytestmark = pytest.mark.usefixtures("jobs_end")

PACKETS_COLUMN = 6


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


def destructive(box: QMessageBox | None) -> QAbstractButton:
    assert box is not None
    role = QMessageBox.ButtonRole.DestructiveRole
    [button] = [b for b in box.buttons() if box.buttonRole(b) == role]
    return button


def test_a_recipient_is_set_to_receive_counsel_packets_when_added_and_on_the_keys_screen(
    qtbot, session: VaultSession
) -> None:
    vault = vault_of(session)
    store = TrustStore(vault)
    store.add_device("Herat laptop", new_signing_key()[1])
    keys = KeysDialog(session)
    keys.show()

    keys.add_recipient.click()
    add = keys.add_dialog
    assert add is not None and add.packets.isVisible() and not add.packets.isChecked()
    add.name.setText("Counsel")
    add.key.setPlainText(str(pyrage.x25519.Identity.generate().to_public()))
    add.packets.click()
    add.compared.click()
    with qtbot.waitSignal(add.accepted):
        add.add.click()
    keys.add_recipient.click()
    add = keys.add_dialog
    assert add is not None
    add.name.setText("Office")
    add.key.setPlainText(str(pyrage.x25519.Identity.generate().to_public()))
    add.compared.click()
    with qtbot.waitSignal(add.accepted):
        add.add.click()
    keys.add_device.click()
    assert keys.add_dialog is not None and not keys.add_dialog.packets.isVisible()
    keys.add_dialog.reject()
    assert {e.name: e.packets for e in store.entries()} == {
        "Herat laptop": False,
        "Counsel": True,
        "Office": False,
    }

    header = keys.table.horizontalHeaderItem(PACKETS_COLUMN)
    assert header.text() == "Packets" and "counsel packet" in header.toolTip()

    def shown() -> dict[str, str]:
        table = keys.table
        return {
            table.item(r, 0).text(): table.item(r, PACKETS_COLUMN).text()
            for r in range(table.rowCount())
        }

    assert shown() == {"Herat laptop": "", "Counsel": "Included", "Office": "Not included"}
    keys.table.selectRow(list(shown()).index("Herat laptop"))
    assert not keys.packets.isEnabled()  # a device receives no bundles
    keys.table.selectRow(list(shown()).index("Office"))
    assert keys.packets.isEnabled() and keys.packets.text() == "Send counsel pac&kets…"

    # Turning it on asks first, saying what it means; Cancel changes nothing.
    keys.packets.click()
    box = keys.confirmation
    assert box is not None and "Office" in plain(box.text())
    assert "anyone who can decrypt" in box.text() and "larger" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert store.get("Office").packets is False  # type: ignore[union-attr]
    assert shown()["Office"] == "Not included"

    keys.packets.click()
    destructive(keys.confirmation).click()
    assert store.get("Office").packets is True  # type: ignore[union-attr]
    assert shown()["Office"] == "Included"
    assert plain(keys.message.text()) == (
        "Bundles to Office will carry a counsel packet for each case."
    )
    assert keys.packets.text() == "Stop sending counsel pac&kets"

    # Turning it off does not ask.
    keys.confirmation = None
    keys.packets.click()
    assert keys.confirmation is None
    assert store.get("Office").packets is False  # type: ignore[union-attr]
    assert shown()["Office"] == "Not included"
    assert plain(keys.message.text()) == "Bundles to Office will no longer carry counsel packets."
    keys.close()


def test_the_export_says_whose_bundles_carry_packets_and_the_bundle_carries_one_per_case(
    qtbot, session: VaultSession, tmp_path: Path
) -> None:
    vault = vault_of(session)
    counsel = pyrage.x25519.Identity.generate()
    store = TrustStore(vault)
    store.add_recipient("Counsel", str(counsel.to_public()), packets=True)
    store.add_recipient("Office", str(pyrage.x25519.Identity.generate().to_public()))
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)

    dialog = ExportDialog(session, [case_id])
    dialog.show()
    check_recipients(dialog, "Office")
    assert not dialog.packets_note.isVisible() and dialog.packets_note.text() == ""
    check_recipients(dialog, "Office", "Counsel")
    assert dialog.packets_note.isVisible()
    # The name as typed, isolated: a Dari name beside Latin punctuation keeps its order.
    assert dialog.packets_note.text() == (
        f"Counsel packets are included for: {FSI}Counsel{PDI} (a PDF per case)."
    )
    shot(dialog, "export-packets")
    check_recipients(dialog, "Counsel")
    out = tmp_path / "to-counsel.intake"
    dialog.set_output_path(out)
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS) as written:
        dialog.export_button.click()
    assert written.args[0].packets == 1
    packets = dialog.result_box.packets
    assert packets.isVisible() and packets.text() == "1 counsel packet (PDF)"
    members = take_apart(out, str(counsel)).manifest["members"]
    assert f"packet/{case_id}.pdf" in {m["path"] for m in members}

    # To a recipient who did not ask: no packet, and the result does not mention them.
    dialog.again_button.click()
    check_recipients(dialog, "Office")
    assert not dialog.packets_note.isVisible()
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS) as written:
        dialog.export_button.click()
    assert written.args[0].packets == 0
    assert not dialog.result_box.packets.isVisible()
    dialog.close()
