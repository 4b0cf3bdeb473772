""" "Save as…" on an evidence file: a warning, a file name, then the bytes as a job.

The one way a file leaves the vault decrypted, so the person is told first
that the copy is not encrypted and stays on this computer (Cancel is the
default). The file dialog proposes the file's original name, made safe
(``CaseService.attachment_file_name``). The content streams on a job's own
connection (``CaseService.save_attachment_as``), so a large recording never
freezes the window; a progress dialog with Cancel appears only when it takes
a while. Nothing is ever written over an existing file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.i18n import _
from ..jobs.job import Job
from ..qt import QMessageBox, QObject, QProgressDialog, Qt, Signal
from ..widgets.bidi import isolate
from ..widgets.confirm import confirm_destructive
from ..widgets.file_dialogs import save_file

if TYPE_CHECKING:
    from .case_editor import CaseEditor

PROGRESS_STEPS = 1000  # the dialog's scale (its int is 32-bit; files may exceed 2 GiB)
PROGRESS_AFTER_MS = 500  # a scan is saved before any dialog would flash up


class SaveAttachment(QObject):
    """Saving evidence files out of the case editor; ``ended`` once a save is over."""

    ended = Signal()

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.warning: QMessageBox | None = None
        self.job: Job | None = None
        self.progress: QProgressDialog | None = None
        editor.session.about_to_lock.connect(self._lock)

    def start(self, item: dict[str, Any]) -> None:
        """Warn, then (on "Save anyway") ask where and save."""
        editor = self.editor
        if editor.session.cases is None or self.job is not None or not item.get("sha256"):
            return
        name = isolate(item.get("filename") or _("(no name)"))
        self.warning = confirm_destructive(
            editor,
            _("Save a copy outside the vault"),
            _(
                "The copy of {name} will not be encrypted. It stays on this computer (or the"
                " drive you choose) until you delete it, and anyone who can open that folder"
                " can read it."
            ).format(name=name),
            _("Save anyway"),
            lambda: self._choose(item),
            QMessageBox.Icon.Warning,
        )

    def _choose(self, item: dict[str, Any]) -> None:
        editor = self.editor
        service = editor.session.cases
        if service is None or not editor.flush():
            return
        evidence_id = editor.saver.save_new_now()
        if evidence_id is None:
            return
        proposed = Path.home() / service.attachment_file_name(item)
        chosen = save_file(editor, _("Save a copy of the file"), str(proposed), _("All files (*)"))
        if not chosen:
            return
        out = Path(chosen)
        job = service.save_attachment_as(evidence_id, str(item["sha256"]), out)
        self.job = job.bind(self)
        self.progress = QProgressDialog(
            _("Saving {name}…").format(name=isolate(out.name)),
            _("Cancel"),
            0,
            PROGRESS_STEPS,
            editor,
        )
        self.progress.setWindowTitle(_("Save as"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(PROGRESS_AFTER_MS)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(job.cancel)
        job.progress.connect(self._progress)
        job.finished.connect(lambda _saved: self._done(out, None))
        job.failed.connect(lambda message: self._done(out, message))
        job.start()

    def _progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setValue(done * PROGRESS_STEPS // max(total, 1))

    def _done(self, out: Path, error: str | None) -> None:
        cancelled = self.job is not None and self.job.cancel_requested
        self._close_progress()
        self.job = None
        if error is None:
            self.editor.message.show_message(
                _(
                    "Saved {name}. It is not encrypted: delete it when it is no longer needed."
                ).format(name=isolate(out.name)),
                "warning",
            )
        else:
            self.editor.message.show_message(error, "warning" if cancelled else "error")
        self.ended.emit()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect()
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _lock(self) -> None:
        """Locking: the question and the progress go; a save under way ends on its own."""
        if self.warning is not None:
            self.warning.close()
            self.warning = None
        if self.job is not None:
            self.job.cancel()
            self.job.detach()
            self.job = None
        self._close_progress()
