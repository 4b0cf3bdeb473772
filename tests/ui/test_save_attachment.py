""" "Save as…" on an evidence file: the warning, the original name proposed, the exact bytes.

A real vault and the real case editor; only Qt's file dialog answers by
itself (a monkeypatched ``getSaveFileName`` that records what it proposed).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.jobs.job import Jobs
from intake_desktop.ui.qt import QAbstractButton, QMessageBox, Qt
from intake_desktop.ui.services.session import VaultSession

pytestmark = pytest.mark.usefixtures("jobs_end")
SAVE = "intake_desktop.ui.widgets.file_dialogs.QFileDialog.getSaveFileName"
NAME = "نامه\u200cی داکتر.pdf"
DATA = b"%PDF-1.4\n" + os.urandom(300_000)


@pytest.fixture
def shown(editor: CaseEditor, session: VaultSession, tmp_path: Path) -> str:
    """An evidence record of the case with one file, shown in the editor; its id."""
    assert session.cases is not None and editor.case_id is not None
    source = tmp_path / "in" / NAME
    source.parent.mkdir()
    source.write_bytes(DATA)
    record = session.cases.attach(editor.case_id, source)
    editor.open_case(editor.case_id)
    item = editor.outline.item_for(record.id)
    assert item is not None
    editor.outline.setCurrentItem(item)
    assert editor.attachments.table.rowCount() == 1
    return record.id


class FileDialog:
    """Qt's save dialog, answering ``answer`` and keeping what it was asked."""

    def __init__(self, answer: Path | None) -> None:
        self.answer = answer
        self.proposed: list[str] = []

    def __call__(self, _parent: object, _title: str, suggested: str, *args: Any, **kw: Any) -> Any:
        self.proposed.append(suggested)
        return (str(self.answer) if self.answer else "", "")


def _warning(qtbot: Any, editor: CaseEditor) -> QMessageBox:
    assert editor.attachments.save_button.isEnabled()
    editor.attachments.save_button.click()
    box = editor.save_as.warning
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "not be encrypted" in box.text() and "stays on this computer" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    return box


def _button(box: QMessageBox, text: str) -> QAbstractButton:
    (found,) = [b for b in box.buttons() if b.text() == text]
    return found


def test_save_anyway_writes_the_exact_bytes_under_the_chosen_name(
    qtbot: Any, editor: CaseEditor, shown: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "saved" / "letter.pdf"
    out.parent.mkdir()
    dialog = FileDialog(out)
    monkeypatch.setattr(SAVE, dialog)
    box = _warning(qtbot, editor)
    with qtbot.waitSignal(editor.save_as.ended, timeout=30_000):
        _button(box, "Save anyway").click()
    assert [Path(p).name for p in dialog.proposed] == [NAME]  # the original name proposed
    assert out.read_bytes() == DATA
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert os.listdir(out.parent) == ["letter.pdf"]  # no temporary file beside it
    assert editor.message.level == "warning"
    assert "not encrypted" in editor.message.text
    qtbot.waitUntil(lambda: not Jobs.of_app().running)


def test_cancel_writes_nothing_and_asks_no_file(
    qtbot: Any, editor: CaseEditor, shown: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = FileDialog(tmp_path / "never.pdf")
    monkeypatch.setattr(SAVE, dialog)
    box = _warning(qtbot, editor)
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert dialog.proposed == []
    assert not (tmp_path / "never.pdf").exists()
    assert not Jobs.of_app().running


def test_no_file_chosen_writes_nothing(
    qtbot: Any, editor: CaseEditor, shown: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = FileDialog(None)
    monkeypatch.setattr(SAVE, dialog)
    before = set(tmp_path.rglob("*"))
    _button(_warning(qtbot, editor), "Save anyway").click()
    assert len(dialog.proposed) == 1
    assert editor.save_as.job is None
    assert set(tmp_path.rglob("*")) == before


def test_an_existing_file_is_kept_and_the_reason_shown(
    qtbot: Any, editor: CaseEditor, shown: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "mine.pdf"
    out.write_bytes(b"mine")
    monkeypatch.setattr(SAVE, FileDialog(out))
    box = _warning(qtbot, editor)
    with qtbot.waitSignal(editor.save_as.ended, timeout=30_000):
        _button(box, "Save anyway").click()
    assert out.read_bytes() == b"mine"
    assert editor.message.level == "error"
    assert "already exists" in editor.message.text


def test_the_button_is_reachable_and_explained(editor: CaseEditor, shown: str) -> None:
    button = editor.attachments.save_button
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert "not encrypted" in button.toolTip()
    assert button.accessibleName()
    editor.attachments.set_items([])
    assert not button.isEnabled()  # nothing to save
