"""Untranslated strings are visible: every screen in the pseudo-locale, read back.

The app runs in the pseudo-locale (``docs/translating.md``), where every
message that goes through the catalog comes back accented and in ⟦brackets⟧.
The test then walks every screen a person can reach (the unlock screen, the
wizard, the main window, the case editor with every section and record, the
statement editor and its dialogs, export and import, keys, users, duplicates)
and reads every visible text: labels, buttons, group and tab titles, table
headers and cells, tooltips, window titles, placeholders, accessible names,
combo box items and menu entries. A text with Latin letters outside the
brackets never went through the catalog, unless it is

* data this test typed itself (``typed``), or a path, key or fingerprint it made;
* on the short allowlist below (the program's name, shortcuts, language tags);
* Qt's own standard buttons (OK, Cancel, Next), which Qt translates itself.

A failure lists each such text and where it is: wrap it in ``_()`` and run
``python packaging/i18n.py``.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton  # only the tests need the base class

from intake_desktop.core import i18n, identity
from intake_desktop.core.bundle import quarantine
from intake_desktop.core.cases import CaseStore
from intake_desktop.ui.access.add_user_dialog import AddUserDialog
from intake_desktop.ui.access.change_passphrase_dialog import ChangePassphraseDialog
from intake_desktop.ui.access.recovery_dialog import RecoveryDialog
from intake_desktop.ui.access.users_dialog import UsersDialog
from intake_desktop.ui.access.wizard import CreateVaultWizard
from intake_desktop.ui.app import DesktopApp
from intake_desktop.ui.bundles.export_dialog import ExportDialog
from intake_desktop.ui.bundles.import_dialog import CONFLICTS, QUARANTINE, ImportDialog
from intake_desktop.ui.cases.duplicates_view import DuplicatesDialog
from intake_desktop.ui.editor.certify_dialog import CertifyDialog
from intake_desktop.ui.editor.read_back_dialog import ReadBackDialog
from intake_desktop.ui.jobs.job import Jobs
from intake_desktop.ui.keys.keys_view import KeysDialog
from intake_desktop.ui.keys.trust_add_dialog import TrustAddDialog
from intake_desktop.ui.qt import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QModelIndex,
    QPlainTextEdit,
    QSettings,
    Qt,
    QTabWidget,
    QToolButton,
    QWidget,
    QWizard,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow, NewCaseDialog
from intake_desktop.ui.widgets.language import LANGUAGE_WORD, InterfaceLanguage, chooser_caption
from tests.bundle_forge import export_to
from tests.helpers import make_vault
from tests.ui.test_main_window import unlock

TIMEOUT_MS = 120_000
LATIN = re.compile(r"[A-Za-z]")
PSEUDO = re.compile(r"⟦[^⟦⟧]*⟧")  # innermost first: a value formatted into a message nests
# Not English words, so never translated (docs/translating.md, "Not translated").
ALLOWED_TEXTS = {
    "intake-desktop",  # the program's name
    "fa-AF, ps, en",  # placeholders that show language tags
    "fa-AF",
    "en",
    "English",  # the languages by their own names
}
# The language chooser's caption names "language" in all three languages on purpose.
ALLOWED_TEXTS |= {chooser_caption(code) + end for code in LANGUAGE_WORD for end in ("", " ▾")}
ALLOWED = [
    re.compile(r"\bintake-desktop\b"),
    re.compile(r"\b(Ctrl|Shift|Alt)\+\S+"),  # shortcuts
    re.compile(r"\b[0-9A-Z]{4}([-\n][0-9A-Z]{4}){3,}\b"),  # fingerprints (also in lines)
    re.compile(r"\bage1[0-9a-z]{20,}"),  # an age recipient
    re.compile(r"\bRW[0-9A-Za-z+/=]{20,}"),  # a minisign public key
    re.compile(r"\b[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\b"),  # record ids
    re.compile(r"\b[0-9a-f]{4}( [0-9a-f]{4}){2,}\b"),  # a SHA-256's start, as sha256sum groups
    re.compile(r"\b[0-9A-Z]{4}(\s+[0-9A-Z]{4}){6}\b"),  # a recovery code, in groups
    re.compile(r"\bUTC\b"),  # after a time: a time zone's name, not a word
    re.compile(r"\b(fa-AF|ps|en)\b"),  # language tags in data
]

PERSON_A = "Mohammad Noor Ahmadzai"
PERSON_B = "Muhammad Nur Ahmadzay"
CASE: dict[str, Any] = {
    "title": "Rahimi walk family",
    "route": "siv",
    "priority": ["targeted_harm"],
    "external_ref": "WALK-1",
    "notes": "Walk notes typed by the test.",
    "people": [
        {"id": "p1", "full_name": "Zarmina Rahimi", "role": "principal", "sex": "female"},
        {
            "id": "p2",
            "full_name": PERSON_A,
            "names": [
                {"text": "نجیب‌الله رحیمی", "script": "arabic", "language": "fa-AF"},
                {"text": "Abdul Rahman", "kind": "father", "script": "latin"},
            ],
            "role": "family_member",
            "place_of_birth": "Khost",
            "date_of_birth": {
                "calendar": "solar_hijri",
                "precision": "year",
                "year": 1362,
                "original_text": "۱۳۶۲",
            },
        },
    ],
    "relationships": [{"person": "p1", "relative": "p2", "kind": "spouse"}],
    "identity_documents": [{"person": "p2", "kind": "tazkira", "number": "1400-0101-12345"}],
    "claims": [{"kind": "targeted_harm", "summary": "Threat letters.", "people": ["p1"]}],
    "evidence": [{"id": "e1", "kind": "document", "description": "Letter from the employer"}],
    "interviews": [{"id": "i1", "date": "2024-03-02", "place": "Kandahar", "people": ["p1"]}],
    "statements": [
        {
            "speaker": "p1",
            "interview": "i1",
            "language": "ps",
            "text": "موږ له کندهار راغلو",
            "interviewer": "Farida",
            "translation": {
                "language": "en",
                "text": "We came from Kandahar.",
                "translator": "J K",
            },
        }
    ],
    "consents": [{"person": "p1", "scope": ["share_with_counsel"], "given_on": "2024-03-02"}],
}
OTHER_CASE: dict[str, Any] = {
    "title": "Ahmadzay walk family",
    "route": "humanitarian_parole",
    "people": [
        {
            "id": "p1",
            "full_name": PERSON_B,
            "names": [{"text": "Abdurrahman", "kind": "father", "script": "latin"}],
            "date_of_birth": {"calendar": "gregorian", "precision": "year", "year": 1987},
        }
    ],
    "identity_documents": [{"person": "p1", "kind": "tazkira", "number": "1400-0101-12345"}],
    "consents": [{"person": "p1", "scope": ["share_with_counsel"]}],
}
NEW_USER = "Walk Newuser"
STRANGER = "Herat walk laptop"


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


# Reading what is on screen


def _item_texts(view: QAbstractItemView) -> Iterator[tuple[str, str]]:
    model = view.model()
    if model is None:
        return
    header = view.findChild(QHeaderView)
    if header is not None and header.isVisible():
        for section in range(header.count()):
            if not header.isSectionHidden(section):
                yield "header", str(model.headerData(section, Qt.Orientation.Horizontal) or "")

    def columns(parent: QModelIndex) -> int:
        try:
            return int(model.columnCount(parent))
        except TypeError:  # a list model: one column (columnCount is private there)
            return 1

    def rows(parent: QModelIndex, depth: int = 0) -> Iterator[tuple[str, str]]:
        for row in range(min(model.rowCount(parent), 50)):
            for column in range(columns(parent)):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if isinstance(value, str):
                        yield "cell", value
                if column == 0 and depth < 3:
                    yield from rows(index, depth + 1)

    yield from rows(QModelIndex())


def _menu_texts(menu: QMenu | None) -> Iterator[tuple[str, str]]:
    if menu is None:
        return
    for action in menu.actions():
        yield "menu entry", action.text()
        yield "menu tooltip", action.toolTip() if action.toolTip() != action.text() else ""
        yield from _menu_texts(action.menu())


def visible_texts(window: QWidget) -> Iterator[tuple[str, str]]:
    """(what, text) for every text a person can see or hear in ``window``."""
    yield "window title", window.windowTitle()
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        kind = type(widget).__name__
        yield f"{kind} tooltip", widget.toolTip()
        yield f"{kind} accessible name", widget.accessibleName()
        if isinstance(widget, QLabel):
            yield "label", widget.text()
        elif isinstance(widget, QAbstractButton):
            yield f"{kind} text", widget.text()
            if isinstance(widget, QToolButton):
                yield from _menu_texts(widget.menu())
        elif isinstance(widget, QGroupBox):
            yield "group title", widget.title()
        elif isinstance(widget, QLineEdit | QPlainTextEdit):
            yield f"{kind} placeholder", widget.placeholderText()
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield "combo item", widget.itemText(i)
        elif isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                yield "tab", widget.tabText(i)
                yield "tab tooltip", widget.tabToolTip(i)
        elif isinstance(widget, QAbstractItemView):
            for where, text in _item_texts(widget):
                yield f"{kind} {where}", text
        if isinstance(widget, QWizard):
            yield "wizard page title", widget.currentPage().title()
            yield "wizard page subtitle", widget.currentPage().subTitle()


def qt_own_texts() -> set[str]:
    """Qt's standard buttons (OK, Cancel, Next ...): Qt's catalog translates them."""
    box = QDialogButtonBox()
    for button in QDialogButtonBox.StandardButton:
        if button != QDialogButtonBox.StandardButton.NoButton:
            box.addButton(button)
    texts = {button.text() for button in box.buttons()}
    wizard = QWizard()
    texts |= {wizard.buttonText(which) for which in QWizard.WizardButton}
    box.deleteLater()
    wizard.deleteLater()
    return {t.replace("&", "") for t in texts if t}


class Walk:
    """Collects what was not translated, screen by screen."""

    def __init__(self, typed: set[str]) -> None:
        self.typed = sorted((t for t in typed if LATIN.search(t)), key=len, reverse=True)
        self.qt_own = qt_own_texts()
        self.found: dict[tuple[str, str], str] = {}
        self.screens: list[str] = []
        self.checked = 0

    def untranslated(self, text: str) -> bool:
        text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("&", "")
        text = text.replace("\u2068", "").replace("\u2069", "").replace(i18n.RLM, "")
        if text.strip() in ALLOWED_TEXTS or text.strip() in self.qt_own:
            return False
        while PSEUDO.search(text):
            text = PSEUDO.sub(" ", text)
        # Ids, keys and fingerprints first: a typed value that happens to occur
        # inside a random id ("fa", "e1") would otherwise break it up and leave
        # its letters behind as "English".
        for pattern in ALLOWED:
            text = pattern.sub(" ", text)
        for value in self.typed:
            text = text.replace(value, " ")
        return bool(LATIN.search(text))

    def screen(self, name: str, window: QWidget) -> None:
        QApplication.processEvents()
        self.screens.append(name)
        for what, text in visible_texts(window):
            self.checked += bool(text)
            if text and self.untranslated(text):
                self.found.setdefault((what, text), name)

    def report(self) -> str:
        return "\n".join(
            f"  {screen}: {what}: {text!r}" for (what, text), screen in sorted(self.found.items())
        )


# The walk


@pytest.fixture
def pseudo(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    interface = InterfaceLanguage(qapp)
    interface.apply(i18n.PSEUDO)
    yield interface
    interface.apply(i18n.ENGLISH)


@pytest.fixture(autouse=True)
def jobs_end(qtbot: Any) -> Iterator[None]:
    yield
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=TIMEOUT_MS)


def open_dialog(walk: Walk, name: str, dialog: QWidget) -> None:
    dialog.show()
    walk.screen(name, dialog)


def walk_wizard(qtbot: Any, walk: Walk, tmp_path: Path, settings: QSettings) -> None:
    fresh = VaultSession(tmp_path / "new", settings)
    wizard = CreateVaultWizard(fresh, None, kdf_target_seconds=0)  # deletes itself on close
    wizard.show()
    walk.screen("wizard: welcome", wizard)
    wizard.next()
    wizard.details.vault_name.setText("Walk laptop 1")
    wizard.details.user_name.setText("Walker")
    walk.screen("wizard: details", wizard)
    wizard.next()
    wizard.passphrase.entry.first.setText("walk river lantern seventy")
    wizard.passphrase.entry.second.setText("walk river lantern")
    walk.screen("wizard: passphrase", wizard)
    wizard.passphrase.entry.second.setText("walk river lantern seventy")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.code_page, timeout=TIMEOUT_MS)
    walk.screen("wizard: recovery code", wizard)
    wizard.code_page.view.confirm.setChecked(True)
    wizard.accept()
    fresh.lock()


def walk_case_editor(qtbot: Any, walk: Walk, window: MainWindow, case_id: str) -> None:
    window.cases.select(case_id)
    qtbot.waitUntil(lambda: window.editor.case_id == case_id, timeout=5_000)
    editor = window.editor
    walk.screen("case details", window)
    for kind, section in editor.outline.sections.items():
        editor.outline.setCurrentItem(section)
        walk.screen(f"section {kind}", window)
        if kind != "case" and section.childCount():
            editor.outline.setCurrentItem(section.child(0))
            walk.screen(f"record {kind}", window)
    # A new, empty record of every kind (its placeholders and empty choices).
    for kind in list(editor.outline.sections)[1:]:
        editor.add_record(kind)
        walk.screen(f"new {kind}", window)
    editor.outline.setCurrentItem(editor.outline.sections["statement"].child(0))
    statement = editor.records[editor.outline.currentItem().data(0, Qt.ItemDataRole.UserRole + 1)]
    open_dialog(walk, "certify", CertifyDialog(statement.body, None, "Zarghuna", window))
    open_dialog(walk, "read-back", ReadBackDialog(statement.body["language"], "Farida", window))
    open_dialog(walk, "new case", NewCaseDialog(window))


def walk_bundles(qtbot: Any, walk: Walk, window: MainWindow, tmp_path: Path) -> None:
    session = window.session
    assert session.vault is not None
    open_dialog(walk, "export", ExportDialog(session, [], window))
    stranger, _ = make_vault(tmp_path / "stranger", name=STRANGER)
    try:
        CaseStore(stranger).add_case(copy.deepcopy(OTHER_CASE))
        bundle = tmp_path / "walk.intake"
        export_to(stranger, session.vault, bundle)
    finally:
        stranger.close()
    dialog = ImportDialog(session, window)
    dialog.show()
    with qtbot.waitSignal(dialog.batch_finished, timeout=TIMEOUT_MS):
        dialog.import_files([bundle])
    assert quarantine.waiting(session.vault)
    walk.screen("import: report", dialog)
    dialog.tabs.setCurrentIndex(QUARANTINE)
    walk.screen("import: quarantine", dialog)
    dialog.quarantine.table.selectRow(0)
    dialog.quarantine.trust_button.click()
    assert dialog.quarantine.trust_dialog is not None
    walk.screen("import: trust this device?", dialog.quarantine.trust_dialog)
    dialog.quarantine.trust_dialog.reject()
    dialog.tabs.setCurrentIndex(CONFLICTS)
    walk.screen("import: conflicts", dialog)
    dialog.close()


def test_every_screen_is_translated(
    qtbot: Any,
    pseudo: InterfaceLanguage,
    locked_session: VaultSession,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    typed = set(strings_in(CASE)) | set(strings_in(OTHER_CASE))
    typed |= {
        str(locked_session.path),
        str(tmp_path),
        NEW_USER,
        STRANGER,
        "Walk laptop 1",
        "Walker",
        "farida",
    }
    typed |= {"Farida", "walk river lantern seventy", "walk river lantern", "walk.intake"}
    walk = Walk(typed)
    # The detector itself: English outside the brackets is caught, data and Qt's own are not.
    assert walk.untranslated("Saved") and walk.untranslated(i18n.pseudo("Saved") + " cases")
    assert not walk.untranslated(i18n.pseudo("Saved {title}").format(title="Rahimi walk family"))
    assert not walk.untranslated("Cancel") and not walk.untranslated("Ctrl+L")

    walk_wizard(qtbot, walk, tmp_path, settings)

    desktop = DesktopApp(locked_session, pseudo)
    window = desktop.window
    window.show()
    try:
        walk.screen("unlock", window)
        recovery = RecoveryDialog(locked_session, window)
        open_dialog(walk, "forgot the passphrase", recovery)
        recovery.reject()
        unlock(qtbot, window)
        vault = locked_session.vault
        assert vault is not None
        walk.typed = sorted(
            {*walk.typed, vault.name, identity.load(vault.conn).age_recipient},
            key=len,
            reverse=True,
        )
        store = CaseStore(vault)
        case_id = store.add_case(copy.deepcopy(CASE))
        store.add_case(copy.deepcopy(OTHER_CASE))
        window.cases.model.reload()
        walk.screen("main window", window)
        walk_case_editor(qtbot, walk, window, case_id)

        keys = KeysDialog(locked_session, window)
        open_dialog(walk, "keys", keys)
        open_dialog(walk, "add a device", TrustAddDialog(locked_session, "device", window))
        open_dialog(walk, "add a recipient", TrustAddDialog(locked_session, "recipient", window))
        open_dialog(walk, "users", UsersDialog(locked_session, window))
        open_dialog(walk, "add a user", AddUserDialog(locked_session, window))
        open_dialog(walk, "change passphrase", ChangePassphraseDialog(locked_session, window))

        duplicates = DuplicatesDialog(locked_session, lambda _case: None, window)
        duplicates.show()
        with qtbot.waitSignal(duplicates.loaded, timeout=10_000):
            duplicates.start()
        assert duplicates.table.rowCount() >= 1
        walk.screen("possible duplicates", duplicates)
        duplicates.open_button.click()
        assert duplicates.comparison is not None
        walk.screen("compare two people", duplicates.comparison)
        duplicates.comparison.reject()
        duplicates.reject()

        walk_bundles(qtbot, walk, window, tmp_path)
    finally:
        window.close()
        window.deleteLater()

    assert len(walk.screens) > 40 and walk.checked > 1000, (len(walk.screens), walk.checked)
    assert not walk.found, "not translated (wrap in _() and run packaging/i18n.py):\n" + (
        walk.report()
    )
