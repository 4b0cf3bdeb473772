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
from intake_desktop.core.certification import TranslatorDetails
from intake_desktop.core.files import restrict_umask
from intake_desktop.core.identity import load
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.certify_dialog import CertifyDialog
from intake_desktop.ui.export_dialog import ExportDialog
from intake_desktop.ui.import_dialog import ImportDialog
from intake_desktop.ui.keys_view import KeysDialog
from intake_desktop.ui.language import InterfaceLanguage
from intake_desktop.ui.main_window import MainWindow
from intake_desktop.ui.qt import (
    QApplication,
    QPainter,
    QProgressDialog,
    QSettings,
    Qt,
    QThread,
    QWidget,
)
from intake_desktop.ui.session import VaultSession
from intake_desktop.ui.users_dialog import UsersDialog
from intake_desktop.ui.wizard import CreateVaultWizard

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
        TrustStore(field).add_recipient("Counsel (Smith & Rahimi LLP)", counsel)
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
        keys = KeysDialog(session, window)
        keys.resize(980, 720)
        keys.show()
        save(app, keys, out, "keys")
        keys.close()
        users = UsersDialog(session, window)
        users.show()
        save(app, users, out, "users")
        users.close()
        session.lock()

        # The coordinator: one bundle from a trusted laptop, one from a stranger.
        field = Vault.open(root / "field", PASSPHRASE)
        to_coord = [RecipientRef("Islamabad office", coord_keys.age_recipient, "")]
        export_bundle(field, to_coord, root / "kabul-1.intake", ids[:20])
        field.close()
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
        TrustStore(coord).add_device("Kabul field 1", field_keys.signing_key)
        coord.close()

        office = VaultSession(root / "coord", settings)
        office_window = MainWindow(office)
        office_window.resize(*SIZE)
        office_window.show()
        office._opened(Vault.open(root / "coord", PASSPHRASE))
        dialog = ImportDialog(office, office_window)
        dialog.resize(980, 620)
        dialog.show()
        dialog.import_files([root / "kabul-1.intake", root / "herat-3.intake"])
        for _ in range(1200):  # up to a minute, in real time
            settle(app, 5)
            QThread.msleep(50)
            if dialog.job is None and not dialog.queue:
                break
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
