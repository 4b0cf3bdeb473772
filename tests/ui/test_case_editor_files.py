"""Evidence files in the case editor: listed and previewed, never written out decrypted."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from intake_desktop import demo
from intake_desktop.ui.case_editor import CaseEditor
from intake_desktop.ui.qt import (
    QColor,
    QDir,
    QImage,
)
from intake_desktop.ui.session import VaultSession
from tests.ui.case_editor_support import (
    select,
    stored,
)


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_attachment_is_listed_and_previewed_without_files(
    qtbot: Any,
    editor: CaseEditor,
    session: VaultSession,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    assert Path(QDir.tempPath()).resolve() == temp.resolve()
    inputs = tmp_path / "input"
    inputs.mkdir()
    photo = inputs / "tazkira photo.png"
    image = QImage(240, 160, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a7ab0"))
    assert image.save(str(photo))
    vault_dir = session.path
    before = _files(vault_dir)

    evidence_id = select(editor, "evidence", 1)
    monkeypatch.setattr(
        "intake_desktop.ui.file_dialogs.QFileDialog.getOpenFileNames",
        lambda *args, **kwargs: ([str(photo)], ""),
    )
    editor.attachments.add_button.click()
    view = editor.attachments
    assert view.table.rowCount() == 1
    assert view.table.item(0, 0).text() == "tazkira photo.png"
    assert view.table.item(0, 1).text() == "image/png"
    assert not view.image.pixmap().isNull()
    assert "Stored encrypted in this vault" in view.note.text()
    body = stored(session, evidence_id).body
    assert body["attachments"][0]["filename"] == "tazkira photo.png"
    assert body["description"] == "Letter 1"
    assert editor.saver.state == "saved"

    assert _files(vault_dir) - before == set()
    assert _files(temp) == set()
    assert _files(inputs) == {"tazkira photo.png"}


def test_new_evidence_takes_files_and_shows_details(
    editor: CaseEditor, session: VaultSession, tmp_path: Path
) -> None:
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(demo.demo_files()[3][1])
    editor.add_record("evidence")
    editor.attach_files([letter])
    view = editor.attachments
    assert view.table.rowCount() == 1
    assert view.image.pixmap().isNull()
    text = view.details.text()
    assert "application/pdf" in text and "No preview" in text
    sha = view.items[0]["sha256"]
    assert view.hash.text().startswith(sha[:8] + " " + sha[8:16])
    assert editor.outline.currentItem().text(0) == "letter.pdf"
    assert session.cases is not None
    assert len(session.cases.children(editor.case_id, "evidence")) == 4


# Locking
