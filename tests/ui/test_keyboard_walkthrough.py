"""A family of four, by keyboard alone: the caseworker guide's walkthrough, key by key.

docs/guide-caseworker.md ("A family of four, by keyboard alone") lists the
keys; the test below presses the same ones, its steps numbered as the
guide's, in a real main window on a real vault. Every key goes where the
keyboard is (``QApplication.focusWidget()``): nothing picks a widget, sets a
value or clicks. Offscreen Qt has no window manager, so when a dialog closes
the test gives the main window back its activation, as a window manager
does. The result is read through the core: the case, its family, the Dari
statement, the file's bytes, and the bundle, imported by the coordinator's
vault it was encrypted for.

The walk found three defects, each with its own test at the end: Tab from a
statement's translation went round the translation's fields for ever; Enter
in the export's "Save to" opened the file chooser instead of exporting; and
the export dialog opened with the keyboard on its scroll frame.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyrage
import pytest

from intake_desktop.core import identity
from intake_desktop.core.attachments import BlobStore
from intake_desktop.core.bundle import importer
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.bundles.export_dialog import ExportDialog
from intake_desktop.ui.cases.case_list import CaseListModel
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.statement_text import StatementTextEditor
from intake_desktop.ui.qt import (
    QApplication,
    QDialog,
    QEvent,
    QFileDialog,
    QKeyEvent,
    QKeySequence,
    QSettings,
    QStandardPaths,
    Qt,
    QTimer,
    QWidget,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from tests.helpers import MINIMAL_CASE, make_vault
from tests.ui.case_editor_support import select
from tests.ui.test_main_window import unlock

HEAD, SPOUSE = "محمد کریمی", "فاطمه کریمی"
SON, DAUGHTER = "احمد کریمی", "مریم کریمی"
STATEMENT = "ما از کابل آمدیم. طالبان خانه ما را در ماه حمل ۱۴۰۰ گرفتند."
TRANSLATION = "We came from Kabul. The Taliban took our house in Hamal 1400."
TRANSLATOR = "Farida Ahmadi"
SCAN = b"%PDF-1.4\n% a tazkira scan, made up\n" + bytes(range(256)) * 8
BUNDLE_MS = 60_000


class Press(str):
    """A key by its name ("Tab", "Ctrl+Shift+H"): pressed, where a plain string is typed."""


TAB, ENTER, ESC, SPACE = Press("Tab"), Press("Return"), Press("Esc"), Press("Space")
UP, DOWN, END = Press("Up"), Press("Down"), Press("End")


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "the keyboard is nowhere: no widget has the focus"
    return widget


def keys(qtbot: Any, *presses: str) -> None:
    """Press each key, or type each string, into whatever has the keyboard then."""
    for press in presses:
        if isinstance(press, Press):
            combination = QKeySequence(press)[0]
            qtbot.keyClick(focused(), combination.key(), combination.keyboardModifiers())
            continue
        for char in press:
            if char.isascii():
                qtbot.keyClick(focused(), char)
                continue
            # QTest knows Latin-1 only: a Dari letter's key as X11 reports it, its code.
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, ord(char), Qt.KeyboardModifier.NoModifier, char)
                QApplication.sendEvent(focused(), event)


def at(name: str) -> None:
    """The keyboard is on the field the guide names (by its accessible name)."""
    assert focused().accessibleName() == name


def when_shown(kind: type, then: Callable[[], None], tries: int = 500) -> None:
    """Run ``then`` once a window of ``kind`` has the keyboard (looking for 10 s at
    most): a modal file chooser runs its own event loop, so the key that opens it
    returns only once it is closed."""
    window = QApplication.activeWindow()
    if isinstance(window, kind) and window.isVisible():
        then()
    elif tries:
        QTimer.singleShot(20, lambda: when_shown(kind, then, tries - 1))


@contextmanager
def file_choosers_shut() -> Iterator[list[str]]:
    """Shut any file chooser that opens meanwhile, and list it: a key that should not
    open one fails the test instead of leaving it waiting for a person."""
    seen: list[str] = []

    def look() -> None:
        window = QApplication.activeModalWidget()
        if isinstance(window, QFileDialog):
            seen.append(window.windowTitle())
            window.reject()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(20)
    try:
        yield seen
    finally:
        timer.stop()


def active(qtbot: Any, find: Callable[[], QWidget | None]) -> QWidget:
    """The window ``find`` names, once it is up and has the keyboard."""
    qtbot.waitUntil(lambda: (found := find()) is not None and found.isActiveWindow())
    found = find()
    assert found is not None
    return found


def back_to(qtbot: Any, window: MainWindow) -> None:
    """A dialog closed: the window manager hands the main window the keyboard again."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


@pytest.fixture(autouse=True)
def letters_start_afresh(qapp: QApplication) -> Iterator[None]:
    """A letter typed into a choice starts a new search, as after a person's pause
    (a test types faster than Qt's interval, which would join "S" and "C")."""
    interval = QApplication.keyboardInputInterval()
    QApplication.setKeyboardInputInterval(0)
    yield
    QApplication.setKeyboardInputInterval(interval)


@pytest.fixture
def qt_config(tmp_path: Path) -> Iterator[Path]:
    """Qt's own settings file (the file chooser's memory) under tmp_path, not the user's."""
    folder = tmp_path / "qt-config"
    native, user = QSettings.Format.NativeFormat, QSettings.Scope.UserScope
    QSettings.setPath(native, user, str(folder))
    yield folder
    config = QStandardPaths.StandardLocation.GenericConfigLocation
    QSettings.setPath(native, user, QStandardPaths.writableLocation(config))


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Vault]:
    """The coordinator's vault, the bundle's recipient."""
    vault, _code = make_vault(tmp_path / "office", user_name="cora", role="coordinator")
    yield vault
    vault.close()


@pytest.fixture
def window(
    qtbot: Any, locked_session: VaultSession, office: Vault, jobs_end: None
) -> Iterator[MainWindow]:
    """The field laptop's window, unlocked on an empty vault, two trusted recipients."""
    win = MainWindow(locked_session)
    qtbot.addWidget(win)
    win.resize(1366, 740)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    unlock(qtbot, win)
    field = locked_session.vault
    assert field is not None
    # Keys compared in person beforehand (the Keys screen has its own tests).
    TrustStore(field).add_recipient("Office", identity.load(office.conn).age_recipient)
    TrustStore(field).add_recipient("Counsel", str(pyrage.x25519.Identity.generate().to_public()))
    TrustStore(office).add_device("Field laptop", identity.load(field.conn).signing_key)
    yield win
    win.editor.flush()


def test_a_family_of_four_by_keyboard_alone(
    qtbot: Any, window: MainWindow, office: Vault, tmp_path: Path, qt_config: Path
) -> None:
    editor = window.editor
    scan = tmp_path / "tazkira-scan.pdf"
    scan.write_bytes(SCAN)
    stick = tmp_path / "usb"
    stick.mkdir()
    at("Search cases")  # where unlocking leaves the keyboard

    # 1. The case: Ctrl+N, the title, Tab, S for Special immigrant visa, Enter.
    keys(qtbot, Press("Ctrl+N"))
    active(qtbot, lambda: window.new_case_dialog)
    keys(qtbot, "Karimi family, Kabul", TAB, "S", ENTER)
    qtbot.waitUntil(lambda: editor.case_id is not None)
    case_id = editor.case_id
    assert case_id is not None
    back_to(qtbot, window)

    # 2. The family: Ctrl+Shift+H. Each member: the name as written, Tab, another
    #    spelling, Tab, the relationship's letter (the head has none), Tab, a letter
    #    for sex, Tab, the date of birth as written, Enter. Esc after the last one.
    keys(qtbot, Press("Ctrl+Shift+H"))
    active(qtbot, lambda: editor.household.dialog)
    at("Name as written")
    keys(qtbot, HEAD, TAB, "Mohammad Karimi", TAB, "M", TAB, "1355", ENTER)
    keys(qtbot, SPOUSE, TAB, "Fatima Karimi", TAB, "S", TAB, "F", TAB, "۱۵ حمل ۱۳۶۵", ENTER)
    keys(qtbot, SON, TAB, "Ahmad Karimi", TAB, "C", TAB, "M", TAB, "1388", ENTER)
    keys(qtbot, DAUGHTER, TAB, TAB, "C", TAB, "F", TAB, "۱۳۹۲", ENTER)
    keys(qtbot, ESC)
    qtbot.waitUntil(lambda: editor.household.dialog is None)
    back_to(qtbot, window)
    listed = window.cases.model.index(0, CaseListModel.COLUMNS.index("people"))
    qtbot.waitUntil(lambda: str(listed.data()) == "4")  # the case list counts them too

    # 3. The statement: Ctrl+2 (the outline), End, Up (Statements), Ctrl+Shift+N.
    #    Down (the speaker: the head), Tab seven times to the original's language,
    #    D for Dari, Tab, the Dari text, Tab, E for English, Tab, the translator,
    #    Tab, the translation, Tab out of the form: saved.
    keys(qtbot, Press("Ctrl+2"), END, UP, Press("Ctrl+Shift+N"))
    at("Speaker")
    keys(qtbot, DOWN, *[TAB] * 7)
    at("Original language")
    keys(qtbot, "D", TAB, STATEMENT, TAB, "E", TAB, TRANSLATOR, TAB, TRANSLATION, TAB)
    assert not editor.stack.isAncestorOf(focused())  # out of the form (it went round)

    # 4. The scan: Ctrl+2, Up three times (Evidence), Ctrl+Shift+N, Tab, a
    #    description, Tab five times to "Add files…", Space; in the file chooser the
    #    file's whole path, Enter.
    keys(qtbot, Press("Ctrl+2"), UP, UP, UP, Press("Ctrl+Shift+N"))
    at("Kind of evidence")
    keys(qtbot, TAB, "Tazkira of Mohammad Karimi", *[TAB] * 5)
    at("Add files to this evidence")
    when_shown(QFileDialog, lambda: keys(qtbot, str(scan), ENTER))
    keys(qtbot, SPACE)
    back_to(qtbot, window)
    assert [f["filename"] for f in editor.attachments.items] == ["tazkira-scan.pdf"]
    remembered = QSettings(QSettings.Scope.UserScope, "QtProject")
    remembered.setFallbacksEnabled(False)  # this file only, not the system's
    assert remembered.fileName().startswith(str(qt_config)) and not remembered.allKeys()

    # 5. The consent: Ctrl+2, End (Consents), Ctrl+Shift+N, Down (the head), Tab,
    #    Space (Share with counsel), Ctrl+S.
    keys(qtbot, Press("Ctrl+2"), END, Press("Ctrl+Shift+N"), DOWN, TAB)
    at("Share with counsel")
    keys(qtbot, SPACE, Press("Ctrl+S"))
    assert window.save_state.text() == "All changes saved"

    # 6. Export: Ctrl+E (the case chosen in the list is ticked), Tab to the
    #    recipients, Down (Office), Space, Tab to "Save to", the USB stick's folder,
    #    Enter; Enter again closes the result.
    keys(qtbot, Press("Ctrl+E"))
    export = active(qtbot, lambda: window.findChild(ExportDialog))
    assert isinstance(export, ExportDialog)
    at("The selected case")
    keys(qtbot, TAB, DOWN, SPACE, TAB)
    at("Bundle file")
    with file_choosers_shut() as choosers:
        keys(qtbot, f"{stick}/", ENTER)
        qtbot.waitUntil(lambda: export.written is not None or bool(choosers), timeout=BUNDLE_MS)
    assert not choosers, "Enter in Save to opened the file chooser"
    written = export.written
    assert written is not None and written.cases == 1 and written.attachments == 1
    keys(qtbot, ENTER)
    qtbot.waitUntil(lambda: window.findChild(ExportDialog) is None)

    # What the keys made, read through the core.
    field = window.session.vault
    assert field is not None
    case = CaseStore(field).document(case_id)
    assert (case["title"], case["route"]) == ("Karimi family, Kabul", "siv")
    family_as_typed(case)
    statement = case["statements"][0]
    people = {p["id"]: p["full_name"] for p in case["people"]}
    assert people[statement["speaker"]] == HEAD
    assert statement["language"] == "fa-AF" and statement["text"] == STATEMENT
    assert statement["translation"] == {
        "language": "en",
        "text": TRANSLATION,
        "translator": TRANSLATOR,
    }
    (evidence,) = case["evidence"]
    assert evidence["description"] == "Tazkira of Mohammad Karimi"
    (file,) = evidence["attachments"]
    assert file["filename"] == "tazkira-scan.pdf"
    assert file["sha256"] == hashlib.sha256(SCAN).hexdigest()
    assert b"".join(BlobStore(field).chunks(file["sha256"])) == SCAN
    (consent,) = case["consents"]
    assert consent["scope"] == ["share_with_counsel"] and people[consent["person"]] == HEAD

    # The bundle, on the stick, opens in the coordinator's vault with all of it.
    assert written.path.parent == stick and written.path.is_file()
    assert importer.import_bundle(office, written.path).status == importer.MERGED
    arrived = CaseStore(office).document(case_id)
    family_as_typed(arrived)
    assert arrived["statements"][0]["text"] == STATEMENT
    assert b"".join(BlobStore(office).chunks(file["sha256"])) == SCAN


def family_as_typed(case: dict[str, Any]) -> None:
    """Four people, one head, three relationships to the head, names and dates as typed."""
    people = {p["full_name"]: p for p in case["people"]}
    assert set(people) == {HEAD, SPOUSE, SON, DAUGHTER}
    assert [n for n, p in people.items() if p["head_of_household"]] == [HEAD]
    head = people[HEAD]["id"]
    names = {p["id"]: n for n, p in people.items()}
    assert sorted((names[r["relative"]], r["kind"]) for r in case["relationships"]) == sorted(
        [(SPOUSE, "spouse"), (SON, "child"), (DAUGHTER, "child")]
    )
    assert all(r["person"] == head for r in case["relationships"])
    assert [n["text"] for n in people[HEAD]["names"]] == [HEAD, "Mohammad Karimi"]
    assert [people[n]["sex"] for n in (HEAD, SPOUSE, SON, DAUGHTER)] == [
        "male",
        "female",
        "male",
        "female",
    ]
    born = people[SPOUSE]["date_of_birth"]
    assert born["original_text"] == "۱۵ حمل ۱۳۶۵"
    assert (born["calendar"], born["year"], born["month"], born["day"]) == (
        "solar_hijri",
        1365,
        1,
        15,
    )
    assert people[DAUGHTER]["date_of_birth"]["original_text"] == "۱۳۹۲"


# The defects the walk found


def test_tab_from_a_statements_translation_leaves_the_statement(
    qtbot: Any, editor: CaseEditor
) -> None:
    """Tab from the translation went to the translation's language box, round and round."""
    select(editor, "statement")
    texts = editor.forms["statement"].editor("text")
    assert isinstance(texts, StatementTextEditor)
    pair = texts.pair
    pair.language.combo.setFocus()
    walked = []
    for _step in range(5):
        keys(qtbot, TAB)
        walked.append(focused().accessibleName() if pair.isAncestorOf(focused()) else "out")
    assert walked == [
        "Original text",
        "Translation language",
        "Translator",
        "Translation text",
        "out",
    ]
    pair.translation.setFocus()
    keys(qtbot, Press("Shift+Tab"), Press("Shift+Tab"), Press("Shift+Tab"))
    at("Original text")


@pytest.fixture
def export_dialog(qtbot: Any, session: VaultSession, jobs_end: None) -> Iterator[ExportDialog]:
    vault = session.vault
    assert vault is not None
    for name in ("Counsel", "Office"):
        TrustStore(vault).add_recipient(name, str(pyrage.x25519.Identity.generate().to_public()))
    case_id = CaseStore(vault).add_case(MINIMAL_CASE)
    dialog = ExportDialog(session, [case_id])
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(dialog)
    dialog.show()
    active(qtbot, lambda: dialog)
    yield dialog
    dialog.done(QDialog.DialogCode.Rejected.value)


def test_the_export_dialog_opens_with_the_keyboard_on_the_case_choice(
    qtbot: Any, export_dialog: ExportDialog
) -> None:
    """It opened on its scroll frame, where no key did anything; Tab went there too."""
    assert focused() is export_dialog.selected_radio
    keys(qtbot, TAB)
    assert focused() is export_dialog.recipient_list
    keys(qtbot, Press("Shift+Tab"), Press("Shift+Tab"))
    assert focused() is export_dialog.close_button


def test_enter_in_save_to_exports(qtbot: Any, export_dialog: ExportDialog, tmp_path: Path) -> None:
    """Enter in "Save to" opened the file chooser: the first button there had become
    the dialog's default, Export having been made default before it was in the dialog."""
    keys(qtbot, TAB, SPACE, TAB)  # Counsel ticked, then "Save to"
    assert focused() is export_dialog.output
    with file_choosers_shut() as choosers:
        keys(qtbot, f"{tmp_path}/", ENTER)
        qtbot.waitUntil(
            lambda: export_dialog.written is not None or bool(choosers), timeout=BUNDLE_MS
        )
    assert not choosers, "Enter in Save to opened the file chooser"
    assert export_dialog.written is not None and export_dialog.written.path.parent == tmp_path
