"""The export and import dialogs, driven like a person would, on real vaults.

Two sessions (a field laptop and a coordinator's office) trust each other's
keys; bundles go through ExportDialog into a real file and come back in
through ImportDialog. Waits are on signals and conditions, never sleeps.

Set INTAKE_SCREENSHOTS=/some/folder to save what the dialogs look like.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyrage
import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle import quarantine
from intake_desktop.core.bundle.export import ExportResult
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.records import RecordStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.demo import fill
from intake_desktop.ui.bundles.bundle_text import grouped_sha256
from intake_desktop.ui.bundles.export_dialog import CHANGED, ExportDialog
from intake_desktop.ui.bundles.import_dialog import CONFLICTS, QUARANTINE, ImportDialog
from intake_desktop.ui.bundles.quarantine_view import CLAIMED, FINGERPRINT
from intake_desktop.ui.qt import QFileDialog, QSettings, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import FSI, PDI, join_parts
from tests.bundle_forge import RICH_CASE, export_to, introduce
from tests.helpers import MINIMAL_CASE, make_vault
from tests.ui.bundle_dialog_support import (
    TIMEOUT_MS,
    check_recipients,
    export_with_dialog,
    import_with_dialog,
    open_session,
    report_rows,
    shot,
    vault_of,
)

pytestmark = pytest.mark.usefixtures("jobs_end")


# Export, then import on the other side


def test_a_bundle_goes_from_the_field_to_the_office(
    qtbot, session: VaultSession, coord: VaultSession, tmp_path: Path, monkeypatch
) -> None:
    field, office = vault_of(session), vault_of(coord)
    introduce(field, office, "Kabul field 1", "Office")
    counsel = str(pyrage.x25519.Identity.generate().to_public())
    TrustStore(field).add_recipient("Counsel", counsel)  # a second recipient to choose from
    TrustStore(field).add_device("Office signer", identity.load(office.conn).signing_key)
    ids = fill(field, 3)
    out = tmp_path / "out" / "field-bundle.intake"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))

    dialog = ExportDialog(session, ids[:2])
    dialog.show()
    names = [dialog.recipient_list.topLevelItem(i).text(0) for i in range(2)]
    assert names == ["Counsel", "Office"]  # recipients only, never the trusted device
    assert dialog.selected_radio.isChecked()
    assert not dialog.export_button.isEnabled()  # nobody checked yet
    check_recipients(dialog, "Office")
    dialog.choose_button.click()
    assert dialog.output.text() == str(out)
    shot(dialog, "export-recipients")
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    result: ExportResult = blocker.args[0]
    assert result.path == out and out.is_file() and result.cases == 2
    assert [r.name for r in result.recipients] == ["Office"]
    view = dialog.result_box
    assert view.isVisible() and not dialog.form.isVisible()
    assert view.path.text() == str(out)
    assert view.fingerprint.text() == grouped_sha256(result.manifest_sha256)
    assert view.fingerprint.text().split()[0] == result.manifest_sha256[:4]
    sent_to = result.recipients[0]
    assert view.recipients.text() == join_parts(["Office", sent_to.fingerprint], "    ")
    assert "2 case(s)" in view.contents.text()
    # All of it fits a small laptop screen (offscreen's is 800x600), nothing cut.
    assert dialog.height() <= 600 and dialog.minimumSizeHint().height() <= 600
    assert view.fingerprint.height() >= 2 * view.fingerprint.fontMetrics().lineSpacing()
    assert view.note.height() >= view.note.heightForWidth(view.note.width())
    shot(dialog, "export-result")
    dialog.again_button.click()  # back to the choices, with a new name ready
    assert dialog.form.isVisible() and dialog.export_button.isEnabled()
    assert dialog.output.text() != str(out)
    dialog.close()

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(out)], ""))
    imported = ImportDialog(coord)
    imported.show()
    with qtbot.waitSignal(imported.batch_finished, timeout=TIMEOUT_MS):
        qtbot.mouseClick(imported.choose_button, Qt.MouseButton.LeftButton)
    [(name, word, details)] = report_rows(imported)
    assert (name, word) == ("field-bundle.intake", "Merged")
    assert "Kabul field 1" in details and "first" in details  # trusted name, sequence note
    assert CaseStore(office).count() == 2
    assert CaseStore(office).document(ids[0]) == CaseStore(field).document(ids[0])

    with qtbot.waitSignal(imported.batch_finished, timeout=TIMEOUT_MS):
        imported.import_files([out, tmp_path / "missing.intake"])
    rows = report_rows(imported)
    assert [w for _n, w, _d in rows] == ["Merged", "Already imported", "Rejected"]
    assert "There is no file" in rows[2][2]
    assert CaseStore(office).count() == 2
    shot(imported, "import-report")
    imported.close()


def test_without_trusted_recipients_the_dialog_says_how_to_add_one(
    qtbot, session: VaultSession
) -> None:
    fill(vault_of(session), 1)
    dialog = ExportDialog(session, [])
    dialog.show()
    assert dialog.recipient_pages.currentWidget() is dialog.no_recipients
    assert "Keys" in dialog.no_recipients.text()
    assert dialog.no_recipients.textFormat() == Qt.TextFormat.PlainText
    assert not dialog.export_button.isEnabled()
    assert not dialog.selected_radio.isEnabled() and dialog.all_radio.isChecked()
    shot(dialog, "export-no-recipients")
    dialog.close()


def test_changed_since_the_last_export_counts_only_edited_cases(
    qtbot, qapp, tmp_path: Path, settings: QSettings, coord: VaultSession
) -> None:
    now = [dt.datetime(2024, 6, 1, 8, 0, tzinfo=dt.UTC)]
    path = tmp_path / "clocked"
    vault, _ = make_vault(path, clock=lambda: now[0])
    live = open_session(path, settings, vault)
    try:
        introduce(vault, vault_of(coord), "Field", "Office")
        ids = [CaseStore(vault).add_case(MINIMAL_CASE) for _ in range(3)]
        now[0] += dt.timedelta(hours=1)
        export_with_dialog(qtbot, live, tmp_path / "first.intake", "Office")
        now[0] += dt.timedelta(hours=1)
        unchanged = ExportDialog(live, [])
        unchanged.show()
        assert unchanged.all_radio.isChecked()  # nothing changed: not an empty default
        unchanged.changed_radio.click()
        assert unchanged.empty_hint.isVisible() and not unchanged.export_button.isEnabled()
        unchanged.close()
        CaseStore(vault).update_case(ids[1], {"title": "Edited after the export"})

        dialog = ExportDialog(live, [])
        assert dialog.changed_radio.isChecked()  # the default once a bundle was written
        assert dialog.case_choice().case_ids == [ids[1]]
        assert "2024-06-01 09:00 UTC" in dialog.changed_radio.text()
        dialog.close()
        result = export_with_dialog(qtbot, live, tmp_path / "second.intake", "Office", CHANGED)
        assert (result.cases, result.sequence) == (1, 2)
    finally:
        live.lock()


# Quarantine: an unknown signer


def test_an_unknown_signer_waits_in_quarantine_until_trusted(
    qtbot, tmp_path: Path, settings: QSettings, coord: VaultSession
) -> None:
    office = vault_of(coord)
    stranger, _ = make_vault(tmp_path / "stranger", name="<b>Kabul</b> field 2")
    try:
        ids = fill(stranger, 2)
        bundle = tmp_path / "from-stranger.intake"
        export_to(stranger, office, bundle)
        signing_key = identity.load(stranger.conn).signing_key
    finally:
        stranger.close()

    dialog = import_with_dialog(qtbot, coord, bundle)
    [(_name, word, details)] = report_rows(dialog)
    [waiting] = quarantine.waiting(office)
    assert word == "Quarantined" and waiting.fingerprint in details
    assert CaseStore(office).count() == 0
    assert dialog.tabs.tabText(QUARANTINE) == "Quarantine (1)"

    dialog.tabs.setCurrentIndex(QUARANTINE)
    view = dialog.quarantine
    assert view.table.item(0, CLAIMED).text() == "<b>Kabul</b> field 2"  # shown as it is
    assert view.table.item(0, FINGERPRINT).text() == waiting.fingerprint
    assert view.trust_button.isEnabled() and not view.import_button.isEnabled()
    shot(dialog, "import-quarantine")

    view.trust_button.click()
    confirm = view.trust_dialog
    assert confirm is not None
    assert confirm.fingerprint.text() == waiting.fingerprint
    assert confirm.claimed.textFormat() == Qt.TextFormat.PlainText
    assert confirm.claimed.text() == waiting.producer_name
    confirm.name.setText("Kandahar field 2")
    assert not confirm.ok.isEnabled()  # not before saying the fingerprint was compared
    confirm.compared.setChecked(True)
    assert confirm.ok.isEnabled()
    shot(confirm, "trust-device")
    with qtbot.waitSignal(dialog.batch_finished, timeout=TIMEOUT_MS):
        confirm.ok.click()

    entry = TrustStore(office).device_for_key(signing_key)
    assert entry is not None and entry.name == "Kandahar field 2"
    assert report_rows(dialog)[-1][1] == "Merged"
    assert "Kandahar field 2" in report_rows(dialog)[-1][2]
    assert quarantine.waiting(office) == []
    assert dialog.tabs.tabText(QUARANTINE) == "Quarantine (0)"
    assert CaseStore(office).count() == 2 and CaseStore(office).document(ids[0])
    dialog.close()


# Conflicts: the same records edited on both sides


def test_conflicts_are_shown_side_by_side_and_resolved(
    qtbot, session: VaultSession, coord: VaultSession, tmp_path: Path
) -> None:
    field, office = vault_of(session), vault_of(coord)
    introduce(field, office, "Field", "Office")
    introduce(office, field, "Office signer", "Field recipient")
    case_id = CaseStore(field).add_case(RICH_CASE)
    first = tmp_path / "first.intake"
    export_with_dialog(qtbot, session, first, "Office")
    import_with_dialog(qtbot, coord, first).close()
    person = CaseStore(field).children(case_id, "person")[0]

    def edit(vault: Vault, title: str, name: str) -> None:
        CaseStore(vault).update_case(case_id, {"title": title})
        record = RecordStore(vault).require(person.id)
        with vault.transaction():
            RecordStore(vault).update(person.id, {**record.body, "full_name": name})

    edit(field, "Rahimi family (field notes)", "Zarmina Rahimi Ahmadi")
    edit(office, "Rahimi family (office)", "Zarmina Rahimy")
    to_office, to_field = tmp_path / "to-office.intake", tmp_path / "to-field.intake"
    export_with_dialog(qtbot, session, to_office, "Office")
    export_with_dialog(qtbot, coord, to_field, "Field recipient")

    dialog = import_with_dialog(qtbot, coord, to_office)
    [(_n, word, details)] = report_rows(dialog)
    assert word == "Merged" and "2 in conflict" in details and "Conflicts tab" in details
    assert dialog.tabs.tabText(CONFLICTS) == "Conflicts (2)"
    dialog.tabs.setCurrentIndex(CONFLICTS)
    view = dialog.conflicts
    kinds = [view.table.item(r, 0).text() for r in range(2)]
    assert kinds == ["Case", "Person"]
    assert view.table.item(0, 2).text() == "Rahimi family (office)"  # the case it is in
    assert view.table.item(1, 1).text() == "Zarmina Rahimy"  # which person (our copy)
    assert "cora" in view.table.item(0, 3).text() and "farida" in view.table.item(0, 4).text()
    fields = view.fields.table

    def row(label: str) -> list[str]:  # each value is isolated to show: compared without
        rows = [[fields.item(r, c).text().replace(FSI, "").replace(PDI, "") for c in range(4)]
                for r in range(fields.rowCount())]  # fmt: skip
        return next(r for r in rows if r[0].strip().removeprefix("≠").strip() == label)

    assert row("Title") == [
        "≠ Title", "Rahimi family (office)", "Rahimi family (field notes)", "Yours"
    ]  # fmt: skip
    assert row("Route")[1:] == ["Special immigrant visa", "Special immigrant visa", "Same"]
    assert view.local_text.toPlainText().replace(FSI, "").replace(PDI, "") == (
        "Rahimi family (office)"  # the selected field, whole: the first that differs
    )
    shot(dialog, "import-conflicts")

    view.keep_local.click()  # the case: keep the office's title
    assert view.count() == 1 and "now version" in view.state.text()
    assert dialog.tabs.tabText(CONFLICTS) == "Conflicts (1)"
    view.keep_incoming.click()  # the person: take the field's spelling
    assert view.count() == 0 and dialog.tabs.tabText(CONFLICTS) == "Conflicts (0)"
    assert CaseStore(office).document(case_id)["title"] == "Rahimi family (office)"
    assert RecordStore(office).require(person.id).body["full_name"] == "Zarmina Rahimi Ahmadi"
    dialog.close()

    # The other way: the field gets the office's edits as conflicts too, and
    # after the office's resolution travels back, both sides agree.
    back = import_with_dialog(qtbot, session, to_field)
    assert back.tabs.tabText(CONFLICTS) == "Conflicts (2)"
    back.close()
    resolved = tmp_path / "resolved.intake"
    export_with_dialog(qtbot, coord, resolved, "Field recipient")
    again = import_with_dialog(qtbot, session, resolved)
    assert report_rows(again)[0][1] == "Merged"
    again.conflicts.keep_incoming.click()
    again.conflicts.keep_incoming.click()
    assert again.conflicts.count() == 0
    assert CaseStore(field).document(case_id)["title"] == "Rahimi family (office)"
    again.close()
