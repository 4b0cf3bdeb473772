"""Export's "Save to" read as typed, and the dialog on a small screen (issue 14, items 2 and 5).

Typing an absolute path used to raise on every keystroke ("/" has no file
name) and leave Export enabled doing nothing; a folder typed as
``/media/usb/`` became ``/media/usb.intake`` beside it. The folder a bundle
went to (a USB stick) is remembered for the session only. In a window at
its smallest, the recipients' help text was drawn over their table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyrage
import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.i18n import ENGLISH
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.bundles.export_dialog import ExportDialog
from intake_desktop.ui.qt import QApplication, QLabel, QSettings, Qt, QWidget
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import FSI, PDI
from intake_desktop.ui.widgets.language import InterfaceLanguage
from tests.helpers import MINIMAL_CASE, PASSPHRASE
from tests.ui.bundle_dialog_support import TIMEOUT_MS, check_recipients, open_session, vault_of

pytestmark = pytest.mark.usefixtures("jobs_end")

# A folder named after a family, as a stick's folder may be: never in Qt's settings.
STICK = "Ahmadzai family stick"


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


@pytest.fixture
def field(session: VaultSession) -> VaultSession:
    vault = vault_of(session)
    for name in ("Office", "Counsel (Smith & Rahimi LLP)"):
        TrustStore(vault).add_recipient(name, str(pyrage.x25519.Identity.generate().to_public()))
    CaseStore(vault).add_case(MINIMAL_CASE)
    return session


def type_path(qtbot, dialog: ExportDialog, text: str) -> None:
    """Clear "Save to" and type ``text`` key by key, as a person would."""
    dialog.output.clear()
    qtbot.keyClicks(dialog.output, text)


def test_a_path_is_checked_as_it_is_typed_and_a_folder_means_a_new_file_in_it(
    qtbot, field: VaultSession, tmp_path: Path
) -> None:
    stick = tmp_path / "media" / STICK
    stick.mkdir(parents=True)
    (stick / "taken.intake").write_bytes(b"an earlier bundle")
    dialog = ExportDialog(field, [])
    dialog.show()
    check_recipients(dialog, "Office")
    note = dialog.save_to.note
    before = (note.geometry(), dialog.export_button.geometry(), dialog.form.height())
    today = dt.date.today().isoformat()

    # Every keystroke of an absolute path is read without an error (pytest-qt
    # fails the test on an exception in a slot); the folder means a file in it.
    type_path(qtbot, dialog, f"{stick}/")
    assert dialog.output_path() == stick / f"field-{today}.intake"
    assert dialog.output_path() != stick.with_suffix(".intake")
    assert plain(note.text()) == (
        f"A folder: the bundle will be a new file in it, field-{today}.intake."
    )
    assert dialog.export_button.isEnabled()
    type_path(qtbot, dialog, str(stick))  # the same folder without the slash
    assert dialog.output_path() == stick / f"field-{today}.intake"

    refusals = {
        str(tmp_path / "nowhere") + "/": f"There is no folder {tmp_path / 'nowhere'}.",
        str(tmp_path / "nowhere" / "x.intake"): f"There is no folder {tmp_path / 'nowhere'}.",
        str(stick / "taken"): (
            "taken.intake is already there, and a bundle never replaces a file: type another name."
        ),
        "bundle.intake": "Type the whole path, starting with /, or use Choose….",
        "": "Type where to save the bundle, or use Choose….",
    }
    for typed, message in refusals.items():
        type_path(qtbot, dialog, typed)
        assert dialog.output_path() is None, typed
        assert plain(note.text()) == message
        assert not dialog.export_button.isEnabled()
        assert plain(dialog.export_button.accessibleDescription()) == message
        # Said without moving anything: the buttons stay under the pointer.
        assert (note.geometry(), dialog.export_button.geometry(), dialog.form.height()) == before

    type_path(qtbot, dialog, str(stick / "for the office"))
    assert dialog.output_path() == stick / "for the office.intake"
    assert note.text() == "" and dialog.export_button.isEnabled()
    dialog.close()


def test_the_folder_last_used_is_remembered_for_the_session_only(
    qtbot, field: VaultSession, tmp_path: Path, settings: QSettings
) -> None:
    stick = tmp_path / STICK
    stick.mkdir()
    dialog = ExportDialog(field, [])
    dialog.show()
    check_recipients(dialog, "Office")
    type_path(qtbot, dialog, f"{stick}/")
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS) as written:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert written.args[0].path.parent == stick
    dialog.close()

    again = ExportDialog(field, [])
    assert Path(again.output.text()).parent == stick  # the stick again, a new name
    assert again.output_path() is not None and not again.output_path().exists()
    again.close()

    settings.sync()
    stored = Path(settings.fileName())
    assert not stored.exists() or STICK not in stored.read_text(encoding="utf-8", errors="replace")
    qt_own = QSettings(QSettings.Scope.UserScope, "QtProject")
    assert not any(STICK in str(qt_own.value(key)) for key in qt_own.allKeys())

    path = vault_of(field).path
    field.lock()
    reopened = open_session(path, settings, Vault.open(path, PASSPHRASE))
    try:
        fresh = ExportDialog(reopened, [])
        assert Path(fresh.output.text()).parent != stick  # forgotten with the lock
        fresh.close()
    finally:
        reopened.lock()


@pytest.fixture
def interface(qapp: QApplication) -> Iterator[InterfaceLanguage]:
    live = InterfaceLanguage(qapp)
    yield live
    live.apply(ENGLISH)


def overlaps(widget: QWidget, other: QWidget, top: QWidget) -> bool:
    mine = widget.geometry().translated(widget.parentWidget().mapTo(top, widget.pos() * 0))
    theirs = other.geometry().translated(other.parentWidget().mapTo(top, other.pos() * 0))
    return mine.intersects(theirs)


@pytest.mark.parametrize("language", ["en", "fa_AF", "ps"])
def test_the_help_text_never_covers_the_recipients_even_in_the_smallest_window(
    qtbot, field: VaultSession, interface: InterfaceLanguage, language: str
) -> None:
    interface.apply(language)
    dialog = ExportDialog(field, [])
    dialog.show()
    check_recipients(dialog, "Office", "Counsel (Smith & Rahimi LLP)")
    assert dialog.withheld_note.isVisible()
    for size in (dialog.minimumSizeHint(), dialog.minimumSize()):
        dialog.resize(size)
        QApplication.processEvents()
        labels = [
            label
            for label in dialog.recipients.findChildren(QLabel)
            if label.isVisible() and label.wordWrap() and label.text()
        ]
        assert len(labels) == 2  # the help text and the note on withheld names
        for label in labels:
            # Each label has the height its lines need, and lies beside the table.
            assert label.height() >= label.heightForWidth(label.width()), label.text()
            assert not overlaps(label, dialog.recipient_list, dialog), label.text()
        assert dialog.save_to.note.height() >= dialog.save_to.note.fontMetrics().lineSpacing()
    dialog.close()


def test_a_long_path_is_shown_whole_and_never_widens_the_dialog(
    qtbot, field: VaultSession, tmp_path: Path
) -> None:
    """A written bundle's path has no space to wrap at: as a label it was cut at the edge."""
    folder = tmp_path / ("a-usb-stick-with-a-long-name-" * 6) / ("cases-for-counsel-" * 6)
    folder.mkdir(parents=True)
    dialog = ExportDialog(field, [])
    dialog.resize(640, 600)
    dialog.show()
    check_recipients(dialog, "Office")
    type_path(qtbot, dialog, str(folder) + "/")
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS) as blocker:
        dialog.start_export()
    shown = dialog.result_box.path
    assert shown.text() == str(blocker.args[0].path)  # whole, to copy exactly
    assert shown.minimumSizeHint().width() < 400  # it scrolls; the dialog need not grow
    assert dialog.minimumSizeHint().width() <= 1280
    # The file's name, at the end, is what is in view (the line scrolls when painted).
    shown.grab()
    end = shown.cursorRect().right()
    assert shown.cursorPosition() == len(shown.text()) and 0 <= end <= shown.width() + 1
    dialog.close()
