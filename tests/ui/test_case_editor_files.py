"""Evidence files in the case editor: listed and previewed, never written out decrypted."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from intake_desktop import demo
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.editor.case_editor import CaseEditor
from intake_desktop.ui.editor.save_state import SaveState
from intake_desktop.ui.qt import (
    QColor,
    QDir,
    QImage,
    QProgressDialog,
    QPushButton,
    Qt,
)
from intake_desktop.ui.services.session import VaultSession
from tests.helpers import PASSPHRASE
from tests.ui.case_editor_support import (
    select,
    stored,
)
from tests.ui.stall import gaps_while


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
        "intake_desktop.ui.widgets.file_dialogs.QFileDialog.getOpenFileNames",
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
    assert editor.saver.state == SaveState.SAVED

    # The vault gained one encrypted blob file (a random name, no plaintext in it), nothing else.
    new = _files(vault_dir) - before
    (blob,) = [n for n in new if re.fullmatch(r"blobs/[0-9a-f]{32}", n)]
    assert new - {blob} <= {"blobs", "blobs/.keep"}
    content = (vault_dir / blob).read_bytes()
    assert photo.read_bytes()[16:80] not in content and b"tazkira" not in content
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
    assert len(session.cases.records_of(editor.case_id, "evidence")) == 4


# Locking


# Large files: streamed on a thread behind a progress dialog


@dataclass
class Large:
    path: Path  # 48 MiB of random bytes
    evidence_id: str  # the evidence record shown in the editor
    attachments: list[dict[str, Any]]  # what it listed before


@pytest.fixture
def large(editor: CaseEditor, session: VaultSession, tmp_path: Path, jobs_end: None) -> Large:
    path = tmp_path / "interview recording.mp4"
    with path.open("wb") as out:
        for _ in range(48):
            out.write(os.urandom(1 << 20))
    evidence_id = select(editor, "evidence", 0)
    return Large(path, evidence_id, stored(session, evidence_id).body["attachments"])


def _blob_rows(session: VaultSession) -> tuple[int, int]:
    """(complete blobs, chunk rows) as another connection sees them."""
    assert session.vault is not None
    other = session.vault.clone()
    try:
        blobs = other.conn.execute("SELECT count(*) FROM blobs WHERE complete = 1").fetchone()
        chunks = other.conn.execute("SELECT count(*) FROM blob_chunks").fetchone()
        return int(blobs[0]), int(chunks[0])
    finally:
        other.close()


def test_a_large_file_streams_on_a_thread_while_the_window_keeps_painting(
    qtbot: Any, editor: CaseEditor, session: VaultSession, large: Large
) -> None:
    big, evidence_id, before = large.path, large.evidence_id, len(large.attachments)
    blobs_before = _blob_rows(session)[0]
    ended: list[bool] = []
    editor.attaching_finished.connect(lambda: ended.append(True))

    def start() -> None:
        editor.attach_files([big])
        # Returned at once: the job runs, behind a dialog that blocks the window.
        assert editor.attach_job is not None and editor.attach_job.is_running
        dialog = editor.findChild(QProgressDialog)
        assert dialog is not None and dialog.isVisible()
        assert dialog.windowModality() == Qt.WindowModality.WindowModal

    longest = gaps_while(qtbot, lambda: bool(ended), start)
    print(f"\nlongest GUI-thread stall while storing 48 MiB: {longest:.1f} ms")
    assert longest < 250  # storing 48 MiB on the GUI thread stops it for about a second

    assert editor.attach_job is None
    assert (
        editor.findChild(QProgressDialog) is None
        or not editor.findChild(QProgressDialog).isVisible()
    )
    items = stored(session, evidence_id).body["attachments"]
    assert len(items) == before + 1
    assert items[-1]["filename"] == "interview recording.mp4"
    assert items[-1]["size"] == 48 << 20
    assert items[-1]["sha256"] == hashlib.sha256(big.read_bytes()).hexdigest()
    assert _blob_rows(session)[0] == blobs_before + 1
    assert editor.attachments.table.rowCount() == before + 1  # the form shows it
    assert editor.saver.state == SaveState.SAVED


def test_cancelling_a_large_file_stores_nothing_of_it(
    qtbot: Any, editor: CaseEditor, session: VaultSession, large: Large
) -> None:
    big, evidence_id, before = large.path, large.evidence_id, large.attachments
    rows_before = _blob_rows(session)
    with qtbot.waitSignal(editor.attaching_finished, timeout=120_000):
        editor.attach_files([big])
        dialog = editor.findChild(QProgressDialog)
        assert dialog is not None
        dialog.findChild(QPushButton).click()  # its Cancel button
    assert stored(session, evidence_id).body["attachments"] == before
    assert _blob_rows(session) == rows_before  # not one chunk of it left behind
    assert editor.message.isVisible()
    assert "cancelled" in editor.message.label.text()
    assert editor.attach_job is None


def test_locking_while_a_large_file_streams_still_stores_it_whole(
    qtbot: Any, editor: CaseEditor, session: VaultSession, large: Large
) -> None:
    big, evidence_id, count = large.path, large.evidence_id, len(large.attachments)
    with qtbot.waitSignal(editor.attaching_finished, timeout=10_000):
        editor.attach_files([big])
        job = editor.attach_job
        assert job is not None
        session.lock()  # the idle lock, or the Lock button
    assert session.vault is None
    assert editor.attach_job is None
    qtbot.waitUntil(lambda: not job.is_running, timeout=120_000)
    vault = Vault.open(session.path, PASSPHRASE)
    try:
        items = RecordStore(vault).get(evidence_id).body["attachments"]
        assert len(items) == count + 1
        assert items[-1]["size"] == 48 << 20
    finally:
        vault.close()
