"""Counsel packet… in the app: the main window's action, its dialog, a real PDF from a real vault.

The family case of the editor tests (people, a statement, evidence) in a
real vault; the dialog writes its packet through the job the case service
makes, and the PDF is read back with pikepdf.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from intake_desktop.core.cases import CaseStore
from intake_desktop.ui.jobs.job import Jobs
from intake_desktop.ui.packet import PacketDialog
from intake_desktop.ui.qt import Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("jobs_end")
JOB_TIMEOUT = 120_000


@pytest.fixture
def window(qtbot: Any, session: VaultSession, case_id: str) -> Iterator[MainWindow]:
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    win.show_workspace()
    win.cases.select(case_id)
    qtbot.waitUntil(lambda: win.editor.case_id == case_id)
    yield win


def _dialog(qtbot: Any, window: MainWindow) -> PacketDialog:
    assert window.packet_action in window.outbox_menu.actions()
    assert window.packet_action.shortcut().toString() == "Ctrl+Shift+P"
    window.packet_action.trigger()
    dialog = window.findChild(PacketDialog)
    assert isinstance(dialog, PacketDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _ended(qtbot: Any, dialog: PacketDialog) -> None:
    qtbot.waitUntil(lambda: dialog.job is None, timeout=JOB_TIMEOUT)
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=JOB_TIMEOUT)


def test_writes_a_real_packet_and_says_what_it_wrote(
    qtbot: Any, window: MainWindow, case_id: str, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, window)
    title = window.session.cases.record(case_id).body["title"]  # type: ignore[union-attr]
    assert Path(dialog.path.text()).name == f"{title}-packet.pdf"
    assert "not encrypted" in dialog.warning.text()
    out = tmp_path / "family-packet.pdf"
    dialog.path.setText(str(out))
    dialog.write_button.click()
    assert dialog.cancel_button.isVisible() and dialog.progress.isVisible()
    _ended(qtbot, dialog)
    written = dialog.written
    assert written is not None and written.files == (out,)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == written.pages > 3  # cover, checklist, index, exhibits
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert dialog.outcome.property("level") == "info"
    assert f"{written.pages} pages" in dialog.outcome.text()
    assert dialog.close_button.isVisible() and not dialog.cancel_button.isVisible()


def test_pseudonyms_change_the_proposed_name_and_reach_the_packet(
    qtbot: Any, window: MainWindow, case_id: str, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, window)
    dialog.pseudonyms.setChecked(True)
    assert Path(dialog.path.text()).name == f"{case_id[:8]}-packet.pdf"
    dialog.pseudonyms.setChecked(False)
    assert Path(dialog.path.text()).name != f"{case_id[:8]}-packet.pdf"
    dialog.path.setText(str(tmp_path / "mine.pdf"))
    dialog.pseudonyms.setChecked(True)
    assert dialog.path.text() == str(tmp_path / "mine.pdf")  # typed: kept
    dialog.split.setChecked(True)
    assert dialog.split_mb.isEnabled() and dialog.split_mb.value() == 12
    choice = dialog.choice()
    assert choice is not None
    assert (choice.out, choice.split_mb, choice.withhold_names) == (tmp_path / "mine.pdf", 12, True)
    dialog.write_button.click()
    _ended(qtbot, dialog)
    assert dialog.written is not None
    assert all(path.is_file() for path in dialog.written.files)


def test_cancel_writes_nothing(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, window)
    dialog.path.setText(str(tmp_path / "never.pdf"))
    dialog.write_button.click()
    dialog.cancel_button.click()
    _ended(qtbot, dialog)
    assert dialog.written is None
    assert dialog.outcome.property("level") == "error"
    assert "cancelled" in dialog.outcome.text()
    assert not (tmp_path / "never.pdf").exists()
    assert not any(p.name.startswith(".never.pdf") for p in tmp_path.iterdir())


def test_bad_paths_are_one_sentence_and_nothing_runs(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, window)
    dialog.path.setText("relative.pdf")
    dialog.write_button.click()
    assert dialog.job is None and dialog.outcome.property("level") == "error"
    assert "whole path" in dialog.outcome.text()
    taken = tmp_path / "taken.pdf"
    taken.write_bytes(b"mine")
    dialog.path.setText(str(taken))
    dialog.write_button.click()
    _ended(qtbot, dialog)
    assert dialog.outcome.property("level") == "error"
    assert "already exists" in dialog.outcome.text()
    assert taken.read_bytes() == b"mine"


def test_locking_closes_the_dialog_and_cancels(
    qtbot: Any, window: MainWindow, session: VaultSession, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, window)
    dialog.path.setText(str(tmp_path / "locked.pdf"))
    dialog.write_button.click()
    job = dialog.job
    assert job is not None
    session.lock()
    assert job.cancel_requested
    qtbot.waitUntil(lambda: not Jobs.of_app().running, timeout=JOB_TIMEOUT)
    assert not (tmp_path / "locked.pdf").exists()
    assert not window.packet_action.isEnabled()


def test_a_case_without_consent_for_counsel_asks_before_writing_anyway(
    qtbot: Any, session: VaultSession, tmp_path: Path
) -> None:
    assert session.vault is not None
    bare = CaseStore(session.vault).add_case({"title": "No consent yet", "route": "other"})
    dialog = PacketDialog(session, bare, "No consent yet")
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "bare.pdf"
    dialog.path.setText(str(out))
    assert not dialog.override.isVisible()
    dialog.write_button.click()
    _ended(qtbot, dialog)
    assert dialog.outcome.property("level") == "error"
    assert dialog.outcome.text().startswith("No packet was written: no consent is recorded")
    assert not out.exists() and dialog.override.isVisible() and not dialog.override.isChecked()
    dialog.override.setChecked(True)
    dialog.write_button.click()
    _ended(qtbot, dialog)
    assert dialog.written is not None and out.exists()
    actions = [r[0] for r in session.vault.conn.execute("SELECT action FROM audit_log")]
    assert "case.packet_consent_override" in actions


def test_return_in_the_file_name_writes_the_packet(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    """Return where the name is typed writes, as the button says; it opens no file chooser."""
    dialog = _dialog(qtbot, window)
    out = tmp_path / "by-keyboard.pdf"
    dialog.path.setText(str(out))
    dialog.path.setFocus()
    qtbot.waitUntil(dialog.path.hasFocus)
    assert dialog.write_button.isDefault() and not dialog.choose_button.isDefault()
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    _ended(qtbot, dialog)
    assert dialog.written is not None and out.exists()
