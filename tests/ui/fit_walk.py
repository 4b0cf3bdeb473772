"""Every window of the app, opened in turn for ``test_fits_small_screens.py``.

``World`` is the data the windows show: a field laptop's vault with a family
case and a likely duplicate, a trusted laptop whose bundle clashes with an
edit made here (a conflict to review), and a stranger's bundle (kept in
quarantine). ``walk`` opens every window and dialog over it, in the
current language, and hands each to ``Fit.check``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.delivery.destinations import DestinationStore
from intake_desktop.core.records import RecordStore
from tests.bundle_forge import export_to, introduce
from tests.helpers import PASSPHRASE, make_vault
from tests.ui.test_untranslated_strings import CASE, OTHER_CASE


@dataclass
class World:
    office: Path  # the vault the app opens
    case_id: str
    clash: Path  # a trusted laptop's edit of a person the office edited too
    stranger: Path  # from a device nobody trusts

    @classmethod
    def make(cls, root: Path) -> World:
        office, _code = make_vault(root / "office")
        peer, _code = make_vault(root / "peer", user_name="bashir", name="Herat field 2")
        stranger, _code = make_vault(root / "stranger", user_name="x", name="Unknown laptop")
        try:
            introduce(peer, office, "Herat field 2", "Kabul field 1")
            introduce(office, peer, "Kabul signer", "Herat recipient")
            case_id = CaseStore(office).add_case(copy.deepcopy(CASE))
            CaseStore(office).add_case(copy.deepcopy(OTHER_CASE))
            export_to(office, peer, root / "to-peer.intake", [case_id])
            assert importer.import_bundle(peer, root / "to-peer.intake").status == "merged"
            for vault, notes in ((office, "seen in Kabul"), (peer, "seen in Herat")):
                person = CaseStore(vault).children(case_id, "person")[0]
                with vault.transaction():
                    RecordStore(vault).update(person.id, {**person.body, "notes": notes})
            export_to(peer, office, root / "clash.intake", [case_id])
            DestinationStore(office).add_sftp(
                "counsel", "sftp://intake@files.example.org:22/incoming", "SHA256:" + "Q" * 43
            )
            CaseStore(stranger).add_case(copy.deepcopy(OTHER_CASE))
            export_to(stranger, office, root / "stranger.intake")
        finally:
            for vault in (office, peer, stranger):
                vault.close()
        return cls(root / "office", case_id, root / "clash.intake", root / "stranger.intake")


def first_row(table: Any) -> None:
    """Choose a table's first row (``selectRow`` misses it right to left: see case_list.py)."""
    from intake_desktop.ui.qt import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag
    table.selectionModel().setCurrentIndex(
        table.model().index(0, 0), flags.ClearAndSelect | flags.Rows
    )


def walk(fit: Any, world: World, settings: Any, scratch: Path) -> None:
    from intake_desktop.ui.services.session import VaultSession
    from intake_desktop.ui.shell.main_window import MainWindow

    walk_wizard(fit, VaultSession(scratch / "new", settings))
    session = VaultSession(world.office, settings)
    window = MainWindow(session)
    window.show_fitted()
    fit.check("main window, locked", window)
    from intake_desktop.ui.access.recovery_dialog import RecoveryDialog

    fit.dialog("forgot the passphrase", lambda: RecoveryDialog(session, window))
    window.unlock_screen.passphrase.setText(PASSPHRASE)
    window.unlock_screen.button.click()
    if not fit.wait(lambda: session.cases is not None, "unlocking"):
        return
    try:
        fit.check("main window, unlocked", window)
        walk_editor(fit, window, world.case_id)
        walk_dialogs(fit, window, world)
        walk_bundles(fit, window, world)
    finally:
        window.close()  # saves, locks, remembers the geometry
        window.deleteLater()


def walk_wizard(fit: Any, session: Any) -> None:
    from intake_desktop.ui.access.wizard import CreateVaultWizard

    wizard = CreateVaultWizard(session, None, kdf_target_seconds=0)
    try:
        wizard.show()
        fit.check("wizard: welcome", wizard)
        wizard.next()
        wizard.details.vault_name.setText("Kabul field 1")
        wizard.details.user_name.setText("Farida")
        fit.check("wizard: details", wizard)
        wizard.next()
        wizard.passphrase.entry.first.setText("walk river lantern seventy")
        wizard.passphrase.entry.second.setText("walk river lantern seventy")
        fit.check("wizard: passphrase", wizard)
        wizard.next()
        if fit.wait(lambda: wizard.currentPage() is wizard.code_page, "wizard: recovery code"):
            fit.check("wizard: recovery code", wizard)
            wizard.code_page.view.confirm.setChecked(True)
            wizard.accept()
    except Exception as exc:
        fit.problem("wizard", f"could not be walked: {type(exc).__name__}: {exc}")
    finally:
        wizard.close()
        session.lock()


def walk_editor(fit: Any, window: Any, case_id: str) -> None:
    from intake_desktop.ui.qt import Qt

    window.cases.select(case_id)
    editor = window.editor
    if not fit.wait(lambda: editor.case_id == case_id, "opening the case"):
        return
    fit.check("case editor: the case", window)
    for kind, section in editor.outline.sections.items():
        editor.outline.setCurrentItem(section)
        if kind != "case":
            fit.check(f"case editor: {kind} section", window)
        if kind != "case" and section.childCount():
            editor.outline.setCurrentItem(section.child(0))
            fit.check(f"case editor: a {kind}", window)
    from intake_desktop.ui.shell.new_case_dialog import NewCaseDialog

    def refused(dialog: Any) -> None:
        dialog.title.setText("Rahimi walk family of Kandahar province " * 8)
        dialog.accept()  # over 300 characters: refused, the reason shown below
        fit.check("new case, refused", dialog)

    fit.dialog("new case", lambda: NewCaseDialog(window, window.session.cases), refused)
    statements = editor.outline.sections["statement"]
    editor.outline.setCurrentItem(statements.child(0))
    record_id = editor.outline.currentItem().data(0, Qt.ItemDataRole.UserRole + 1)
    statement = editor.records[record_id].body
    language = statement.get("language", "ps")
    from intake_desktop.ui.editor.certify_dialog import CertifyDialog
    from intake_desktop.ui.editor.read_back_dialog import ReadBackDialog

    fit.dialog("certify", lambda: CertifyDialog(statement, None, "Zarghuna", window))
    fit.dialog("read-back", lambda: ReadBackDialog(language, "Farida", window))
    from intake_desktop.ui.widgets.delete_dialog import ask_delete_case, confirm_delete

    people = editor.outline.sections["person"]
    fit.modal(
        "delete a record?", lambda: confirm_delete(editor, "person", people.child(0).text(0), 2)
    )
    from intake_desktop.ui.editor.drafts import confirm_discard

    fit.modal("discard a draft?", lambda: confirm_discard(editor, False))
    box = ask_delete_case(window, "Rahimi walk family", case_id, lambda: None)
    fit.check("delete the case?", box)
    box.reject()


def walk_dialogs(fit: Any, window: Any, world: World) -> None:
    session = window.session
    from intake_desktop.ui.access.add_user_dialog import AddUserDialog
    from intake_desktop.ui.access.change_passphrase_dialog import ChangePassphraseDialog
    from intake_desktop.ui.access.recovery_code_dialog import RecoveryCodeDialog
    from intake_desktop.ui.access.users_dialog import UsersDialog
    from intake_desktop.ui.keys.keys_view import KeysDialog
    from intake_desktop.ui.keys.trust_add_dialog import TrustAddDialog

    fit.dialog("keys", lambda: KeysDialog(session, window))
    fit.dialog("trust: add a device", lambda: TrustAddDialog(session, "device", window))
    fit.dialog("trust: add a recipient", lambda: TrustAddDialog(session, "recipient", window))
    fit.dialog("users", lambda: UsersDialog(session, window))
    fit.dialog("add a user", lambda: AddUserDialog(session, window))
    fit.dialog("change passphrase", lambda: ChangePassphraseDialog(session, window))

    def new_code(dialog: Any) -> None:
        dialog.replace.click()
        if fit.wait(lambda: dialog.view.isVisible(), "recovery code: the new code"):
            fit.check("recovery code: the new code", dialog)

    fit.dialog("recovery code", lambda: RecoveryCodeDialog(session, window), new_code)
    from intake_desktop.ui.cases.duplicates_view import DuplicatesDialog

    def compare(dialog: Any) -> None:
        dialog.start()
        if not fit.wait(lambda: dialog.table.rowCount() > 0, "possible duplicates"):
            return
        fit.check("possible duplicates, found", dialog)
        first_row(dialog.table)
        dialog.open_button.click()
        if dialog.comparison is not None:
            fit.check("compare two people", dialog.comparison)
            dialog.comparison.reject()

    fit.dialog(
        "possible duplicates", lambda: DuplicatesDialog(session, lambda _id: None, window), compare
    )
    from intake_desktop.ui.shell.purge_dialog import PurgeDialog

    fit.dialog("remove delivered cases", lambda: PurgeDialog(session, window))
    walk_delivery(fit, window)


def walk_delivery(fit: Any, window: Any) -> None:
    session = window.session
    from intake_desktop.ui.delivery.add_destination_dialog import AddDestinationDialog
    from intake_desktop.ui.delivery.destinations_dialog import DestinationsDialog
    from intake_desktop.ui.delivery.fetch_dialog import FetchDialog

    def s3(dialog: Any) -> None:
        dialog.s3.click()
        fit.check("add a destination: S3", dialog)

    # The world's destination was added with a key the vault made: its public line shows.
    fit.dialog("destinations", lambda: DestinationsDialog(session, window))
    fit.dialog("add a destination", lambda: AddDestinationDialog(session, window), s3)
    fit.dialog("fetch bundles", lambda: FetchDialog(session, window))


def walk_bundles(fit: Any, window: Any, world: World) -> None:
    session = window.session
    from intake_desktop.ui.bundles.export_dialog import ExportDialog
    from intake_desktop.ui.bundles.import_dialog import CONFLICTS, QUARANTINE, ImportDialog

    fit.dialog("export", lambda: ExportDialog(session, [world.case_id], window))

    def review(dialog: Any) -> None:
        ended: list[bool] = []
        dialog.batch_finished.connect(lambda: ended.append(True))
        dialog.import_files([world.clash, world.stranger])
        if not fit.wait(lambda: bool(ended), "import"):
            return
        fit.check("import: report", dialog)
        dialog.tabs.setCurrentIndex(CONFLICTS)
        fit.check("import: conflicts", dialog)
        dialog.tabs.setCurrentIndex(QUARANTINE)
        fit.check("import: quarantine", dialog)
        quarantine = dialog.quarantine
        if quarantine.table.rowCount():
            first_row(quarantine.table)
            quarantine.trust_button.click()
            if quarantine.trust_dialog is not None:
                fit.check("import: trust this device?", quarantine.trust_dialog)
                quarantine.trust_dialog.reject()

    fit.dialog("import", lambda: ImportDialog(session, window), review)
