"""Adding files in the case editor: stream them into the shown evidence record.

Small files (scans, photos) are stored at once on the GUI thread. Larger
ones stream on a thread (``CaseService.attach_files``) behind a window-modal
progress dialog, so the window keeps painting and nothing else can be edited
meanwhile; ``finished`` is emitted when that is over (stored, failed or
cancelled). Locking closes the dialog: the file being stored is stored (or
not) all the same, by the job's own connection.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...core.errors import IntakeError
from ...core.i18n import _
from ..jobs.job import Job
from ..qt import QApplication, QObject, Qt, Signal
from ..services.cases import FilesToAttach
from ..services.vocabulary import Record
from ..widgets.file_dialogs import open_files
from .attach_progress import AttachProgress

if TYPE_CHECKING:
    from .case_editor import CaseEditor

# Above this, files stream on a thread behind a progress dialog; below it
# (scans, photos: well under a second) at once, without a dialog flashing up.
BACKGROUND_BYTES = 8 << 20


def total_size(paths: list[Path]) -> int:
    """Bytes to store; an unreadable file counts 0 (storing it reports the error)."""
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


class AttachFlow(QObject):
    finished = Signal()  # a background job ended (stored, failed or cancelled)

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.progress: AttachProgress | None = None
        editor.session.about_to_lock.connect(self._lock_while_attaching)

    @property
    def job(self) -> Job | None:
        """The background job running now, if any."""
        return None if self.progress is None else self.progress.job

    def choose(self) -> None:
        paths = open_files(self.editor, _("Add files to this evidence"), "", _("All files (*)"))
        self.attach([Path(p) for p in paths])

    def attach(self, paths: list[Path]) -> None:
        editor = self.editor
        service = editor.session.cases
        if not paths or service is None or editor.case_id is None:
            return
        if self.job is not None or editor.form is not editor.forms["evidence"]:
            return
        if not editor.flush():
            return
        record_id = editor.saver.save_new_now()
        if record_id is None:
            return
        if total_size(paths) > BACKGROUND_BYTES:
            self._in_background(FilesToAttach(editor.case_id, record_id, list(paths)))
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for path in paths:
                editor.stored(service.attach(editor.case_id, path, record_id), reload=True)
        except IntakeError as exc:
            editor.message.show_message(str(exc), "error")
        finally:
            QApplication.restoreOverrideCursor()

    def _in_background(self, files: FilesToAttach) -> None:
        service = self.editor.session.cases
        if service is None:
            return
        self.progress = AttachProgress(self.editor, files, service.attach_files(files))
        self.progress.ended.connect(self._ended)
        self.progress.start()

    def _ended(self, files: FilesToAttach, record: Record | None, error: str | None) -> None:
        """The job ended (GUI thread): show what was stored, or why not."""
        progress, editor = self.progress, self.editor
        if progress is None or files is not progress.files:
            return
        job = progress.job
        self._close()
        if editor.session.cases is not None and editor.case_id == files.case_id:
            if record is not None:
                editor.stored(record, reload=True)
            elif (
                files.stored
                and editor.current is not None
                and editor.outline.item_for(files.evidence_id) is editor.current
            ):
                editor.saver.reload_current()  # files stored before the error or the cancel
        if error is not None:
            editor.message.show_message(error, "warning" if job.cancel_requested else "error")
        self.finished.emit()

    def _close(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None

    def _lock_while_attaching(self) -> None:
        """Locking: only the progress dialog goes, with the case."""
        if self.progress is not None:
            self._close()
            self.finished.emit()

    def attachment_bytes(self, sha256: str) -> bytes | None:
        """A stored file's content for the preview (None: too large, or unreadable)."""
        service = self.editor.session.cases
        if service is None:
            return None
        try:
            return service.attachment_bytes(sha256)
        except IntakeError:
            return None
