"""Reviewing what a bundle did, in the import dialog; and the quarantine's cap.

Three vaults, made once for the module: two field laptops that both claim
the name "dev-A" (A, trusted by the office as "Kabul field 1"; B, trusted
as "Herat field 2") and the office (C). A case A created reached B through
the office; B changed a person in it and sent it back. A stranger (not
trusted) sends bundles too: one claiming a trusted device's name, one
claiming no name, and a damaged copy. Each test opens the office's vault in
a session of its own and imports with the real dialog.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle import importer, quarantine
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.fingerprint import signing_key_fingerprint
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.bundles.import_dialog import QUARANTINE, ImportDialog
from intake_desktop.ui.bundles.quarantine_view import CLAIMED, FILE, SIZE
from intake_desktop.ui.qt import QLabel, QMessageBox, QSettings, Qt, QTreeWidgetItem
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.widgets.bidi import FSI, PDI
from tests.bundle_forge import add_attachment, export_to, forge, introduce, take_apart
from tests.helpers import MINIMAL_CASE, PASSPHRASE, make_vault
from tests.ui.bundle_dialog_support import (
    TIMEOUT_MS,
    import_with_dialog,
    open_session,
    report_rows,
    shot,
)

pytestmark = pytest.mark.usefixtures("jobs_end")

TITLE = "<b>Ahmadzai</b> family"  # markup in a title is shown as typed


@dataclass
class Offices:
    office: Path
    case_id: str
    person_id: str
    a_fingerprint: str
    b_to_c: Path  # B's change to the case A created; not imported yet
    stranger: Path  # claims to be "Kabul field 1"; not trusted
    nameless: Path  # the same stranger, claiming no name
    damaged: Path  # the stranger's bundle, cut short
    stranger_fingerprint: str
    stranger_bundle_id: str


@pytest.fixture(scope="module")
def offices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Offices]:
    root = tmp_path_factory.mktemp("offices")
    a, _ = make_vault(root / "a", name="dev-A")
    b, _ = make_vault(root / "b", user_name="bashir", name="dev-A")
    c, _ = make_vault(root / "c", user_name="cora", role="coordinator", name="Office")
    stranger, _ = make_vault(root / "s", user_name="x", name="Kabul field 1")
    try:
        introduce(a, c, "Kabul field 1", "Office")
        introduce(b, c, "Herat field 2", "Office")
        introduce(c, b, "Office signer", "Herat recipient")
        case_id = CaseStore(a).add_case({**MINIMAL_CASE, "title": TITLE})
        for src, dst, name in ((a, c, "a-to-c"), (c, b, "c-to-b")):
            export_to(src, dst, root / f"{name}.intake", [case_id])
            assert importer.import_bundle(dst, root / f"{name}.intake").status == "merged"
        person = CaseStore(b).children(case_id, "person")[0]
        with b.transaction():
            RecordStore(b).update(person.id, {**person.body, "notes": "seen in Herat"})
        export_to(b, c, root / "b-to-c.intake", [case_id])

        # Over one age chunk (64 KiB), so a copy cut short still shows its manifest.
        theirs = CaseStore(stranger).add_case(MINIMAL_CASE)
        add_attachment(stranger, theirs, os.urandom(150_000))
        sent = export_to(stranger, c, root / "stranger.intake")
        office = identity.load(c.conn)
        manifest, members = take_apart(root / "stranger.intake", office.age_secret).fresh()
        manifest["producer"]["name"] = ""
        secret = identity.load(stranger.conn).minisign_secret()
        (root / "nameless.intake").write_bytes(
            forge(secret, manifest, members, office.age_recipient)
        )
        whole = (root / "stranger.intake").read_bytes()
        (root / "damaged.intake").write_bytes(whole[:-2000])
        yield Offices(
            office=root / "c",
            case_id=case_id,
            person_id=person.id,
            a_fingerprint=signing_key_fingerprint(identity.load(a.conn).signing_key),
            b_to_c=root / "b-to-c.intake",
            stranger=root / "stranger.intake",
            nameless=root / "nameless.intake",
            damaged=root / "damaged.intake",
            stranger_fingerprint=signing_key_fingerprint(identity.load(stranger.conn).signing_key),
            stranger_bundle_id=sent.bundle_id,
        )
    finally:
        for vault in (a, b, c, stranger):
            vault.close()


@pytest.fixture
def office(qapp: object, offices: Offices, settings: QSettings) -> Iterator[VaultSession]:
    live = open_session(offices.office, settings, Vault.open(offices.office, PASSPHRASE))
    yield live
    live.lock()


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


def every_text(dialog: ImportDialog) -> str:
    """The report's cells, the changes' rows and every label: what a person can read."""
    parts = [" ".join(row) for row in report_rows(dialog)]
    tree = dialog.changes.tree
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        parts.extend(item.text(c) for c in range(tree.columnCount()))
        stack.extend(item.child(i) for i in range(item.childCount()))
    parts.extend(label.text() for label in dialog.findChildren(QLabel))
    return plain("\n".join(parts))


def children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [item.child(i) for i in range(item.childCount())]


# Items 5 and 8: every record a bundle added or changed, by case, and who created the case


def test_the_report_lists_each_change_by_case_and_marks_a_case_another_device_created(
    qtbot, office: VaultSession, offices: Offices
) -> None:
    window = MainWindow(office)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_workspace()  # the session was unlocked before the window was made
    window.import_bundle()
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    with qtbot.waitSignal(dialog.batch_finished, timeout=TIMEOUT_MS):
        dialog.import_files([offices.b_to_c])
    [(name, word, details)] = report_rows(dialog)
    assert (name, word) == ("b-to-c.intake", "Merged")
    assert "Herat field 2" in plain(details) and "changed 1 case" in details

    view = dialog.changes
    assert view.tree.isVisible() and view.tree.topLevelItemCount() == 1
    assert "b-to-c.intake changed 1 record(s) in 1 case" in plain(view.heading.text())
    case = view.tree.topLevelItem(0)
    assert (case.text(0), case.text(1), case.text(3)) == (TITLE, "1 changed", offices.case_id)
    warning, record = children(case)
    # Named as the office trusts the creator, never as a bundle claims ("dev-A").
    assert plain(warning.text(0)) == (
        f"Created by Kabul field 1 ({offices.a_fingerprint}); another device wrote into it."
    )
    assert warning.isFirstColumnSpanned() and case.isExpanded()
    assert [record.text(c) for c in range(4)] == ["Person", "Changed", "2", offices.person_id]
    assert "dev-A" not in every_text(dialog)
    shot(dialog, "import-review")

    # The keyboard reaches it: Tab from the report to the changes, Enter opens the case.
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.report.setFocus()
    qtbot.keyClick(dialog.report, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is view.tree
    view.tree.setCurrentItem(record)
    assert view.open_button.isEnabled()
    with qtbot.waitSignal(dialog.open_case_requested) as opened:
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert opened.args == [offices.case_id]
    assert not dialog.isVisible()  # closed, so the main window shows the case
    assert window.editor.case_id == offices.case_id
    assert window.cases.selected_ids() == [offices.case_id]


def test_a_quarantined_bundle_shows_what_it_claims_as_a_claim_beside_its_fingerprint(
    qtbot, office: VaultSession, offices: Offices
) -> None:
    vault = office.vault
    assert vault is not None
    for waiting in quarantine.waiting(vault):
        quarantine.discard(vault, waiting.id)
    dialog = import_with_dialog(qtbot, office, offices.stranger, offices.nameless)
    (_a, word, claimed), (_b, word2, nameless) = report_rows(dialog)
    assert word == word2 == "Quarantined"
    fingerprint = offices.stranger_fingerprint
    assert "Claims to come from Kabul field 1 (not verified)" in plain(claimed)
    assert fingerprint in plain(claimed)
    # No claimed name: said so, never an empty gap.
    assert "Claims to come from (no name given) (not verified)" in plain(nameless)
    assert fingerprint in plain(nameless) and "from  (" not in nameless
    assert "nothing" in plain(dialog.changes.heading.text())
    assert not dialog.changes.tree.isVisible()

    dialog.tabs.setCurrentIndex(QUARANTINE)
    table = dialog.quarantine.table
    claims = {table.item(r, CLAIMED).text() for r in range(table.rowCount())}
    assert claims == {"Kabul field 1", "(no name given)"}
    dialog.quarantine.select(quarantine.waiting(vault)[1].id)
    dialog.quarantine.trust_button.click()
    confirm = dialog.quarantine.trust_dialog
    assert confirm is not None and confirm.claimed.text() == "(no name given)"
    confirm.reject()
    dialog.close()


# Item 17: the quarantine's rows told apart, one discarded, and a full quarantine said plainly


def test_the_coordinator_tells_a_damaged_copy_apart_discards_it_and_sees_the_cap(
    qtbot, office: VaultSession, offices: Offices, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = office.vault
    assert vault is not None
    for waiting in quarantine.waiting(vault):
        quarantine.discard(vault, waiting.id)
    monkeypatch.setattr(quarantine, "MAX_QUARANTINE_BUNDLES", 2)
    dialog = import_with_dialog(qtbot, office, offices.stranger, offices.damaged, offices.nameless)
    rows = report_rows(dialog)
    assert [word for _n, word, _d in rows] == ["Quarantined", "Quarantined", "Not kept"]
    assert "the quarantine is full (2 bundles" in rows[2][2]
    assert "Nothing was kept" in rows[2][2]

    dialog.tabs.setCurrentIndex(QUARANTINE)
    view = dialog.quarantine
    assert dialog.tabs.tabText(QUARANTINE) == "Quarantine (2)"
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert headers[FILE] == "File" and headers[SIZE] == "Size"
    names = [view.table.item(r, FILE).text() for r in range(2)]
    assert names == ["stranger.intake", "damaged.intake"]  # the same bundle twice...
    sizes = [view.table.item(r, SIZE).toolTip() for r in range(2)]
    whole, cut = offices.stranger.stat().st_size, offices.damaged.stat().st_size
    assert sizes == [f"{whole} bytes", f"{cut} bytes"]  # ...told apart by size
    assert "Waiting: 2 of at most 2 bundles" in view.room.text()
    shot(dialog, "import-quarantine-full")

    view.select(quarantine.waiting(vault)[1].id)  # the damaged copy
    view.discard_button.click()
    box = view.discard_box
    assert box is not None and box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert offices.stranger_bundle_id in plain(box.text())
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert len(quarantine.waiting(vault)) == 2  # asked, and nothing happened

    view.discard_button.click()
    assert view.discard_box is not None
    view.discard_box.button(QMessageBox.StandardButton.Discard).click()
    [kept] = quarantine.waiting(vault)
    assert kept.size == whole and view.table.rowCount() == 1
    assert dialog.tabs.tabText(QUARANTINE) == "Quarantine (1)"
    assert "Discarded bundle" in plain(view.state.text())
    assert "Waiting: 1 of at most 2 bundles" in view.room.text()

    # With room again, the refused bundle is kept.
    with qtbot.waitSignal(dialog.batch_finished, timeout=TIMEOUT_MS):
        dialog.import_files([offices.nameless])
    assert report_rows(dialog)[-1][1] == "Quarantined"
    dialog.close()
