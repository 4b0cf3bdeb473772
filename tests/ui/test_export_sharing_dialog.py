"""What may leave the laptop, in the export and keys dialogs.

Consent (issue 13, item 14): a case whose recorded consent does not allow
sharing is refused, case by case, and goes only after an explicit "Export
anyway" that is asked once more and written to the audit log. Withheld
names (item 13): a recipient is cleared for them, or not, when it is added
and later on the Keys screen; the export dialog says beforehand whose
bundle leaves them out, and afterwards how many were left out.
"""

from __future__ import annotations

from pathlib import Path

import pyrage
import pytest
from PySide6.QtWidgets import QAbstractButton  # only the tests need the base class

from intake_desktop.core import audit
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.bundles.export_dialog import ALL, SELECTED, ExportDialog
from intake_desktop.ui.keys.keys_view import KeysDialog
from intake_desktop.ui.qt import QMessageBox, QSettings, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import FSI, PDI
from tests.bundle_forge import decrypt
from tests.helpers import MINIMAL_CASE
from tests.ui.bundle_dialog_support import (
    TIMEOUT_MS,
    check_recipients,
    open_session,
    shot,
    start_export,
    vault_of,
)

pytestmark = pytest.mark.usefixtures("jobs_end")

NO_CONSENT = "<i>No consent</i> family"
SECRET_NAME = "Gul Ahmad Qxzvtraw"


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


def destructive(box: QMessageBox | None) -> QAbstractButton:
    assert box is not None
    role = QMessageBox.ButtonRole.DestructiveRole
    [button] = [b for b in box.buttons() if box.buttonRole(b) == role]
    return button


def refused_rows(dialog: ExportDialog) -> list[tuple[str, str, str]]:
    table = dialog.refusal.table
    return [
        (table.item(r, 0).text(), table.item(r, 1).text(), table.item(r, 2).text())
        for r in range(table.rowCount())
    ]


# Item 14: consent


def test_a_consent_refusal_names_each_case_and_the_override_is_asked_and_audited(
    qtbot, session: VaultSession, tmp_path: Path
) -> None:
    vault = vault_of(session)
    TrustStore(vault).add_recipient("Office", str(pyrage.x25519.Identity.generate().to_public()))
    store = CaseStore(vault)
    store.add_case({**MINIMAL_CASE, "title": "Consented family"})
    bare = store.add_case({**MINIMAL_CASE, "title": NO_CONSENT, "consents": []})
    withdrawn = {**MINIMAL_CASE["consents"][0], "withdrawn_on": "2026-11-20"}
    gone = store.add_case({**MINIMAL_CASE, "title": "Withdrawn family", "consents": [withdrawn]})
    out = tmp_path / "all.intake"

    dialog = start_export(qtbot, session, out, ALL, [], "Office")
    dialog.resize(900, 560)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT_MS)
    assert dialog.pages.currentWidget() is dialog.refusal and dialog.written is None
    assert not out.exists() and list(tmp_path.glob("*.intake*")) == []
    assert "2 case(s) may not be shared" in dialog.refusal.summary.text()
    assert refused_rows(dialog) == [
        (NO_CONSENT, "no consent is recorded in this case", bare),  # the title as typed
        ("Withdrawn family", "a consent in this case was withdrawn", gone),
    ]
    assert dialog.anyway_button.isVisible() and dialog.without_button.isVisible()
    assert not dialog.export_button.isVisible()
    shot(dialog, "export-consent-refused")

    # Never silently: asked once more, Cancel by default, naming the audit log.
    dialog.anyway_button.click()
    box = dialog.confirmation
    assert box is not None and box.textFormat() == Qt.TextFormat.PlainText
    assert "Export 2 cases although" in box.text() and "audit log" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.job is None and not out.exists()

    dialog.anyway_button.click()
    destructive(dialog.confirmation).click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT_MS)
    result = dialog.written
    assert result is not None, refused_rows(dialog)
    assert result.cases == 3 and set(result.consent_overridden) == {bare, gone}
    assert dialog.pages.currentWidget() is dialog.result_box
    assert "Exported 2 case(s) despite their recorded consent" in (dialog.result_box.privacy.text())
    assert dialog.result_box.privacy.isVisible()
    overridden = {
        e.record_id
        for e in audit.events(vault.conn, limit=50)
        if e.action == "bundle.export_consent_override"
    }
    assert overridden == {bare, gone}

    # Or leave them out: the same choices, without the refused cases.
    dialog.again_button.click()
    without = Path(dialog.output.text())
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.refusal, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS) as written:
        dialog.without_button.click()
    assert written.args[0].cases == 1 and written.args[0].consent_overridden == ()
    assert written.args[0].path == without and not dialog.result_box.privacy.isVisible()
    dialog.close()


# Item 13: withheld names


def test_recipients_are_cleared_for_withheld_names_and_the_export_says_whose_bundle_lacks_them(
    qtbot, session: VaultSession, tmp_path: Path, settings: QSettings
) -> None:
    vault = vault_of(session)
    office_key = pyrage.x25519.Identity.generate()
    counsel_key = pyrage.x25519.Identity.generate()
    keys = KeysDialog(session)
    keys.show()

    def add_recipient(name: str, key: object, cleared: bool) -> None:
        keys.add_recipient.click()
        add = keys.add_dialog
        assert add is not None and add.withheld_names.isVisible()
        assert not add.withheld_names.isChecked()  # off unless ticked
        add.name.setText(name)
        add.key.setPlainText(str(key.to_public()))  # type: ignore[attr-defined]
        if cleared:
            add.withheld_names.click()
        add.compared.click()
        with qtbot.waitSignal(add.accepted):
            add.add.click()

    add_recipient("Office", office_key, cleared=False)
    add_recipient("Counsel", counsel_key, cleared=True)
    assert {e.name: e.withheld_names for e in TrustStore(vault).entries()} == {
        "Counsel": True,
        "Office": False,
    }
    keys.add_device.click()
    assert keys.add_dialog is not None and not keys.add_dialog.withheld_names.isVisible()
    keys.add_dialog.reject()

    def shown() -> dict[str, str]:
        table = keys.table
        return {table.item(r, 0).text(): table.item(r, 5).text() for r in range(table.rowCount())}

    assert shown() == {"Counsel": "Cleared", "Office": "Left out"}
    row = [keys.table.item(r, 0).text() for r in range(2)].index("Office")
    keys.table.selectRow(row)
    assert keys.withheld.isEnabled() and "Send" in keys.withheld.text()
    keys.withheld.click()  # turning it on asks first
    assert keys.confirmation is not None and "Office" in plain(keys.confirmation.text())
    keys.confirmation.button(QMessageBox.StandardButton.Cancel).click()
    assert shown()["Office"] == "Left out"
    keys.withheld.click()
    destructive(keys.confirmation).click()
    assert shown()["Office"] == "Cleared"
    assert plain(keys.message.text()) == "Office may now receive names marked as withheld."
    assert "Stop sending" in keys.withheld.text()
    keys.withheld.click()  # turning it off does not ask
    assert shown()["Office"] == "Left out"
    assert TrustStore(vault).get("Office").withheld_names is False  # type: ignore[union-attr]
    keys.close()

    # A translator may not change it (core asks the same permission as trusting a key).
    vault.add_user("tamana", "translator", "tamana translates statements")
    translator = open_session(
        vault.path, settings, Vault.open(vault.path, "tamana translates statements")
    )
    try:
        theirs = KeysDialog(translator)
        theirs.show()
        theirs.table.selectRow(0)
        assert not theirs.withheld.isEnabled()
        assert "caseworker or a coordinator" in theirs.withheld.toolTip()
        theirs.close()
    finally:
        translator.lock()

    person = {
        "full_name": SECRET_NAME,
        "role": "beneficiary",
        "name_withheld": True,
        "pseudonym": "Applicant K-12",
    }
    case_id = CaseStore(vault).add_case({**MINIMAL_CASE, "people": [person]})
    out = tmp_path / "to-office.intake"
    dialog = ExportDialog(session, [case_id])
    dialog.show()
    check_recipients(dialog, "Counsel")
    assert "Every recipient checked is cleared" in dialog.withheld_note.text()
    check_recipients(dialog, "Counsel", "Office")
    assert dialog.withheld_note.isVisible()
    assert plain(dialog.withheld_note.text()) == (
        "Names marked as withheld will be left out of this bundle. Not cleared to receive "
        "them: Office."
    )
    check_recipients(dialog, "Office")
    dialog.set_output_path(out)
    assert dialog.selected_radio.isChecked() and dialog.case_choice() == dialog.choices[SELECTED]
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS) as written:
        dialog.export_button.click()
    assert written.args[0].withheld == 1
    assert plain(dialog.result_box.privacy.text()) == (
        "Withheld names were left out of 1 person record(s). Not cleared to receive them: Office."
    )
    shot(dialog, "export-withheld")
    dialog.close()
    opened = decrypt(out.read_bytes(), str(office_key))
    assert SECRET_NAME.encode() not in opened and b"Applicant K-12" in opened
