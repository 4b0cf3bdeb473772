"""Screenshots of every screen, from the real app on invented demo data.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/take.py [OUT_DIR]
    INTAKE_LANGUAGE=pseudo python docs/screenshots/take.py /tmp/shots   # or fa_AF, ps
    python docs/screenshots/take.py --languages [OUT_DIR]   # the Dari and Pashto ones

Builds two throwaway vaults (a field laptop and a coordinator) in a
temporary folder, drives the main window and its dialogs as a person would,
and saves PNGs (default: this folder). Nothing here touches a real vault.

``--languages`` writes only the interface in Dari and Pashto, right to left:
``fa_AF-main.png`` (a case open) and ``fa_AF-statement.png`` (the statement
editor, as a translator sees it), and the same for ``ps``. Run it again
after the translators' catalogs are merged.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pyrage

from intake_desktop import demo
from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.bundle.format import RecipientRef
from intake_desktop.core.bundle.importer import import_bundle
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.certification import TranslatorDetails
from intake_desktop.core.files import restrict_umask
from intake_desktop.core.identity import load
from intake_desktop.core.records import RecordStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.access.users_dialog import UsersDialog
from intake_desktop.ui.access.wizard import CreateVaultWizard
from intake_desktop.ui.bundles.export_dialog import ExportDialog
from intake_desktop.ui.bundles.import_dialog import ImportDialog
from intake_desktop.ui.editor.certify_dialog import CertifyDialog
from intake_desktop.ui.keys.keys_view import KeysDialog
from intake_desktop.ui.qt import (
    QApplication,
    QPainter,
    QProgressDialog,
    QSettings,
    Qt,
    QThread,
    QWidget,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.widgets.language import InterfaceLanguage

PASSPHRASE = "screenshots only, never real"
SIZE = (1280, 800)
LANGUAGE_SHOTS = ("fa_AF", "ps")


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def save(app: QApplication, widget: QWidget, out: Path, name: str) -> None:
    settle(app)
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not save {path}")
    print(path)


def save_over(app: QApplication, window: QWidget, dialog: QWidget, out: Path, name: str) -> None:
    """The window with a dialog drawn where it sits (offscreen grabs are per window)."""
    settle(app)
    shot = window.grab()
    painter = QPainter(shot)
    painter.drawPixmap(dialog.geometry().topLeft() - window.geometry().topLeft(), dialog.grab())
    painter.end()
    path = out / f"{name}.png"
    if not shot.save(str(path)):
        raise SystemExit(f"could not save {path}")
    print(path)


def add_files_progress(app: QApplication, window: MainWindow, root: Path, out: Path) -> None:
    """ "Add files…" with a recording large enough to stream behind the progress dialog."""
    recording = root / "interview recording.mp4"  # random bytes: no case content
    with recording.open("wb") as f:
        for _ in range(512):
            f.write(os.urandom(1 << 20))
    editor = window.editor
    editor.attach_files([recording])
    dialog = editor.findChild(QProgressDialog)
    for _ in range(1000):
        settle(app, 2)
        QThread.msleep(10)
        if dialog is None or dialog.value() >= 300:
            break
    if dialog is not None and editor.attach_job is not None:
        save_over(app, window, dialog, out, "editor-add-files")
        editor.attach_job.cancel()
    while editor.attach_job is not None:
        settle(app, 2)
        QThread.msleep(10)
    editor.message.hide_message()
    recording.unlink()


def best_case(vault: Vault, ids: list[str]) -> str:
    """A case that shows a lot: an image, a Dari statement, documents, a family."""
    from intake_desktop.core.cases import CaseStore

    store = CaseStore(vault)

    def score(case_id: str) -> tuple[bool, bool, bool, int]:
        doc = store.document(case_id)
        files = [a for e in doc["evidence"] for a in e["attachments"]]
        return (
            any(a["media_type"].startswith("image/") for a in files),
            any(s["language"] == "fa-AF" for s in doc["statements"]),
            bool(doc["identity_documents"]),
            len(doc["people"]),
        )

    return max(ids, key=score)


def wait_for(app: QApplication, done: object) -> None:
    """Up to a minute, in real time, for a bundle job to end."""
    for _ in range(1200):
        settle(app, 5)
        QThread.msleep(50)
        if done():  # type: ignore[operator]
            break


def refuse_consent(vault: Vault, case_ids: list[str]) -> None:
    """The first case's consent withdrawn, the others' never recorded: export refuses them."""
    records = RecordStore(vault)
    with vault.transaction():
        for n, case_id in enumerate(case_ids):
            for consent in CaseStore(vault).children(case_id, "consent"):
                if n == 0:
                    records.update(consent.id, {**consent.body, "withdrawn_on": "2026-11-20"})
                else:
                    records.delete(consent.id)


def open_statement(window: MainWindow, case_id: str) -> None:
    """The case's first statement in Dari (else its first), as a translator opens it."""
    editor = window.editor
    doc = window.session.cases.document(case_id)  # type: ignore[union-attr]
    languages = [s["language"] for s in doc["statements"]]
    index = languages.index("fa-AF") if "fa-AF" in languages else 0
    editor.outline.setCurrentItem(editor.outline.sections["statement"].child(index))


def language_shots(app: QApplication, out: Path) -> None:
    """The main window and the statement editor in Dari and in Pashto, right to left."""
    interface = InterfaceLanguage(app)
    with tempfile.TemporaryDirectory(prefix="intake-shots-") as tmp:
        root = Path(tmp)
        settings = QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat)
        vault, _ = Vault.create(
            root / "translator",
            PASSPHRASE,
            user_name="Jamshid",
            role="translator",
            name="Kabul field 1",
            kdf_target_seconds=0,
        )
        chosen = best_case(vault, demo.fill(vault, 40, seed=7))
        vault.close()
        for code in LANGUAGE_SHOTS:
            interface.apply(code)
            session = VaultSession(root / "translator", settings)
            window = MainWindow(session)
            window.resize(*SIZE)
            window.show()
            session._opened(Vault.open(root / "translator", PASSPHRASE))
            window.cases.select(chosen)
            save(app, window, out, f"{code}-main")
            open_statement(window, chosen)
            save(app, window, out, f"{code}-statement")
            session.lock()
            window.close()
            window.deleteLater()
            settle(app)
    interface.apply("en")


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--languages"]
    out = Path(args[0]) if args else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    restrict_umask()
    app = QApplication(sys.argv[:1])
    if "--languages" in sys.argv[1:]:
        language_shots(app, out)
        return 0
    # The pseudo-locale shows any text that does not go through the catalog
    # (docs/translating.md).
    InterfaceLanguage(app).apply(os.environ.get("INTAKE_LANGUAGE", "en"))
    with tempfile.TemporaryDirectory(prefix="intake-shots-") as tmp:
        root = Path(tmp)
        settings = QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat)

        # First run: the wizard.
        fresh = VaultSession(root / "new", settings)
        wizard = CreateVaultWizard(fresh, None, kdf_target_seconds=0)
        wizard.resize(760, 560)
        wizard.show()
        save(app, wizard, out, "wizard-welcome")
        wizard.next()
        wizard.details.vault_name.setText("Kabul field laptop 2")
        wizard.details.user_name.setText("Farida")
        save(app, wizard, out, "wizard-details")
        wizard.next()
        wizard.passphrase.entry.first.setText("river lantern seventy orchard")
        wizard.passphrase.entry.second.setText("river lantern seventy orchard")
        save(app, wizard, out, "wizard-passphrase")
        wizard.next()
        for _ in range(600):  # Argon2id runs on a pool thread
            settle(app, 5)
            QThread.msleep(20)
            if wizard.currentPage() is wizard.code_page:
                break
        save(app, wizard, out, "wizard-recovery-code")
        wizard.code_page.view.clear()
        fresh.lock()

        # A field laptop with demo cases, and a coordinator.
        field, _ = Vault.create(
            root / "field",
            PASSPHRASE,
            user_name="Farida",
            role="caseworker",
            name="Kabul field 1",
            kdf_target_seconds=0,
        )
        ids = demo.fill(field, 60, seed=7)
        coord, _ = Vault.create(
            root / "coord",
            PASSPHRASE,
            user_name="Omar",
            role="coordinator",
            name="Islamabad office",
            kdf_target_seconds=0,
        )
        field_keys, coord_keys = load(field.conn), load(coord.conn)
        TrustStore(field).add_recipient("Islamabad office", coord_keys.age_recipient)
        counsel = str(pyrage.x25519.Identity.generate().to_public())
        TrustStore(field).add_recipient(
            "Counsel (Smith & Rahimi LLP)", counsel, withheld_names=True
        )
        chosen = best_case(field, ids)
        field.close()

        # The lock screen and the workspace.
        session = VaultSession(root / "field", settings)
        window = MainWindow(session)
        window.resize(*SIZE)
        window.show()
        save(app, window, out, "lock-screen")
        session._opened(Vault.open(root / "field", PASSPHRASE))
        window.cases.select(chosen)
        settle(app)
        save(app, window, out, "case-list-and-editor")
        editor = window.editor
        for kind, name in (
            ("person", "editor-person"),
            ("statement", "editor-statement"),
            ("identity_document", "editor-document"),
        ):
            editor.outline.setCurrentItem(editor.outline.sections[kind].child(0))
            save(app, window, out, name)
        doc = session.cases.document(chosen)  # type: ignore[union-attr]
        index = next(i for i, e in enumerate(doc["evidence"]) if e["attachments"])
        editor.outline.setCurrentItem(editor.outline.sections["evidence"].child(index))
        save(app, window, out, "editor-evidence")
        add_files_progress(app, window, root, out)
        open_statement(window, chosen)
        settle(app)
        statement = editor.forms["statement"].editor("text").pair  # type: ignore[attr-defined]
        certify = CertifyDialog(
            statement.language.text(),
            TranslatorDetails("Jamshid Karimi", "House 12, Karte Char, Kabul", "+93 700 123 456"),
            window,
        )
        certify.show()
        save(app, certify, out, "certify-dialog")
        certify.close()
        window.cases.search.setText("محمد")
        window.cases.apply_filters()  # what the search box's pause would do
        settle(app, 60)
        save(app, window, out, "case-list-search")
        window.cases.search.clear()

        export = ExportDialog(session, [chosen], window)
        export.show()
        save(app, export, out, "export-dialog")
        export.close()
        # Two cases whose consent does not allow sharing them: refused, case by case.
        refuse_consent(session.vault, ids[50:52])  # type: ignore[arg-type]
        export = ExportDialog(session, [chosen, *ids[50:52]], window)
        export.show()
        office_item = export.recipient_list.findItems("Islamabad office", Qt.MatchFlag.MatchExactly)
        office_item[0].setCheckState(0, Qt.CheckState.Checked)
        export.set_output_path(root / "refused.intake")
        export.start_export()
        wait_for(app, lambda: export.job is None)
        export.resize(960, export.height())  # as wide as it grows on a 1366-pixel screen
        save(app, export, out, "export-consent-refused")
        export.close()
        keys = KeysDialog(session, window)
        keys.resize(980, 720)
        keys.show()
        save(app, keys, out, "keys")
        keys.close()
        users = UsersDialog(session, window)
        users.show()
        save(app, users, out, "users")
        users.close()
        # A statement opened again after a lock, with its draft (a date typed only so far).
        open_statement(window, chosen)
        date = editor.forms["statement"].editor("date").focus_widget()
        date.setText("2026-11")
        date.textEdited.emit(date.text())  # type: ignore[attr-defined]
        session.lock()
        session._opened(Vault.open(root / "field", PASSPHRASE))
        window.cases.select(chosen)
        settle(app)
        open_statement(window, chosen)
        save(app, window, out, "editor-draft")
        session.lock()

        # The coordinator: bundles from two trusted laptops (one wrote into cases the
        # other created) and one from a stranger.
        field = Vault.open(root / "field", PASSPHRASE)
        to_coord = [RecipientRef("Islamabad office", coord_keys.age_recipient, "")]
        export_bundle(field, to_coord, root / "kabul-1-earlier.intake", ids[20:22])
        export_bundle(field, to_coord, root / "kabul-1.intake", ids[:20])
        field.close()
        TrustStore(coord).add_device("Kabul field 1", field_keys.signing_key)
        import_bundle(coord, root / "kabul-1-earlier.intake")
        herat, _ = Vault.create(
            root / "herat",
            PASSPHRASE,
            user_name="Y",
            role="caseworker",
            name="Herat field 2",
            kdf_target_seconds=0,
        )
        herat_keys = load(herat.conn)
        TrustStore(coord).add_recipient("Herat field 2 recipient", herat_keys.age_recipient)
        TrustStore(herat).add_device("Islamabad office", coord_keys.signing_key)
        to_herat = [RecipientRef("Herat field 2 recipient", herat_keys.age_recipient, "")]
        export_bundle(coord, to_herat, root / "office-to-herat.intake", ids[20:22])
        import_bundle(herat, root / "office-to-herat.intake")
        for case_id in ids[20:22]:
            person = CaseStore(herat).children(case_id, "person")[0]
            with herat.transaction():
                notes = {**person.body, "notes": "Seen again in Herat."}
                RecordStore(herat).update(person.id, notes)
        export_bundle(herat, to_coord, root / "herat-2.intake", ids[20:22])
        TrustStore(coord).add_device("Herat field 2", load(herat.conn).signing_key)
        herat.close()
        stranger, _ = Vault.create(
            root / "stranger",
            PASSPHRASE,
            user_name="X",
            role="caseworker",
            name="Herat laptop 3",
            kdf_target_seconds=0,
        )
        demo.fill(stranger, 3, seed=11)
        export_bundle(stranger, to_coord, root / "herat-3.intake")
        stranger.close()
        coord.close()

        office = VaultSession(root / "coord", settings)
        office_window = MainWindow(office)
        office_window.resize(*SIZE)
        office_window.show()
        office._opened(Vault.open(root / "coord", PASSPHRASE))
        dialog = ImportDialog(office, office_window)
        dialog.resize(980, 620)
        dialog.show()
        bundles = ["kabul-1.intake", "herat-2.intake", "herat-3.intake"]
        dialog.import_files([root / name for name in bundles])
        wait_for(app, lambda: dialog.job is None and not dialog.queue)
        dialog.report.selectRow(1)  # Herat wrote into cases Kabul created
        save(app, dialog, out, "import-report")
        dialog.tabs.setCurrentIndex(1)
        save(app, dialog, out, "import-quarantine")
        dialog.close()
        save(app, office_window, out, "coordinator-cases")
        office.lock()
    app.processEvents()
    _ = Qt
    return 0


if __name__ == "__main__":
    sys.exit(main())
